import { WorkflowNotFoundError } from '@temporalio/client';
import { eq, inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumers, devOutbox, feeders, notifications, transformers, workflowInbox } from '../db/schema';
import { verhoeffCheckDigit } from '../domain/verhoeff';
import { claimDueRows, readInboxRow } from '../db/workflow-inbox';
import { createWorkflowRelay, startInboxWorkflow } from '../lib/workflow-relay';
import { makeOwnConsumers } from './helpers/own-consumers';
import { startTestStack, type TestStack } from './helpers/stack';
import { sleep, waitFor } from './helpers/wait';
import { signedChannelWebhook } from './helpers/channel-webhook';

/**
 * The workflow inbox on the real Temporal and PostgreSQL: the door answers from its one
 * transaction, a relay starts the workflow. Each test pauses or stops this file's relay to look at
 * the moment in between. Consumers 156023300000NN are this file's own.
 */
let stack: TestStack;
const C = (n: number) => `15602330000${String(n).padStart(2, '0')}`;
let seq = 0;
let phone: string;

beforeAll(async () => {
  // Short leases and polls, so a relay taking over a dead one's rows is seen within seconds.
  stack = await startTestStack({ env: { INTAKE_RELAY_LEASE_MS: '1000', INTAKE_RELAY_POLL_MS: '100' } });
  await makeOwnConsumers(
    stack,
    Array.from({ length: 30 }, (_, i) => C(i + 1)),
  );
  phone = (
    await stack.db
      .select()
      .from(consumers)
      .where(eq(consumers.consumerNumber, C(1)))
  )[0]!.phone!;
});
afterAll(async () => stack?.stop());

const sms = async (messageId: string, consumerNumber: string) => {
  const raw = JSON.stringify({ messageId, from: phone, text: `NP ${consumerNumber}` });
  const at = new Date();
  const id = `wh-inbox-${Date.now()}-${++seq}`;
  return stack.call('POST', '/v1/webhooks/sms', {
    body: raw,
    headers: {
      ...signedChannelWebhook(id, at, raw),
    },
  });
};
const exists = (rn: string) =>
  stack.client.workflow
    .getHandle(rn)
    .describe()
    .then(
      () => true,
      (error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      },
    );
/** Executions with this workflow id, once visibility has caught up with all of them. */
const executions = async (rn: string) => {
  await waitFor(
    () => stack.client.workflow.count(`WorkflowId = "${rn}"`),
    (r) => r.count >= 1,
  );
  await sleep(300);
  return (await stack.client.workflow.count(`WorkflowId = "${rn}"`)).count;
};
const inboxRows = (ids: string[]) =>
  stack.db.select().from(workflowInbox).where(inArray(workflowInbox.workflowId, ids));
const messageId = (name: string) => `sms-inbox-${name}-${Date.now()}-${++seq}`;

describe('workflow inbox', () => {
  it('answers before the workflow exists; the relay then starts it, once, and the reply goes once', async () => {
    stack.relay.pause();
    const id = messageId('ack');
    const acked = await sms(id, C(1));
    expect(acked.status, acked.text).toBe(200);
    const rn = acked.json.requestNumber as string;
    expect(rn).toMatch(/^CR-/);
    expect(acked.json.reply).toContain(rn);
    // Nothing in Temporal yet: the promise is a sealed row in PostgreSQL.
    expect(await exists(rn)).toBe(false);
    const [row] = await inboxRows([rn]);
    expect(row?.workflowType).toBe('complaintWorkflow');
    expect(row!.sealed.toString('latin1')).not.toContain(C(1)); // the input is sealed, not plain
    // A retry of the same message while it waits: the same number, nothing new.
    const again = await sms(id, C(1));
    expect(again.json.requestNumber).toBe(rn);
    expect(again.json.reply).toBe(acked.json.reply);
    expect(await exists(rn)).toBe(false);

    stack.relay.resume();
    await waitFor(() => exists(rn), Boolean);
    await waitFor(
      () => inboxRows([rn]),
      (rows) => rows.length === 0,
    );
    expect(await executions(rn)).toBe(1);
    const replies = await waitFor(
      () =>
        stack.db
          .select()
          .from(devOutbox)
          .where(eq(devOutbox.idempotencyKey, `reply/sms/${id}`)),
      (rows) => rows.length > 0,
    );
    expect(replies[0]!.body).toBe(acked.json.reply);
    // and a retry after the start answers from the complaint itself
    const late = await sms(id, C(1));
    expect(late.json.requestNumber).toBe(rn);
  });

  it('a report joining a complaint still in the inbox joins it: one complaint, two reports', async () => {
    stack.relay.pause();
    try {
      const first = await sms(messageId('j1'), C(2));
      const rn = first.json.requestNumber as string;
      expect(await exists(rn)).toBe(false);
      const second = await sms(messageId('j2'), C(2));
      expect(second.status, second.text).toBe(200);
      expect(second.json.requestNumber).toBe(rn);
      // The join started it from the inbox to report to it.
      expect(await exists(rn)).toBe(true);
      const complaint = await stack.call('GET', `/v1/complaints/${rn}`, {
        token: await stack.token({ role: 'consumer', consumers: [C(2)] }),
      });
      expect(complaint.status, complaint.text).toBe(200);
      expect(complaint.json.reports).toHaveLength(2);
      expect(await executions(rn)).toBe(1);
    } finally {
      stack.relay.resume();
    }
  });

  it('a read right after the answer finds the complaint (started from the inbox), not a 404', async () => {
    stack.relay.pause();
    try {
      const acked = await sms(messageId('read'), C(3));
      const rn = acked.json.requestNumber as string;
      const read = await stack.call('GET', `/v1/complaints/${rn}`, {
        token: await stack.token({ role: 'consumer', consumers: [C(3)] }),
      });
      expect(read.status, read.text).toBe(200);
      expect(read.json.requestNumber).toBe(rn);
      expect(await inboxRows([rn])).toHaveLength(0);
    } finally {
      stack.relay.resume();
    }
    // a number nobody reserved is still a 404
    const none = await stack.call(
      'GET',
      `/v1/complaints/CR-2026-999999-${verhoeffCheckDigit('2026999999')}`,
      {
        token: await stack.token({ role: 'consumer', consumers: [C(3)] }),
      },
    );
    expect(none.status).toBe(404);
  });

  it('a service request too: answered before its workflow exists, a retry gets the same number, a read starts it', async () => {
    stack.relay.pause();
    try {
      const token = await stack.token({ role: 'consumer', consumers: [C(4)] });
      const key = `inbox-sr-${Date.now()}-${++seq}`;
      const post = () =>
        stack.call('POST', '/v1/service-requests', {
          token,
          headers: { 'idempotency-key': key },
          body: {
            type: 'meter-shifting',
            consumerNumber: C(4),
            form: { newLocation: 'Beside the front gate' },
          },
        });
      const created = await post();
      expect(created.status, created.text).toBe(201);
      const rn = created.json.requestNumber as string;
      expect(rn).toMatch(/^SR-/);
      expect(await exists(rn)).toBe(false);
      const again = await post();
      expect(again.status, again.text).toBe(200);
      expect(again.json.requestNumber).toBe(rn);
      expect(again.json.dueAt).toBe(created.json.dueAt);
      expect(await exists(rn)).toBe(false);
      const read = await stack.call('GET', `/v1/service-requests/${rn}`, { token });
      expect(read.status, read.text).toBe(200);
      expect(await executions(rn)).toBe(1);
    } finally {
      stack.relay.resume();
    }
  });

  it('a relay that died mid-batch: the next one starts each workflow exactly once', async () => {
    // This file's relay is down: the door's rows wait, leased to it, until the lease runs out.
    await stack.relay.stop();
    const rns: string[] = [];
    for (let i = 10; i < 16; i++)
      rns.push((await sms(messageId(`dead-${i}`), C(i))).json.requestNumber as string);
    await sleep(1_100);
    // A relay claims them all, starts half, and dies before deleting anything.
    const claimed = await claimDueRows(
      stack.db,
      stack.config.payloadCodec,
      { namespace: stack.config.temporal.namespace, taskQueue: stack.config.temporal.taskQueue },
      100,
      1_000,
    );
    expect(claimed.map((r) => r.workflowId).sort()).toEqual([...rns].sort());
    for (const row of claimed.slice(0, 3))
      await startInboxWorkflow({ temporal: stack.client, config: stack.config }, row);
    // While its lease holds nobody else takes them.
    expect(
      await claimDueRows(stack.db, stack.config.payloadCodec, stack.config.temporal, 100, 1_000),
    ).toHaveLength(0);
    stack.relay.start();
    await waitFor(
      () => inboxRows(rns),
      (rows) => rows.length === 0,
      30_000,
    );
    for (const rn of rns) expect(await executions(rn)).toBe(1);
  });

  it('a new ETR given while the report waited in the inbox reaches the consumer once its workflow starts', async () => {
    // A transformer and a feeder of this test's own (an outage on them reaches this consumer alone).
    const [model] = await stack.db
      .select()
      .from(transformers)
      .where(eq(transformers.sectionOfficeId, 'sec-kalamassery'));
    const [feeder] = await stack.db.select().from(feeders).where(eq(feeders.id, model!.feederId));
    const tag = `inbox-etr-${Date.now()}`;
    await stack.db.insert(feeders).values({ ...feeder!, id: `fdr-${tag}`, name: `Feeder ${tag}` });
    await stack.db
      .insert(transformers)
      .values({ ...model!, id: `dtr-${tag}`, name: `DTR ${tag}`, feederId: `fdr-${tag}` });
    await stack.db
      .update(consumers)
      .set({ transformerId: `dtr-${tag}` })
      .where(eq(consumers.consumerNumber, C(19)));
    const dispatcher = await stack.token({ role: 'dispatcher', office: 'sec-kalamassery' });
    const at = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
    const outage = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: { kind: 'emergency', transformerIds: [`dtr-${tag}`], reason: 'DTR fuse blown', etr: at(2) },
    });
    expect(outage.status, outage.text).toBe(201);

    stack.relay.pause();
    try {
      const acked = await sms(messageId('etr'), C(19));
      expect(acked.status, acked.text).toBe(200);
      const rn = acked.json.requestNumber as string;
      // the answer carries the ETR as it was
      expect(acked.json.reply).toContain(rn);
      expect(await exists(rn)).toBe(false);
      const etr = at(3);
      const patched = await stack.call('PATCH', `/v1/outages/${outage.json.id}`, {
        token: dispatcher,
        body: { etr },
      });
      expect(patched.status, patched.text).toBe(200);
      stack.relay.resume();
      const told = await waitFor(
        () =>
          stack.db
            .select()
            .from(notifications)
            .where(like(notifications.key, `${rn}/%`)),
        (rows) => rows.some((n) => n.template === 'outage-etr-changed'),
        30_000,
      );
      const changed = told.filter((n) => n.template === 'outage-etr-changed');
      expect(changed).toHaveLength(1);
      expect(changed[0]!.params.etr).toBe(new Date(etr).toISOString());
    } finally {
      stack.relay.resume();
    }
  });

  it('a start handed over while the door is answering waits until it is idle, and no longer than its yield', async () => {
    await stack.relay.stop();
    // A relay of its own: a long yield, and no poll to take the rows over meanwhile.
    const relay = createWorkflowRelay({
      db: stack.db,
      temporal: stack.client,
      config: {
        ...stack.config,
        intake: {
          ...stack.config.intake,
          relay: { ...stack.config.intake.relay, yieldMs: 5_000, pollMs: 60_000, leaseMs: 60_000 },
        },
      },
    });
    const [first, second] = [
      (await sms(messageId('yield-1'), C(17))).json.requestNumber as string,
      (await sms(messageId('yield-2'), C(18))).json.requestNumber as string,
    ];
    const rowOf = async (rn: string) => (await readInboxRow(stack.db, stack.config.payloadCodec, rn))!;
    // Leased well past the test (this file's leases are a second): no poll takes them meanwhile.
    await stack.db
      .update(workflowInbox)
      .set({ leaseUntil: new Date(Date.now() + 60_000) })
      .where(inArray(workflowInbox.workflowId, [first, second]));
    relay.start();
    try {
      // The door is busy (a request being answered): the hand-off waits…
      const release = relay.busy!();
      relay.handOff(await rowOf(first));
      await sleep(1_000);
      expect(await exists(first)).toBe(false);
      // …and goes once the door is idle.
      release();
      release(); // a second release counts once
      await waitFor(() => exists(first), Boolean, 10_000);

      // A door that never goes idle does not hold a start back for longer than the yield.
      const held = relay.busy!();
      const handedAt = Date.now();
      relay.handOff(await rowOf(second));
      await sleep(1_000);
      expect(await exists(second)).toBe(false);
      await waitFor(() => exists(second), Boolean, 20_000);
      expect(Date.now() - handedAt).toBeGreaterThanOrEqual(4_900);
      held();
    } finally {
      await relay.stop();
      stack.relay.start();
    }
    expect(await executions(first)).toBe(1);
    expect(await executions(second)).toBe(1);
  });

  it('two relays at once share the inbox: each workflow starts exactly once', async () => {
    await stack.relay.stop();
    const rns: string[] = [];
    for (let i = 20; i < 30; i++)
      rns.push((await sms(messageId(`two-${i}`), C(i))).json.requestNumber as string);
    await sleep(1_100); // the lease of the relay that wrote them runs out
    const other = createWorkflowRelay({ db: stack.db, temporal: stack.client, config: stack.config });
    other.start();
    stack.relay.start();
    try {
      await waitFor(
        () => inboxRows(rns),
        (rows) => rows.length === 0,
        30_000,
      );
    } finally {
      await other.stop();
    }
    for (const rn of rns) expect(await executions(rn)).toBe(1);
  });
});

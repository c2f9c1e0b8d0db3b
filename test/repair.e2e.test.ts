import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { repairActions } from '../db/schema';
import { scopeIdempotencyKey } from '../api/idempotency';
import { formatRequestNumber } from '../domain/request-number';
import { freePort } from '../scripts/lib/ports';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';
import { signedChannelWebhook } from './helpers/channel-webhook';

/**
 * Repair on the real stack (#17): a complaint whose channel reply cannot be sent because the SMS
 * gateway is down is found through the repair endpoint (its pending activity and the gateway's
 * answer), the gateway comes back, "retry now" sends it without waiting out the backoff, and the
 * complaint's workflow completes. Then a bad deploy: a worker whose build throws in the complaint
 * workflow's task, WorkflowTaskFailed, the good build deployed, reset, and the complaint runs on.
 */
let stack: TestStack;
let server: Server;
let gatewayDown = true;
const gatewaySeen: string[] = [];
let ops: string;
let admin: string;
let executive: string;
let agent: string;

// Consumers of sec-vyttila 11–14 and 17 are this file's own.
const C = (n: number) => `15522000000${String(n).padStart(2, '0')}`;

beforeAll(async () => {
  const port = await freePort();
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      gatewaySeen.push(raw);
      if (gatewayDown) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":"upstream SMSC unreachable"}');
        return;
      }
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: { id: `gw-${gatewaySeen.length}` } }));
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  stack = await startTestStack({
    env: {
      MESSAGING_URL: `http://127.0.0.1:${port}/messages`,
      MESSAGING_PAYLOAD_TEMPLATE:
        '{"channel":"{{channel}}","to":"{{to}}","text":"{{text}}","ref":"{{reference}}"}',
      MESSAGING_ID_FIELD: 'message.id',
    },
  });
  ops = await stack.token({ role: 'ops', office: 'hq', subject: 'ops-repair-1' });
  admin = await stack.token({ role: 'admin', office: 'hq', subject: 'admin-repair-1' });
  executive = await stack.token({ role: 'executive', office: 'sec-vyttila', subject: 'exec-vyttila' });
  agent = await stack.token({ role: 'agent', office: 'sec-vyttila' });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  server?.close();
});

let seq = 0;
const sms = (text: string, from: string) => {
  const messageId = `repair-sms-${Date.now()}-${++seq}`;
  const raw = JSON.stringify({ messageId, from, text });
  const id = `wh-${messageId}`;
  const at = new Date();
  return stack.call('POST', '/v1/webhooks/sms', {
    body: raw,
    headers: {
      ...signedChannelWebhook(id, at, raw),
    },
  });
};
const inspect = (rn: string, token = ops) => stack.call('GET', `/v1/repair/requests/${rn}`, { token });
const repair = (rn: string, body: unknown, token = ops, key?: string) =>
  stack.call('POST', `/v1/repair/requests/${rn}/actions`, {
    token,
    body,
    headers: key ? { 'idempotency-key': key } : {},
  });
const act = (rn: string, action: string, token: string, body: unknown) =>
  stack.call('POST', `/v1/complaints/${rn}/${action}`, { token, body });

describe('repair', () => {
  it('finds a complaint stuck on a down gateway, retries it now once fixed, and it completes', async () => {
    const consumerNumber = C(11);
    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    const registered = await sms(`NP ${consumerNumber}`, '+919400011011');
    expect(registered.status, registered.text).toBeLessThan(300);
    const rn = registered.json.requestNumber as string;
    expect(rn).toMatch(/^CR-/);

    // The reply keeps failing: the operator sees the activity, its attempt, the gateway's answer.
    const stuck = await waitFor(
      () => inspect(rn),
      (r) =>
        r.json?.pendingActivities?.some(
          (a: any) => a.type === 'sendChannelReply' && a.attempt >= 4 && a.state === 'scheduled',
        ),
      40_000,
    );
    expect(stuck.status, stuck.text).toBe(200);
    const reply = stuck.json.pendingActivities.find((a: any) => a.type === 'sendChannelReply');
    expect(reply.lastFailure.message).toContain('gateway error 503');
    expect(reply.maximumAttempts).toBe(20);
    expect(stuck.json).toMatchObject({
      requestNumber: rn,
      workflowType: 'complaintWorkflow',
      status: 'running',
      lastWorkflowTaskFailure: null,
      resetPoint: null,
    });
    expect(stuck.json.searchAttributes).toMatchObject({
      RequestNumber: rn,
      OfficeId: 'sec-vyttila',
      RequestKind: 'complaint',
      Channel: 'sms',
    });
    // The complaint's own timers (its TAT) are listed with the time they fire.
    expect(stuck.json.timers.length).toBeGreaterThan(0);
    expect(Date.parse(stuck.json.timers[0].firesAt)).toBeGreaterThan(Date.now());

    // The complaint is fixed and confirmed; its workflow still waits on the reply.
    expect((await act(rn, 'resolve', executive, { resolution: 'fuse replaced' })).status).toBe(200);
    expect((await act(rn, 'confirm', consumer, { fixed: true })).json.status).toBe('closed');
    const waiting = await inspect(rn);
    expect(waiting.json.status).toBe('running');

    // Refusals: the wrong role, no reason, an unknown number, a malformed one.
    const wrongRole = await repair(rn, { action: 'retry', reason: 'gateway fixed' }, executive);
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.headers.get('content-type')).toContain('application/problem+json');
    expect((await inspect(rn, agent)).status).toBe(403);
    const noReason = await repair(rn, { action: 'retry' });
    expect(noReason.status).toBe(400);
    expect(noReason.json.errors.map((e: any) => e.field)).toContain('reason');
    const blank = await repair(rn, { action: 'retry', reason: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.json.errors.map((e: any) => e.field)).toContain('reason');
    const unknown = await inspect(formatRequestNumber('CR', 2026, 999_999));
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect((await inspect('CR-2026-000001-0-x')).status).toBe(400);

    // The operator fixes the cause, then retries now instead of waiting out the backoff.
    const before = await inspect(rn);
    const next = before.json.pendingActivities.find((a: any) => a.type === 'sendChannelReply');
    gatewayDown = false;
    const key = `repair-retry-${Date.now()}`;
    const retried = await repair(
      rn,
      { action: 'retry', reason: 'SMS gateway back after the SMSC outage' },
      ops,
      key,
    );
    const retriedAt = Date.now();
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json).toMatchObject({
      action: 'retry',
      scope: 'one',
      target: rn,
      outcome: 'done',
      dryRun: false,
      actor: { subject: 'ops-repair-1', role: 'ops', officeId: 'hq' },
    });
    expect(retried.json.result.activities[0]).toMatchObject({ type: 'sendChannelReply' });

    const done = await waitFor(
      () => inspect(rn),
      (r) => r.json.status === 'completed',
      30_000,
    );
    expect(done.json.status).toBe('completed');
    expect(done.json.pendingActivities).toEqual([]);
    // It ran because of the retry, not its own next attempt.
    if (next.nextAttemptAt)
      expect(Date.parse(done.json.closedAt)).toBeLessThan(Date.parse(next.nextAttemptAt));
    expect(Date.parse(done.json.closedAt)).toBeGreaterThanOrEqual(retriedAt - 1000);

    // The same Idempotency-Key answers the recorded outcome and acts no more; another action on a
    // closed workflow is refused and recorded as failed.
    const again = await repair(
      rn,
      { action: 'retry', reason: 'SMS gateway back after the SMSC outage' },
      ops,
      key,
    );
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(retried.json.id);
    const late = await repair(rn, { action: 'terminate', reason: 'too late' }, admin);
    expect(late.status).toBe(409);

    const log = await stack.call('GET', `/v1/repair/actions?target=${rn}`, { token: admin });
    expect(log.status).toBe(200);
    expect(log.json.items.map((i: any) => [i.action, i.outcome])).toEqual([
      ['terminate', 'failed'],
      ['retry', 'done'],
    ]);
    expect(log.json.items[1].reason).toBe('SMS gateway back after the SMSC outage');
    expect((await stack.call('GET', '/v1/repair/actions', { token: executive })).status).toBe(403);
  }, 120_000);

  it('a retry with the key of an action that failed or was abandoned acts; one still running is told to wait', async () => {
    gatewayDown = false;
    const registered = await sms(`NP ${C(14)}`, '+919400011014');
    expect(registered.status, registered.text).toBeLessThan(300);
    const rn = registered.json.requestNumber as string;
    await waitFor(
      () => inspect(rn),
      (r) => r.json?.status === 'running' && (r.json.pendingActivities ?? []).length === 0,
    );
    // Rows as a first try would have left them: its API process died mid-action a while ago, or
    // Temporal did not answer it; and one started a moment ago.
    const row = (key: string, outcome: 'running' | 'failed', agoMs: number) => ({
      id: randomUUID(),
      idempotencyKey: `repair:${scopeIdempotencyKey('ops-repair-1', key)}`,
      actorSubject: 'ops-repair-1',
      actorRole: 'ops',
      actorOfficeId: 'hq',
      action: 'cancel' as const,
      scope: 'one' as const,
      target: rn,
      reason: 'consumer withdrew the report',
      outcome,
      result: outcome === 'failed' ? { error: 'Temporal did not answer' } : {},
      createdAt: new Date(Date.now() - agoMs),
    });
    const fresh = row(`fresh-${rn}`, 'running', 5_000);
    const failed = row(`failed-${rn}`, 'failed', 5_000);
    await stack.db.insert(repairActions).values([fresh, failed]);
    const body = { action: 'cancel', reason: 'consumer withdrew the report' };

    const wait = await repair(rn, body, ops, `fresh-${rn}`);
    expect(wait.status, wait.text).toBe(409);
    expect(wait.json.detail).toMatch(/still running/);

    const retried = await repair(rn, body, ops, `failed-${rn}`);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json).toMatchObject({ id: failed.id, outcome: 'done' });
    expect(
      (
        await waitFor(
          () => inspect(rn),
          (r) => r.json?.status !== 'running',
        )
      ).json.status,
    ).toBe('cancelled');
    // Asked again: the outcome, acting no more.
    const again = await repair(rn, body, ops, `failed-${rn}`);
    expect(again.json).toMatchObject({ id: failed.id, outcome: 'done' });
    const [stored] = await stack.db.select().from(repairActions).where(eq(repairActions.id, failed.id));
    expect(stored!.outcome).toBe('done');
  });

  it('bulk: a dry run lists the complaints with a failing reply, the real run retries them in a batch', async () => {
    gatewayDown = true;
    const rns: string[] = [];
    for (const n of [12, 13]) {
      const r = await sms(`NP ${C(n)}`, `+9194000110${n}`);
      expect(r.status, r.text).toBeLessThan(300);
      rns.push(r.json.requestNumber as string);
    }
    for (const rn of rns)
      await waitFor(
        () => inspect(rn),
        (r) => r.json?.pendingActivities?.some((a: any) => a.type === 'sendChannelReply' && a.attempt >= 2),
        30_000,
      );
    const selection = {
      workflowType: 'complaintWorkflow',
      officeId: 'sec-vyttila',
      failingActivityType: 'sendChannelReply',
    };
    // Visibility is eventually consistent: the dry run is read until it sees both.
    const dry = await waitFor(
      () =>
        stack.call('POST', '/v1/repair/bulk', {
          token: ops,
          body: { action: 'retry', selection, reason: 'gateway restored', dryRun: true },
        }),
      (r) => rns.every((rn) => r.json?.matches?.some((m: any) => m.workflowId === rn)),
    );
    expect(dry.status, dry.text).toBe(200);
    expect(dry.json.action).toMatchObject({ dryRun: true, outcome: 'done', scope: 'bulk', batchJobId: null });
    expect(dry.json.action.target).toContain("WorkflowType = 'complaintWorkflow'");
    expect(dry.json.action.target).toContain("OfficeId = 'sec-vyttila'");

    // A selection outside the grammar names the field; no query text reaches Temporal.
    const hostile = await stack.call('POST', '/v1/repair/bulk', {
      token: ops,
      body: {
        action: 'terminate',
        selection: { workflowType: 'complaintWorkflow', officeId: "x' OR WorkflowType != '" },
        reason: 'r',
      },
    });
    expect(hostile.status).toBe(400);
    expect(hostile.json.errors.map((e: any) => e.field)).toContain('selection.officeId');
    const raw = await stack.call('POST', '/v1/repair/bulk', {
      token: ops,
      body: {
        action: 'terminate',
        selection: { workflowType: 'complaintWorkflow', query: 'true' },
        reason: 'r',
      },
    });
    expect(raw.status).toBe(400);

    // Each reply is in a long backoff (its 4th attempt failed: 8 s to the next); the gateway is back.
    const nextAt = new Map<string, number>();
    for (const rn of rns) {
      const view = await waitFor(
        () => inspect(rn),
        (r) =>
          r.json?.pendingActivities?.some(
            (a: any) =>
              a.type === 'sendChannelReply' &&
              a.attempt >= 4 &&
              a.state === 'scheduled' &&
              Date.parse(a.nextAttemptAt) - Date.now() > 4_000,
          ),
        40_000,
      );
      const reply = view.json.pendingActivities.find((a: any) => a.type === 'sendChannelReply');
      nextAt.set(rn, Date.parse(reply.nextAttemptAt));
    }
    gatewayDown = false;
    const run = await stack.call('POST', '/v1/repair/bulk', {
      token: ops,
      body: { action: 'retry', selection, reason: 'gateway restored', limit: 50 },
      headers: { 'idempotency-key': `bulk-${Date.now()}` },
    });
    expect(run.status, run.text).toBe(200);
    const jobId = run.json.action.batchJobId as string;
    expect(jobId).toMatch(/^seva-repair-/);
    expect(run.json.action.result.matched).toBeGreaterThanOrEqual(2);
    const progress = await waitFor(
      () => stack.call('GET', `/v1/repair/batches/${jobId}`, { token: ops }),
      (r) => r.json?.state === 'completed',
    );
    expect(progress.json.state).toBe('completed');
    expect(progress.json.total).toBeGreaterThanOrEqual(2);
    expect(progress.json.failed).toBe(0);
    // The replies went out before their own next attempt was due: the batch ran them.
    for (const rn of rns) {
      const view = await waitFor(
        () => inspect(rn),
        (r) => !r.json.pendingActivities.some((a: any) => a.type === 'sendChannelReply'),
        15_000,
      );
      expect(view.json.pendingActivities.map((a: any) => a.type)).not.toContain('sendChannelReply');
    }
    const sentBy = Date.now();
    for (const rn of rns) expect(sentBy).toBeLessThan(nextAt.get(rn)!);
    expect((await stack.call('GET', '/v1/repair/batches/seva-repair-nope', { token: ops })).status).toBe(404);
  }, 120_000);

  it('after a bad deploy: WorkflowTaskFailed, the good build deployed, reset, and it runs on', async () => {
    const bad = await bundleWorkflowCode({
      workflowsPath: resolve('test/fixtures/bad-deploy-workflows.ts'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    });
    await stack.stopWorker();
    await stack.startWorker(bad);
    const consumerNumber = C(14);
    const registered = await stack.call('POST', '/v1/complaints', {
      token: agent,
      body: { type: 'low-voltage', consumerNumber, channel: 'agent', description: 'dim lights' },
    });
    expect(registered.status, registered.text).toBe(201);
    const rn = registered.json.requestNumber as string;

    const failing = await waitFor(
      () => inspect(rn),
      (r) => r.json?.lastWorkflowTaskFailure !== null && r.json?.lastWorkflowTaskFailure !== undefined,
      30_000,
    );
    expect(failing.json.lastWorkflowTaskFailure.message).toContain("reading 'dueAt'");
    expect(failing.json.lastWorkflowTaskFailure.cause).toBe('workflow-worker-unhandled-failure');
    expect(failing.json.resetPoint.eventId).toBe(failing.json.lastWorkflowTaskFailure.eventId);
    expect(failing.json.pendingWorkflowTask.attempt).toBeGreaterThan(1);

    // A second one, for the bulk reset; a dry run finds both by their failing workflow task.
    const second = await stack.call('POST', '/v1/complaints', {
      token: agent,
      body: { type: 'low-voltage', consumerNumber: C(17), channel: 'agent', description: 'flicker' },
    });
    expect(second.status, second.text).toBe(201);
    const rn2 = second.json.requestNumber as string;
    const selection = {
      workflowType: 'complaintWorkflow',
      officeId: 'sec-vyttila',
      workflowTaskFailing: true,
    };
    const dry = await waitFor(
      () =>
        stack.call('POST', '/v1/repair/bulk', {
          token: admin,
          body: { action: 'reset', selection, reason: 'bad deploy', dryRun: true },
        }),
      (r) => [rn, rn2].every((x) => r.json?.matches?.some((m: any) => m.workflowId === x)),
      30_000,
    );
    expect(dry.json.matches.map((m: any) => m.workflowId).sort()).toEqual([rn, rn2].sort());
    const noFlag = await stack.call('POST', '/v1/repair/bulk', {
      token: admin,
      body: { action: 'reset', selection: { ...selection, workflowTaskFailing: undefined }, reason: 'r' },
    });
    expect(noFlag.status).toBe(400);
    expect(noFlag.json.errors[0].field).toBe('selection.workflowTaskFailing');

    // The bad build is taken down; a reset before the good one is up would only fail again.
    await stack.stopWorker();
    const reset = await repair(rn, { action: 'reset', reason: 'bad deploy 2026-12-01 rolled back' }, admin);
    expect(reset.status, reset.text).toBe(200);
    expect(reset.json.result.fromRunId).toBe(failing.json.runId);
    expect(reset.json.result.runId).not.toBe(failing.json.runId);
    // The bulk reset now matches only the second (the first's new run has a fresh task).
    const before2 = (await inspect(rn2)).json.runId as string;
    const bulk = await stack.call('POST', '/v1/repair/bulk', {
      token: admin,
      body: { action: 'reset', selection, reason: 'bad deploy 2026-12-01 rolled back', limit: 10 },
    });
    expect(bulk.status, bulk.text).toBe(200);
    expect(bulk.json.matches.map((m: any) => m.workflowId)).toEqual([rn2]);
    const batch = await waitFor(
      () => stack.call('GET', `/v1/repair/batches/${bulk.json.action.batchJobId}`, { token: ops }),
      (r) => r.json?.state === 'completed',
    );
    expect(batch.json).toMatchObject({ state: 'completed', total: 1, completed: 1, failed: 0 });
    expect((await inspect(rn2)).json.runId).not.toBe(before2);
    // The good build is deployed.
    await stack.startWorker();
    const reopened = await waitFor(
      () => stack.call('GET', `/v1/complaints/${rn2}`, { token: agent }),
      (r) => r.status === 200 && r.json.status === 'open',
      30_000,
    );
    expect(reopened.json.status).toBe('open');

    const healthy = await waitFor(
      () => stack.call('GET', `/v1/complaints/${rn}`, { token: agent }),
      (r) => r.status === 200 && r.json.status === 'open',
      30_000,
    );
    expect(healthy.json.status).toBe('open');
    const after = await inspect(rn);
    expect(after.json.runId).toBe(reset.json.result.runId);
    expect(after.json.resetPoint).toBeNull();
    // Nothing is failing now: another reset is refused (and recorded as failed).
    const needless = await repair(rn, { action: 'reset', reason: 'once more' }, admin);
    expect(needless.status).toBe(409);
    expect(needless.json.detail).toContain('nothing to reset to');
    // It goes on to the end like any other complaint.
    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    expect((await act(rn, 'resolve', executive, { resolution: 'tap changed' })).status).toBe(200);
    expect((await act(rn, 'confirm', consumer, { fixed: true })).json.status).toBe('closed');
    const done = await waitFor(
      () => inspect(rn),
      (r) => r.json.status === 'completed',
    );
    expect(done.json.status).toBe('completed');
    const log = await stack.call('GET', `/v1/repair/actions?target=${rn}`, { token: ops });
    expect(log.json.items.map((i: any) => [i.action, i.outcome])).toEqual([
      ['reset', 'failed'],
      ['reset', 'done'],
    ]);
    expect(log.json.items[1]).toMatchObject({
      actor: { role: 'admin' },
      result: { eventId: failing.json.resetPoint.eventId },
    });
  }, 180_000);
});

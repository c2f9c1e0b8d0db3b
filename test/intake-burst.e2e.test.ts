import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaints, consumers } from '../db/schema';
import { signedChannelWebhook } from './helpers/channel-webhook';
import { makeOwnConsumers } from './helpers/own-consumers';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

/**
 * A burst at the door of a process that has just started: more NP reports at once than its
 * database pool has connections, before it has read the complaint type. Each report's one
 * transaction must not wait for a second connection (the type read once did, inside it: a burst
 * held the whole pool in open transactions and every report hung). Consumers 15602331000NN are
 * this file's own; the stack (pool of 4) is this file's own, so its type cache starts cold.
 */
let stack: TestStack;
const C = (n: number) => `15602331000${String(n).padStart(2, '0')}`;
const BURST = 16;

beforeAll(async () => {
  stack = await startTestStack();
  await makeOwnConsumers(
    stack,
    Array.from({ length: BURST }, (_, i) => C(i + 1)),
  );
});
afterAll(async () => stack?.stop());

describe('a burst at a cold door', () => {
  it(`answers ${BURST} reports sent at once, each with its own Request Number`, async () => {
    const [{ phone }] = (await stack.db
      .select({ phone: consumers.phone })
      .from(consumers)
      .where(eq(consumers.consumerNumber, C(1)))) as [{ phone: string }];
    const at = new Date();
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) => {
        const raw = JSON.stringify({
          messageId: `burst-${Date.now()}-${i}`,
          from: phone,
          text: `NP ${C(i + 1)}`,
        });
        return stack.call('POST', '/v1/webhooks/sms', {
          body: raw,
          headers: signedChannelWebhook(`wh-burst-${Date.now()}-${i}`, at, raw),
        });
      }),
    );
    for (const a of answers) expect(a.status, a.text).toBe(200);
    const numbers = answers.map((a) => (a.json as { requestNumber: string }).requestNumber);
    expect(new Set(numbers).size).toBe(BURST);
    // …and the relay starts every one of them.
    const started = await waitFor(
      () =>
        stack.db
          .select({ rn: complaints.requestNumber })
          .from(complaints)
          .where(inArray(complaints.requestNumber, numbers)),
      (rows) => rows.length === BURST,
    );
    expect(started).toHaveLength(BURST);
  }, 60_000);
});

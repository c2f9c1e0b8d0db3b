import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelMessages, channelSessions } from '../db/schema';
import { ensureSchedules, HOUSEKEEPING_SCHEDULE_ID } from '../worker/schedules';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.client.schedule
    .getHandle(HOUSEKEEPING_SCHEDULE_ID)
    .delete()
    .catch(() => {});
  await stack?.stop();
});

describe('housekeeping', () => {
  it('an hourly schedule forgets old message ids, stuck claims and idle conversations, and nothing else', async () => {
    const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    const id = (name: string) => `hk-${name}`;
    await stack.db.insert(channelMessages).values([
      { channel: 'sms', messageId: id('old'), status: 'done', answer: {}, receivedAt: ago(31 * 24) },
      { channel: 'sms', messageId: id('recent'), status: 'done', answer: {}, receivedAt: ago(2) },
      { channel: 'sms', messageId: id('stuck'), status: 'processing', receivedAt: ago(2) },
      { channel: 'sms', messageId: id('working'), status: 'processing', receivedAt: ago(0) },
    ]);
    await stack.db.insert(channelSessions).values([
      { channel: 'whatsapp', address: id('idle'), updatedAt: ago(25) },
      { channel: 'whatsapp', address: id('active'), updatedAt: ago(1) },
    ]);

    await ensureSchedules(stack.client, stack.config);
    await ensureSchedules(stack.client, stack.config); // again, as every start does: no error, one schedule
    const schedule = stack.client.schedule.getHandle(HOUSEKEEPING_SCHEDULE_ID);
    const described = await schedule.describe();
    expect(described.action).toMatchObject({
      workflowType: 'housekeepingWorkflow',
      taskQueue: stack.config.temporal.taskQueue,
    });
    await schedule.trigger();

    const left = await waitFor(
      async () =>
        (
          await stack.db
            .select({ id: channelMessages.messageId })
            .from(channelMessages)
            .where(inArray(channelMessages.messageId, [id('old'), id('recent'), id('stuck'), id('working')]))
        )
          .map((r) => r.id)
          .sort(),
      (ids) => ids.length === 2,
    );
    expect(left).toEqual([id('recent'), id('working')]);
    const sessions = await stack.db
      .select({ address: channelSessions.address })
      .from(channelSessions)
      .where(inArray(channelSessions.address, [id('idle'), id('active')]));
    expect(sessions.map((s) => s.address)).toEqual([id('active')]);
  });
});

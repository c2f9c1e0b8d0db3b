import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumers, devOutbox, notificationAttempts, notifications } from '../db/schema';
import { noticeWorkflowId, type TNoticeInput } from '../domain/notices';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

/**
 * The development sandbox told, per channel, to refuse, fail or stay silent (SANDBOX_CHANNELS):
 * the real notice workflow falls back along the chain without any fake gateway.
 */
let stack: TestStack;
// Quiet hours half a day away, so the notice is never held while the test runs.
const hour = (new Date().getUTCHours() + 5 + 12) % 24;
const hh = (h: number) => String(h % 24).padStart(2, '0');
beforeAll(async () => {
  stack = await startTestStack({
    env: {
      SANDBOX_CHANNELS: 'sms=refuse, whatsapp=silent, voice=fail',
      NOTICE_RECEIPT_TIMEOUT_SECONDS: '2',
      NOTICE_CHAIN: 'sms,whatsapp,voice,email,post',
      QUIET_HOURS: `${hh(hour)}:00-${hh(hour + 1)}:00`,
    },
  });
});
afterAll(async () => stack?.stop());

describe('sandbox channel modes', () => {
  it('refuses SMS, leaves WhatsApp without a receipt, fails voice, and the notice ends by e-mail', async () => {
    const consumerNumber = '1154600000027';
    await stack.db
      .update(consumers)
      .set({ preferredChannel: 'sms', email: 'sandbox-modes@example.in', optOuts: [], language: 'en' })
      .where(eq(consumers.consumerNumber, consumerNumber));
    const input: TNoticeInput = {
      key: `sandbox-modes/${Date.now()}`,
      to: { consumerNumber },
      template: 'request-received',
      params: {
        requestNumber: 'SR-2026-000042-7',
        service: 'Address change',
        dueAt: '2026-12-26T11:30:00.000Z',
      },
    };
    await stack.client.workflow.start('noticeWorkflow', {
      workflowId: noticeWorkflowId(input.key),
      taskQueue: stack.config.temporal.taskQueue,
      args: [input],
    });
    const done = await waitFor(
      () =>
        stack.db
          .select()
          .from(notifications)
          .where(eq(notifications.key, input.key))
          .then((r) => r[0]),
      (n) => n?.status === 'delivered',
      60_000,
    );
    expect(done).toMatchObject({ status: 'delivered', channel: 'email' });
    const attempts = await stack.db
      .select()
      .from(notificationAttempts)
      .where(eq(notificationAttempts.key, input.key));
    const byChannel = Object.fromEntries(attempts.map((a) => [a.channel, a.status]));
    expect(byChannel).toMatchObject({
      whatsapp: expect.not.stringMatching(/^delivered$/),
      email: 'delivered',
    });
    expect(byChannel.sms).not.toBe('delivered');
    // Only what was "sent" is in the outbox: the silent WhatsApp and the e-mail, not the refused SMS.
    const sent = (await stack.db.select().from(devOutbox)).filter((m) =>
      m.idempotencyKey.startsWith(input.key),
    );
    expect(sent.map((m) => m.channel).sort()).toEqual(['email', 'whatsapp']);
  });

  it('names the rule when SANDBOX_CHANNELS is malformed', async () => {
    const { loadConfig, ConfigError } = await import('../config');
    expect(() => loadConfig({ SANDBOX_CHANNELS: 'sms=explode' })).toThrow(ConfigError);
    expect(() => loadConfig({ SANDBOX_CHANNELS: 'pigeon=refuse' })).toThrow(/channel=mode/);
    expect(loadConfig({ SANDBOX_CHANNELS: 'sms=silent' }).notices.sandboxModes).toEqual({ sms: 'silent' });
  });
});

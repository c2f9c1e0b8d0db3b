import { createHmac } from 'node:crypto';
import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_WHATSAPP_APP_SECRET } from '../../config';
import { consumers, devOutbox, notificationAttempts, notifications, offices } from '../../db/schema';
import { npFormatHelp } from '../../domain/complaint-catalogue';
import type { TIdType } from '../../domain/identity-numbers';
import { toE164 } from '../../domain/phone';
import { RECEIPT_LABELS } from '../../domain/receipt-labels';
import { localMinutes, localWeekday } from '../../domain/utility-profile-contract';
import type { TProfileId } from '../../domain/utility-profile';
import { serve } from '@hono/node-server';
import { chromium } from 'playwright-core';
import { freePort } from '../../scripts/lib/ports';
import { makePng } from '../../scripts/lib/sample-files';
import { CHROMIUM, shoot } from './portal-browser';
import { pdfText } from './poppler';
import { awayFromQuietHours, localClock, startProfileStack } from './profile-stack';
import type { TestStack } from './stack';
import { waitFor } from './wait';
import { signedChannelWebhook } from './channel-webhook';

/** What a profile's journeys expect of it: its demo data, words and formats. */
export type TProfileFacts = {
  id: TProfileId;
  language: 'vi' | 'ru';
  utcOffsetMinutes: number;
  /** demo offices: a circle, the sub-division over `transformer` */
  circle: { id: string; name: string };
  subdivision: string;
  transformer: string;
  /** the demo consumer number of serial `n` of the transformer's section (n % 3 === 0 is fed by it) */
  consumer: (n: number) => string;
  phonePrefix: string;
  /** a number typed without a country code, and what it is here */
  localPhone: [string, string];
  /** the format the refusal of a KSEB number names */
  formatWords: RegExp;
  /** the money in a bill reply, in the reader's language (digits grouped, the currency sign) */
  money: RegExp;
  /** the zone named after an instant, and the notice's words around the ETR */
  zoneWords: string;
  noticeWords: string;
  identity: { kind: TIdType; valid: string; invalid: string };
  /** the executive of the transformer's section, and an address there with its postcode */
  executive: { subject: string; office: string };
  newAddress: [string, string];
};

/**
 * The main journeys under one utility profile, on a stack of its own (its database, its Temporal
 * namespace): numbers, phones, money, and times in the profile's zone and words.
 */
export function describeProfileJourneys(f: TProfileFacts) {
  let stack: TestStack;
  beforeAll(async () => {
    // E-mail refuses: a notice falls back along the profile's chain.
    stack = await startProfileStack(f.id, {
      env: { SANDBOX_CHANNELS: 'email=refuse', QUIET_HOURS: awayFromQuietHours(f.utcOffsetMinutes) },
    });
  }, 120_000);
  afterAll(async () => stack?.stop());

  let seq = 0;
  const nextId = (prefix: string) => `${prefix}-${Date.now()}-${++seq}`;
  const sms = (text: string, from: string) => {
    const raw = JSON.stringify({ messageId: nextId('sms'), from, text });
    const at = new Date();
    const id = nextId('wh');
    return stack.call('POST', '/v1/webhooks/sms', {
      body: raw,
      headers: {
        ...signedChannelWebhook(id, at, raw),
      },
    });
  };
  const wa = (from: string, body: string) => {
    const message = {
      from,
      id: nextId('wamid'),
      timestamp: String(Math.floor(Date.now() / 1000)),
      type: 'text',
      text: { body },
    };
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'WABA',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '10000000000', phone_number_id: 'PNID' },
                contacts: [{ profile: { name: 'C' }, wa_id: from }],
                messages: [message],
              },
            },
          ],
        },
      ],
    });
    return stack.call('POST', '/v1/webhooks/whatsapp', {
      body: raw,
      headers: {
        'x-hub-signature-256': `sha256=${createHmac('sha256', DEV_WHATSAPP_APP_SECRET).update(raw).digest('hex')}`,
      },
    });
  };
  const consumer = async (n: string) =>
    (await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, n)))[0]!;
  const reader = (n: string, email: string) =>
    stack.db
      .update(consumers)
      .set({ language: f.language, preferredChannel: 'email', email, optOuts: [] })
      .where(eq(consumers.consumerNumber, n));

  describe(`the ${f.id} profile`, () => {
    it('serves its own demo data: offices, consumer numbers and phones of the country', async () => {
      expect(stack.config.profile.id).toBe(f.id);
      const [circle] = await stack.db.select().from(offices).where(eq(offices.id, f.circle.id));
      expect(circle?.name).toBe(f.circle.name);
      const rows = await stack.db.select().from(consumers);
      expect(rows.length).toBeGreaterThanOrEqual(100);
      expect(rows.every((c) => c.phone.startsWith(f.phonePrefix) && toE164(c.phone) === c.phone)).toBe(true);
      expect(toE164(f.localPhone[0])).toBe(f.localPhone[1]);
    });

    it('refuses a KSEB consumer number, naming its own format, and answers for its own', async () => {
      const agent = await stack.token({ role: 'agent', office: f.circle.id });
      const bad = await stack.call('GET', '/v1/consumers/1154600000001/account', { token: agent });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.json)).toMatch(f.formatWords);
      const ok = await stack.call('GET', `/v1/consumers/${f.consumer(3)}/account`, { token: agent });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.json.consumerNumber).toBe(f.consumer(3));
    });

    it('takes its own identity documents, checked by their rule, and refuses India’s', async () => {
      const number = f.consumer(4);
      const token = await stack.token({ role: 'consumer', consumers: [number] });
      const send = (idType: string, idNumber: string) => {
        const form = new FormData();
        form.set('consumerNumber', number);
        form.set('kind', 'identity');
        form.set('idType', idType);
        form.set('idNumber', idNumber);
        form.set('file', new Blob([makePng(800, 600, ++seq)], { type: 'image/png' }), 'id.png');
        return stack.app.request('/v1/documents', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: form,
        });
      };
      const good = await send(f.identity.kind, f.identity.valid);
      expect(good.status, await good.clone().text()).toBe(201);
      expect(JSON.stringify(await good.json())).not.toContain(f.identity.valid.replace(/\D/g, ''));
      const wrong = await send(f.identity.kind, f.identity.invalid);
      expect(wrong.status).toBe(422);
      const indian = await send('aadhaar', '234567890124');
      expect(indian.status).toBe(400);
      expect(JSON.stringify(await indian.json())).toMatch(new RegExp(f.identity.kind));
    });

    it('a service request runs on the profile’s office calendar to a signed receipt in the reader’s language and zone', async () => {
      const number = f.consumer(15);
      await stack.db
        .update(consumers)
        .set({ language: f.language })
        .where(eq(consumers.consumerNumber, number));
      const token = await stack.token({ role: 'consumer', consumers: [number] });
      const form = new FormData();
      form.set('consumerNumber', number);
      form.set('kind', 'address');
      form.set('file', new Blob([makePng(800, 600, ++seq)], { type: 'image/png' }), 'proof.png');
      const doc = await stack.app.request('/v1/documents', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      expect(doc.status).toBe(201);
      const { documentId } = (await doc.json()) as { documentId: string };
      const submitted = await stack.call('POST', '/v1/service-requests', {
        token,
        body: {
          type: 'address-change',
          consumerNumber: number,
          form: { newAddress: f.newAddress[0], pinCode: f.newAddress[1] },
          documents: [{ documentId, kind: 'address', fileName: 'proof.png' }],
        },
      });
      expect(submitted.status, submitted.text).toBe(201);
      const rn = submitted.json.requestNumber as string;
      // 21 working hours on the profile's calendar: the due time is inside its working day, on a working weekday.
      const due = new Date(submitted.json.dueAt as string);
      const cal = stack.config.profile.calendar;
      const minute = localMinutes(due, f.utcOffsetMinutes);
      const [start, end] = [cal.workingHours.start, cal.workingHours.end].map(
        (t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)),
      );
      expect(minute).toBeGreaterThan(start!);
      expect(minute).toBeLessThanOrEqual(end!);
      expect(cal.weeklyOff).not.toContain(localWeekday(due, f.utcOffsetMinutes));

      const executive = await stack.token({
        role: 'executive',
        office: f.executive.office,
        subject: f.executive.subject,
      });
      const act = async (action: string, body: Record<string, unknown>) =>
        stack.call('POST', `/v1/service-requests/${rn}/${action}`, {
          token: executive,
          body: await stack.sign(executive, rn, action, body),
        });
      expect((await act('decide-document', { documentId, decision: 'accept' })).status).toBe(200);
      const done = await act('approve-step', { stepId: 'document-review' });
      expect(done.json.receipt, done.text).toMatchObject({ revision: 0 });
      const download = await stack.app.request(`/v1/service-requests/${rn}/receipt`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(download.status).toBe(200);
      const pdf = Buffer.from(await download.arrayBuffer());
      const verdict = await stack.verifyReceipt(pdf);
      expect(verdict).toMatchObject({ valid: true, requestNumber: rn });
      const text = pdfText(pdf).replace(/\s+/g, ' ');
      expect(text).toContain(`${RECEIPT_LABELS[f.language].requestNumber}: ${rn}`);
      expect(text).toContain(`${RECEIPT_LABELS[f.language].address}: ${f.newAddress[0]}`);
      expect(text).toContain(f.zoneWords);
    }, 60_000);

    it('an NP SMS with its number registers a no-power complaint; a KSEB number gets its format', async () => {
      const number = f.consumer(5);
      const from = (await consumer(number)).phone;
      const res = await sms(`np ${number.toLowerCase()}`, from);
      expect(res.status, res.text).toBe(200);
      expect(res.json).toMatchObject({ duplicate: false, requestNumber: expect.stringMatching(/^CR-/) });
      const wrong = await sms('NP 1154600000001', from);
      expect(wrong.json.reply).toBe(npFormatHelp(stack.config.profile.consumerNumber));
      expect(wrong.json.reply).toContain(`NP ${stack.config.profile.consumerNumber.example}`);
    });

    it('the portal’s sign-in asks for the profile’s number in its words (screenshots)', async () => {
      const port = await freePort();
      const server = serve({ fetch: stack.app.fetch, hostname: '127.0.0.1', port });
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox'],
      });
      try {
        const page = await browser.newPage();
        await page.goto(`http://127.0.0.1:${port}/`);
        // In the profile's own language first, with a switch to the languages it offers only.
        const { offered, default: first } = stack.config.profile.languages;
        const buttons = await page.locator('.languages-list button').all();
        expect(await Promise.all(buttons.map((b) => b.getAttribute('value')))).toEqual(offered);
        await shoot(page, `profile-${f.id}-sign-in-${first}`);
        await page.click('.languages-list button[value=en]');
        await page.waitForLoadState();
        expect(await page.getAttribute('html', 'lang')).toBe('en');
        const rule = stack.config.profile.consumerNumber;
        expect(await page.textContent('body')).toContain(rule.example);
        expect(await page.textContent('main')).toContain(
          `Your ${rule.words.en}, printed on your electricity bill`,
        );
        expect(await page.getAttribute('input[name=consumerNumber]', 'maxlength')).toBe(
          String(rule.example.length),
        );
        expect(await page.textContent('body')).toContain(
          `Call ${stack.config.profile.emergencyPhone}, day and night.`,
        );
        await shoot(page, `profile-${f.id}-sign-in`);
      } finally {
        await browser.close();
        server.close();
      }
    }, 60_000);

    it('asks a stranger for its own consumer number, by its name, with its example', async () => {
      const reply = (await wa('15550000001', '3')).json.messages[0].reply as string;
      const rule = stack.config.profile.consumerNumber;
      expect(reply).toBe(
        `Please send your ${rule.words.en} (it is printed on your bill), e.g. ${rule.example}.`,
      );
      expect(reply).not.toMatch(/13/);
    });

    it('answers a bill in its currency and the reader’s formats', async () => {
      const number = f.consumer(7);
      await stack.db
        .update(consumers)
        .set({ language: f.language })
        .where(eq(consumers.consumerNumber, number));
      const from = (await consumer(number)).phone.replace('+', '');
      await wa(from, number);
      const reply = (await wa(from, '3')).json.messages[0].reply as string;
      expect(reply).toMatch(f.money);
      expect(reply).not.toMatch(/₹/);
    });

    it('an NP inside an outage is answered with the ETR in local time; the notice falls back from e-mail to SMS', async () => {
      const dispatcher = await stack.token({ role: 'dispatcher', office: f.subdivision });
      const etr = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 2 * 3_600_000);
      const outage = await stack.call('POST', '/v1/outages', {
        token: dispatcher,
        body: { kind: 'emergency', transformerIds: [f.transformer], reason: 'fuse', etr: etr.toISOString() },
      });
      expect(outage.status, outage.text).toBe(201);
      const { hhmm, day } = localClock(etr, f.utcOffsetMinutes);

      const number = f.consumer(9);
      await reader(number, `reader.9.${f.id}@example.org`);
      const res = await sms(`NP ${number}`, (await consumer(number)).phone);
      expect(res.status, res.text).toBe(200);
      expect(res.json.reply).toContain(res.json.requestNumber);
      expect(res.json.reply).toContain(hhmm);
      expect(res.json.reply).toContain(String(day));
      expect(res.json.reply).toContain(f.zoneWords);

      // Registered by the call centre for a neighbour on the same transformer: a notice tells them.
      const neighbour = f.consumer(12);
      await reader(neighbour, `reader.12.${f.id}@example.org`);
      const agent = await stack.token({ role: 'agent', office: f.circle.id });
      const linked = await stack.call('POST', '/v1/complaints', {
        token: agent,
        body: { type: 'no-power', consumerNumber: neighbour, channel: 'agent' },
      });
      expect(linked.status, linked.text).toBe(201);
      expect(linked.json).toMatchObject({ status: 'awaiting-restoration', outage: { id: outage.json.id } });
      const key = `${linked.json.requestNumber}/registered`;
      const notice = await waitFor(
        () =>
          stack.db
            .select()
            .from(notifications)
            .where(eq(notifications.key, key))
            .then((r) => r[0]),
        (n) => n?.status === 'delivered',
        30_000,
      );
      expect(notice).toMatchObject({ channel: 'sms', language: f.language });
      const attempts = await stack.db
        .select()
        .from(notificationAttempts)
        .where(eq(notificationAttempts.key, key));
      expect(attempts.sort((a, b) => a.attempt - b.attempt).map((a) => a.channel)).toEqual(['email', 'sms']);
      const [sent] = await stack.db
        .select()
        .from(devOutbox)
        .where(like(devOutbox.idempotencyKey, `${key}#%`));
      expect(sent).toMatchObject({ channel: 'sms', recipient: (await consumer(neighbour)).phone });
      expect(sent!.body).toContain(f.noticeWords);
      expect(sent!.body).toContain(hhmm);
    }, 60_000);
  });
}

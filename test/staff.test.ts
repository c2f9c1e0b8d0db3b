import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staff } from '../db/schema';
import { deliverToInbox } from '../db/staff';
import { toE164 } from '../domain/phone';
import { buildDemoData, loadDemoData } from '../scripts/lib/demo-data';
import { startTestStack, type TestStack } from './helpers/stack';

/**
 * The staff directory, on-call rosters and inboxes on the real API and Postgres. Entries this
 * file writes live in sec-kalamassery (or have unique subjects), so other files' alerts are not
 * affected.
 */
let stack: TestStack;
let admin: string;
let ops: string;
const OFFICE = 'sec-kalamassery';
const uniq = () => randomUUID().slice(0, 8);
const entry = (overrides: Record<string, unknown> = {}) => ({
  name: 'Asha Menon',
  role: 'executive',
  officeId: OFFICE,
  phone: '094470 55501',
  email: 'asha.menon@seva.example',
  preferredChannel: 'sms',
  language: 'ml',
  ...overrides,
});

beforeAll(async () => {
  stack = await startTestStack({ worker: false });
  admin = await stack.token({ role: 'admin', office: 'circle-tvm', subject: 'admin-staff-test' });
  ops = await stack.token({ role: 'ops', office: 'circle-tvm', subject: 'ops-staff-test' });
});
afterAll(async () => stack?.stop());

describe('demo staff', () => {
  it('has an executive and a supervisor per section, supervisors above, an emergency desk per circle', async () => {
    // The demo's own staff: other test files add people of their own to the shared database.
    const demo = new Set(buildDemoData().staffRows.map((r) => r.subject));
    const rows = (await stack.db.select().from(staff)).filter((r) => demo.has(r.subject));
    expect(rows.length).toBe(demo.size);
    const has = (subject: string, role: string, officeId: string) =>
      expect(rows.find((r) => r.subject === subject)).toMatchObject({ role, officeId, active: true });
    has('exec-pattom', 'executive', 'sec-pattom');
    has('sup-pattom', 'supervisor', 'sec-pattom');
    has('sup-subdiv-pattom', 'supervisor', 'subdiv-pattom');
    has('sup-div-tvm-city', 'supervisor', 'div-tvm-city');
    has('dispatch-tvm-night', 'dispatcher', 'circle-tvm');
    for (const section of ['sec-kaloor', 'sec-vizhinjam', 'sec-aluva-town'])
      for (const role of ['executive', 'supervisor'])
        expect(rows.some((r) => r.officeId === section && r.role === role)).toBe(true);
    expect(rows.every((r) => toE164(r.phone) === r.phone && r.phone.startsWith('+9194470'))).toBe(true);
    expect(new Set(rows.map((r) => r.language))).toContain('ml');
    expect(new Set(rows.map((r) => r.phone)).size).toBe(rows.length);
  });

  it('loads again without change', async () => {
    const before = await stack.db.select().from(staff);
    await loadDemoData(stack.db);
    expect((await stack.db.select().from(staff)).length).toBe(before.length);
  });

  it("covers each circle's desk around the clock", async () => {
    const desk = await stack.token({ role: 'dispatcher', office: 'circle-ekm' });
    for (let hour = 0; hour < 24; hour++) {
      const at = `2026-11-2${hour % 2 ? 3 : 9}T${String(hour).padStart(2, '0')}:15:00+05:30`;
      const res = await stack.call('GET', `/v1/offices/circle-ekm/on-call?at=${encodeURIComponent(at)}`, {
        token: desk,
      });
      expect(res.status).toBe(200);
      expect(res.json.onCall.length, at).toBeGreaterThan(0);
    }
  });
});

describe('directory', () => {
  it('creates, replaces and deactivates an entry, idempotently', async () => {
    const subject = `exec-t-${uniq()}`;
    const put = (body: unknown) => stack.call('PUT', `/v1/staff/${subject}`, { token: admin, body });
    const created = await put(entry());
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ subject, phone: '+919447055501', active: true, language: 'ml' });
    const again = await put(entry());
    expect(again.status).toBe(200);
    expect(again.json.phone).toBe('+919447055501');

    const off = await put(entry({ active: false, preferredChannel: 'email' }));
    expect(off.status).toBe(200);
    expect(off.json).toMatchObject({ active: false, preferredChannel: 'email' });
    const read = await stack.call('GET', `/v1/staff/${subject}`, { token: ops });
    expect(read.json).toMatchObject({ subject, active: false });
    const activeOnly = await stack.call('GET', `/v1/staff?officeId=${OFFICE}&active=true&pageSize=200`, {
      token: ops,
    });
    expect(activeOnly.json.items.map((i: any) => i.subject)).not.toContain(subject);
  });

  it('names every bad field, and lets only an admin write', async () => {
    const subject = `exec-t-${uniq()}`;
    const bad = await stack.call('PUT', `/v1/staff/${subject}`, {
      token: admin,
      body: {
        name: '',
        role: 'consumer',
        officeId: OFFICE,
        phone: '12345',
        email: 'not-an-email',
        preferredChannel: 'pigeon',
        language: 'fr',
        active: 'yes',
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(bad.json.errors.map((e: any) => e.field).sort()).toEqual(
      ['active', 'email', 'language', 'name', 'phone', 'preferredChannel', 'role'].sort(),
    );
    const noOffice = await stack.call('PUT', `/v1/staff/${subject}`, {
      token: admin,
      body: entry({ officeId: 'sec-nowhere' }),
    });
    expect(noOffice.status).toBe(400);
    expect(noOffice.json.errors).toEqual([{ field: 'officeId', message: 'no office sec-nowhere' }]);
    const emailless = await stack.call('PUT', `/v1/staff/${subject}`, {
      token: admin,
      body: entry({ email: undefined, preferredChannel: 'email' }),
    });
    expect(emailless.json.errors).toEqual([
      { field: 'email', message: 'required when preferredChannel is email' },
    ]);
    const badSubject = await stack.call('PUT', `/v1/staff/a%20b`, { token: admin, body: entry() });
    expect(badSubject.status).toBe(400);
    expect(badSubject.json.errors[0].field).toBe('path.subject');
    const reserved = await stack.call('PUT', `/v1/staff/inbox`, { token: admin, body: entry() });
    expect(reserved.json.errors[0].field).toBe('path.subject');
    const notJson = await stack.call('PUT', `/v1/staff/${subject}`, { token: admin, body: '{"name":' });
    expect(notJson.status).toBe(400);

    const supervisor = await stack.token({ role: 'supervisor', office: OFFICE });
    expect(
      (await stack.call('PUT', `/v1/staff/${subject}`, { token: supervisor, body: entry() })).status,
    ).toBe(403);
    expect((await stack.call('PUT', `/v1/staff/${subject}`, { token: ops, body: entry() })).status).toBe(403);
  });

  it('lists and reads within the office scope only', async () => {
    const subject = `exec-t-${uniq()}`;
    expect((await stack.call('PUT', `/v1/staff/${subject}`, { token: admin, body: entry() })).status).toBe(
      201,
    );

    const own = await stack.token({ role: 'supervisor', office: OFFICE });
    const above = await stack.token({ role: 'supervisor', office: 'div-ekm-aluva' });
    const other = await stack.token({ role: 'supervisor', office: 'sec-pattom' });
    const list = (token: string, query = '') => stack.call('GET', `/v1/staff${query}`, { token });

    const ownList = await list(own, '?pageSize=200');
    expect(ownList.status).toBe(200);
    expect(ownList.json.items.map((i: any) => i.subject)).toContain(subject);
    expect(ownList.json.items.every((i: any) => i.officeId === OFFICE)).toBe(true);
    const aboveList = await list(above, '?role=executive&pageSize=200');
    expect(aboveList.json.items.map((i: any) => i.subject)).toEqual(
      expect.arrayContaining([subject, 'exec-aluva-town']),
    );
    expect(aboveList.json.items.every((i: any) => i.role === 'executive')).toBe(true);

    const outside = await list(other, `?officeId=${OFFICE}`);
    expect(outside.status).toBe(403);
    expect(outside.json.detail).toMatch(OFFICE);
    expect((await stack.call('GET', `/v1/staff/${subject}`, { token: other })).status).toBe(403);
    expect((await stack.call('GET', `/v1/staff/${subject}`, { token: above })).status).toBe(200);

    const everyone = await list(ops, '?pageSize=200');
    expect(everyone.json.items.some((i: any) => i.officeId === 'circle-tvm')).toBe(true);
    expect(everyone.json.items.some((i: any) => i.officeId === 'circle-ekm')).toBe(true);
    expect(everyone.json.total).toBeGreaterThanOrEqual(everyone.json.items.length);
    const paged = await list(ops, '?pageSize=2&page=2');
    expect(paged.json.items).toHaveLength(2);
    expect(paged.json.items[0].subject).toBe(everyone.json.items[2].subject);

    expect((await list(await stack.token({ role: 'agent', office: OFFICE }))).status).toBe(403);
    expect((await list(own, '?pageSize=0')).json.errors[0].field).toBe('query.pageSize');
    expect((await list(own, '?role=consumer')).json.errors[0].field).toBe('query.role');
    expect((await list(ops, '?officeId=sec-nowhere')).status).toBe(404);
    // anyone reads their own entry
    const me = await stack.token({ role: 'csc', office: 'sec-pattom', subject: 'exec-pattom' });
    expect((await stack.call('GET', '/v1/staff/exec-pattom', { token: me })).status).toBe(200);
    expect((await stack.call('GET', '/v1/staff/sup-pattom', { token: me })).status).toBe(403);
    expect((await stack.call('GET', `/v1/staff/nobody-${uniq()}`, { token: ops })).status).toBe(404);
  });
});

describe('on-call roster', () => {
  const office = 'sec-kalamassery';
  const people = { day: `oc-day-${uniq()}`, night: `oc-night-${uniq()}`, gone: `oc-gone-${uniq()}` };
  const onCallAt = async (token: string, local: string) => {
    const res = await stack.call(
      'GET',
      `/v1/offices/${office}/on-call?at=${encodeURIComponent(`${local}+05:30`)}`,
      {
        token,
      },
    );
    expect(res.status).toBe(200);
    return res.json.onCall.map((s: any) => s.subject).sort();
  };

  beforeAll(async () => {
    for (const [key, subject] of Object.entries(people))
      await stack.call('PUT', `/v1/staff/${subject}`, {
        token: admin,
        body: entry({ role: 'supervisor', active: key !== 'gone' }),
      });
  });

  it('is replaced by ops, and says who is on call by India time, across midnight', async () => {
    const put = await stack.call('PUT', `/v1/offices/${office}/on-call`, {
      token: ops,
      body: {
        shifts: [
          { subject: people.day, from: '08:00', to: '20:00' },
          { subject: people.night, from: '20:00', to: '08:00' },
          { subject: people.night, from: '12:00', to: '13:00', weekdays: [1] },
        ],
      },
    });
    expect(put.status).toBe(200);
    expect(put.json.shifts).toHaveLength(3);
    const reader = await stack.token({ role: 'executive', office });
    expect(await onCallAt(reader, '2026-11-23T07:59:00')).toEqual([people.night]);
    expect(await onCallAt(reader, '2026-11-23T08:00:00')).toEqual([people.day]);
    expect(await onCallAt(reader, '2026-11-23T12:30:00')).toEqual([people.day, people.night].sort()); // Monday
    expect(await onCallAt(reader, '2026-11-24T12:30:00')).toEqual([people.day]); // Tuesday
    expect(await onCallAt(reader, '2026-11-23T23:59:00')).toEqual([people.night]);
    expect(await onCallAt(reader, '2026-11-24T00:00:00')).toEqual([people.night]);

    // deactivating someone takes them off call at once
    await stack.call('PUT', `/v1/staff/${people.day}`, {
      token: admin,
      body: entry({ role: 'supervisor', active: false }),
    });
    expect(await onCallAt(reader, '2026-11-23T09:00:00')).toEqual([]);
    await stack.call('PUT', `/v1/staff/${people.day}`, { token: admin, body: entry({ role: 'supervisor' }) });

    // replacing is whole: the old shifts are gone
    const again = await stack.call('PUT', `/v1/offices/${office}/on-call`, {
      token: admin,
      body: { shifts: [{ subject: people.day, from: '00:00', to: '00:00' }] },
    });
    expect(again.json.shifts.map((s: any) => s.subject)).toEqual([people.day]);
    expect(await onCallAt(reader, '2026-11-24T03:00:00')).toEqual([people.day]);
  });

  it('refuses bad times and people who cannot be on call here, naming the field', async () => {
    const put = (shifts: unknown) =>
      stack.call('PUT', `/v1/offices/${office}/on-call`, { token: ops, body: { shifts } });
    const times = await put([
      { subject: people.day, from: '24:00', to: '08:00' },
      { subject: people.day, from: '08:00', to: '8:30' },
      { subject: people.day, from: '08:00', to: '09:00', weekdays: [7] },
    ]);
    expect(times.status).toBe(400);
    expect(times.json.errors.map((e: any) => e.field)).toEqual([
      'shifts.0.from',
      'shifts.1.to',
      'shifts.2.weekdays.0',
    ]);
    const who = await put([
      { subject: people.day, from: '08:00', to: '20:00' },
      { subject: people.gone, from: '08:00', to: '20:00' },
      { subject: 'exec-pattom', from: '08:00', to: '20:00' },
      { subject: `nobody-${uniq()}`, from: '08:00', to: '20:00' },
    ]);
    expect(who.status).toBe(400);
    expect(who.json.errors).toEqual([
      { field: 'shifts.1.subject', message: 'is not active' },
      { field: 'shifts.2.subject', message: `works at sec-pattom, not ${office}` },
      { field: 'shifts.3.subject', message: 'not in the staff directory' },
    ]);
    const supervisor = await stack.token({ role: 'supervisor', office });
    expect(
      (await stack.call('PUT', `/v1/offices/${office}/on-call`, { token: supervisor, body: { shifts: [] } }))
        .status,
    ).toBe(403);
    expect(
      (await stack.call('PUT', '/v1/offices/sec-nowhere/on-call', { token: ops, body: { shifts: [] } }))
        .status,
    ).toBe(404);
    const outsider = await stack.token({ role: 'dispatcher', office: 'circle-tvm' });
    expect((await stack.call('GET', `/v1/offices/${office}/on-call`, { token: outsider })).status).toBe(403);
    const badAt = await stack.call('GET', `/v1/offices/${office}/on-call?at=yesterday`, { token: ops });
    expect(badAt.json.errors[0].field).toBe('query.at');
  });
});

describe('inbox', () => {
  it('shows your own alerts newest first with the unread count; read marks one, once', async () => {
    const me = `inbox-${uniq()}`;
    const someone = `inbox-${uniq()}`;
    const alert = (subject: string, n: number) =>
      deliverToInbox(stack.db, {
        subject,
        noticeKey: `test/${me}/${n}`,
        template: 'tat-warning',
        title: `Alert ${n}`,
        body: `Body ${n}`,
        urgent: n === 2,
      });
    expect(await alert(me, 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect(await alert(me, 2)).toBe(true);
    expect(await alert(me, 2)).toBe(false); // the same notice again adds nothing
    await alert(someone, 3);

    const token = await stack.token({ role: 'executive', office: 'sec-pattom', subject: me });
    const inbox = await stack.call('GET', '/v1/staff/inbox', { token });
    expect(inbox.status).toBe(200);
    expect(inbox.json).toMatchObject({ unread: 2, total: 2 });
    expect(inbox.json.items.map((i: any) => i.title)).toEqual(['Alert 2', 'Alert 1']);
    expect(inbox.json.items[0]).toMatchObject({ urgent: true, readAt: null, template: 'tat-warning' });

    const id = inbox.json.items[1].id as string;
    const read = await stack.call('POST', `/v1/staff/inbox/${id}/read`, { token });
    expect(read.status).toBe(200);
    expect(read.json.readAt).toEqual(expect.any(String));
    const again = await stack.call('POST', `/v1/staff/inbox/${id}/read`, { token });
    expect(again.json.readAt).toBe(read.json.readAt);
    const after = await stack.call('GET', '/v1/staff/inbox', { token });
    expect(after.json).toMatchObject({ unread: 1, total: 2 });
    expect(
      (await stack.call('GET', '/v1/staff/inbox?unread=true', { token })).json.items.map((i: any) => i.title),
    ).toEqual(['Alert 2']);
    const page2 = await stack.call('GET', '/v1/staff/inbox?pageSize=1&page=2', { token });
    expect(page2.json.items.map((i: any) => i.title)).toEqual(['Alert 1']);

    const other = await stack.token({ role: 'supervisor', office: 'sec-pattom', subject: someone });
    expect(
      (await stack.call('POST', `/v1/staff/inbox/${inbox.json.items[0].id}/read`, { token: other })).status,
    ).toBe(404);
    expect(
      (await stack.call('GET', '/v1/staff/inbox', { token: other })).json.items.map((i: any) => i.title),
    ).toEqual(['Alert 3']);
    expect((await stack.call('GET', '/v1/staff/inbox', { token })).json.unread).toBe(1);
    expect(
      (await stack.call('POST', '/v1/staff/inbox/not-a-uuid/read', { token })).json.errors[0].field,
    ).toBe('path.id');
    const consumer = await stack.token({ role: 'consumer', consumers: ['1154600000001'] });
    expect((await stack.call('GET', '/v1/staff/inbox', { token: consumer })).status).toBe(403);
  });
});

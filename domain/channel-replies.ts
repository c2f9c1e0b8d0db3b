import type { TAccountSummary } from '../db/account';
import { formatParam } from './notice-templates';

/**
 * What the consumer channels (SMS, WhatsApp, IVR, e-mail) understand and answer. Pure text in,
 * text out: the webhooks do the look-ups and the registering, these functions do the words.
 */

const at = (iso: string) => formatParam(iso, 'en');
const rupees = (amount: number) =>
  new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR' }).format(amount);

/** A 13-digit consumer number standing on its own somewhere in free text (e-mail subject or body). */
export function findConsumerNumber(text: string): string | undefined {
  return /(?<!\d)(\d{13})(?!\d)/.exec(text)?.[1];
}

/** Reads the complaint type from an e-mail's words; anything unrecognised is "other". */
export function guessComplaintType(text: string): string {
  const t = text.toLowerCase();
  const rules: [RegExp, string][] = [
    [/accident|electrocut|shock|fire|spark|injur/, 'electrical-accident'],
    [/no (power|electricity|supply|current)|power (cut|failure|outage)|outage|blackout/, 'no-power'],
    [/low voltage|dim|voltage (is )?low/, 'low-voltage'],
    [/high voltage|voltage (is )?high|over ?voltage/, 'high-voltage'],
    [/pole|wire|line (is )?(down|broken|snapped)|snapped|fallen/, 'line-damage'],
    [/meter/, 'meter-defective'],
    [/bill|charge|amount|tariff/, 'billing-dispute'],
  ];
  return rules.find(([re]) => re.test(t))?.[1] ?? 'other';
}

/** The IVR's complaint menu: key 1 is no power; key 2 then a second key picks the type. */
export const IVR_COMPLAINT_KEYS: Record<string, string> = {
  '1': 'low-voltage',
  '2': 'high-voltage',
  '3': 'line-damage',
  '4': 'electrical-accident',
  '5': 'meter-defective',
  '6': 'billing-dispute',
  '9': 'other',
};
export const IVR_MENU =
  'For no power, press 1. For another complaint, press 2. For the status of your complaints and requests, press 3. For your bill, press 4. For outages in your area, press 5.';
export const IVR_COMPLAINT_MENU =
  'For low voltage, press 1. High voltage, 2. A broken line, pole or wire, 3. An electrical accident, 4. A defective meter, 5. A billing complaint, 6. Anything else, 9.';
export const IVR_ASK_NUMBER = 'Please enter your 13-digit consumer number.';

/** WhatsApp: the main menu (ids answer interactive replies; the digits answer typed text). */
export const WHATSAPP_MENU = [
  { id: 'menu:complaint', key: '1', title: 'Register a complaint' },
  { id: 'menu:status', key: '2', title: 'Status of my request' },
  { id: 'menu:bill', key: '3', title: 'My bill' },
] as const;
export const whatsappMenuText = (utility: string) =>
  `Welcome to ${utility}. Reply with a number:\n${WHATSAPP_MENU.map((m) => `${m.key}. ${m.title}`).join('\n')}`;
export const whatsappTypesText = (types: { code: string; name: string }[]) =>
  `What is the complaint? Reply with a number:\n${types.map((t, i) => `${i + 1}. ${t.name}`).join('\n')}`;
export const ASK_CONSUMER_NUMBER =
  'Please send your 13-digit consumer number (it is printed on your bill), e.g. 1154600000001.';
export const privateAccount = (n: string) =>
  `For your privacy, the bill and requests of consumer ${n} are shared only with the phone number registered on that account. To update it, visit your section office or the portal.`;
export const unknownConsumer = (n: string) =>
  `We could not find consumer number ${n}. Please check it against your bill and send it again.`;

export type TComplaintAnswer = {
  requestNumber: string;
  joined: boolean;
  reopened?: boolean;
  status: string;
  typeName: string;
  dueAt: string | null;
  outage: { area: string; etr: string } | null;
};

/** The answer to a registered complaint: its number, and the ETR when a known outage explains it. */
export function complaintReply(c: TComplaintAnswer): string {
  if (c.outage)
    return `Complaint ${c.requestNumber}: the power cut is part of a known outage in ${c.outage.area}. Power is expected back by ${at(c.outage.etr)}. We will tell you when it is restored.`;
  if (c.reopened)
    return `Sorry it is not fixed. Complaint ${c.requestNumber} (${c.typeName}) is reopened.${c.dueAt ? ` We aim to resolve it by ${at(c.dueAt)}.` : ''}`;
  if (c.joined)
    return `You have already reported this (${c.typeName}): complaint ${c.requestNumber} is ${c.status}. We have added your report to it.`;
  return `Complaint ${c.requestNumber} registered (${c.typeName}).${c.dueAt ? ` We aim to resolve it by ${at(c.dueAt)}.` : ''}`;
}

export type TOpenItem = { requestNumber: string; name: string; status: string; dueAt: string | null };

export function statusReply(items: TOpenItem[]): string {
  if (items.length === 0) return 'You have no open complaints or requests.';
  const lines = items.map(
    (i) => `${i.requestNumber} ${i.name}: ${i.status}${i.dueAt ? `, due ${at(i.dueAt)}` : ''}`,
  );
  return `Your open complaints and requests:\n${lines.join('\n')}`;
}

export function billReply(a: TAccountSummary): string {
  const bill = a.latestBill;
  const parts = [
    bill
      ? `Bill for ${bill.period}: ${rupees(bill.amount)} for ${bill.unitsKwh} kWh, due ${bill.dueDate}${bill.paid ? ' (paid)' : ''}.`
      : 'There is no bill on this account yet.',
    a.arrears.amount > 0
      ? `Unpaid: ${rupees(a.arrears.amount)} over ${a.arrears.bills} bill${a.arrears.bills === 1 ? '' : 's'}.`
      : 'Nothing is unpaid.',
  ];
  if (a.lastPayment) parts.push(`Last bill paid: ${a.lastPayment.period}, ${rupees(a.lastPayment.amount)}.`);
  return parts.join(' ');
}

export function outageReply(outages: { kind: string; startsAt: Date; etr: Date; reason: string }[]): string {
  if (outages.length === 0) return 'There is no outage on your supply now, and none is planned.';
  return outages
    .map((o) =>
      o.startsAt > new Date()
        ? `Planned outage from ${at(o.startsAt.toISOString())} to ${at(o.etr.toISOString())}: ${o.reason}.`
        : `Outage now (${o.reason}); power expected back by ${at(o.etr.toISOString())}.`,
    )
    .join(' ');
}

/**
 * The complaint workflow's contract — its input, state, updates, queries and signals — without
 * zod: the workflow bundle loads this module, and every module it loads is paid for by every
 * cached workflow. The request schemas are in `complaint.ts`, which re-exports all of this.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { z } from 'zod';
import type { TBusinessCalendar } from './calendar';
import type { TComplaintType } from './complaint-catalogue';
import type { TCompensationCredit } from './compensation';
import type { TChannel } from './consumer';
import type { ZAcknowledge, ZAssignCrew, ZConfirm, ZResolve } from './complaint';
import type { TActor, TEscalationOffice, TTimelineEntry } from './service-request';

/** The outage a no-power complaint was linked to at intake: answered with its ETR, no field work. */
export type TLinkedOutage = {
  id: string;
  area: string;
  etr: string;
  restoredAt?: string;
  unlinkedAt?: string;
};

/** A channel's written answer to the report that started the complaint, sent by the workflow. */
export type TChannelReply = {
  channel: 'sms' | 'whatsapp' | 'email';
  to: string;
  subject: string;
  text: string;
  language: string;
  /** the provider's idempotency key (one per inbound message): a second send is a no-op */
  reference: string;
};

export type TComplaintInput = {
  requestNumber: string;
  type: TComplaintType;
  consumerNumber: string;
  officeId: string;
  officePath: string;
  calendar: TBusinessCalendar;
  channel: TChannel;
  description: string;
  submittedBy: string;
  submittedAt: string;
  /** offices up the hierarchy for each escalation level (absent in complaints registered before escalation) */
  escalationOffices?: TEscalationOffice[];
  /** emergencies: where the emergency desk sits (the circle's control room) and how often to re-alert */
  emergency?: { deskOfficeId: string; realertEveryMs: number };
  outage?: TLinkedOutage;
  /** the report's own answer (an SMS, WhatsApp or e-mail reply to the consumer's registered contact) already told them the number, the due time or the outage's ETR */
  answeredInWriting?: boolean;
  /** the channel reply to send at once (the intake no longer waits for the gateway) */
  reply?: TChannelReply;
};

export const COMPLAINT_STATUSES = ['open', 'assigned', 'awaiting-restoration', 'resolved', 'closed'] as const;
export type TComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export type TComplaintState = {
  requestNumber: string;
  typeCode: string;
  typeName: string;
  priority: string;
  consumerNumber: string;
  officeId: string;
  status: TComplaintStatus;
  /** the turnaround deadline; restarts when a complaint is reopened or unlinked from its outage */
  dueAt: string;
  breached: boolean;
  escalationLevel: number;
  escalationOfficeId?: string;
  escalationDueAt?: string;
  crew?: string;
  resolution?: string;
  resolvedAt?: string;
  reopenCount: number;
  reports: { channel: string; at: string; by: string }[];
  outage?: TLinkedOutage;
  emergency?: { alerts: number; nextAlertAt?: string; acknowledgedAt?: string; acknowledgedBy?: string };
  channel?: string;
  submittedAt?: string;
  closedAt?: string;
  /** statutory compensation credited at closure for a restoration past the standard */
  compensation?: TCompensationCredit;
  timeline: TTimelineEntry[];
};

type WithActor<T extends z.ZodType> = z.infer<T> & { actor: TActor };
export type TAssignCrew = WithActor<typeof ZAssignCrew>;
export type TResolve = WithActor<typeof ZResolve>;
export type TConfirm = WithActor<typeof ZConfirm>;
export type TAcknowledge = WithActor<typeof ZAcknowledge>;
export type TReportAgain = {
  channel: string;
  actor: TActor;
  /** a no-power report inside a current outage: the open complaint is linked to it */
  outage?: TLinkedOutage;
  /** the report's own answer (a written reply to the consumer's registered contact) already told them */
  answeredInWriting?: boolean;
};

export const assignCrewUpdate = defineUpdate<TComplaintState, [TAssignCrew]>('assignCrew');
export const resolveUpdate = defineUpdate<TComplaintState, [TResolve]>('resolve');
export const confirmUpdate = defineUpdate<TComplaintState, [TConfirm]>('confirmResolution');
export const reportAgainUpdate = defineUpdate<TComplaintState, [TReportAgain]>('reportAgain');
export const acknowledgeUpdate = defineUpdate<TComplaintState, [TAcknowledge]>('acknowledge');
export const complaintStatusQuery = defineQuery<TComplaintState>('complaintStatus');
/** Sent by the outage registry to every complaint linked to the outage. */
export const outageEtrChangedSignal = defineSignal<[{ outageId: string; etr: string }]>('outageEtrChanged');
export const outageRestoredSignal =
  defineSignal<[{ outageId: string; restoredAt: string }]>('outageRestored');

/** Work-queue order: emergencies first. */
export const PRIORITY_RANK: Record<string, number> = { emergency: 0, high: 1, normal: 2, low: 3 };

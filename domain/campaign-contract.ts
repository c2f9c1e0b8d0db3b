import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TRole } from './roles';
import type { TActor } from './service-request-contract';

/**
 * Outage campaigns (#14): what the campaign workflow, its activities and the use cases share.
 * No zod here — the workflow bundle loads this module.
 */

/** Socially important objects: an outage reaches them by an operator's call first, like life support. */
export const SOCIAL_CATEGORIES = ['hospital', 'water-supply', 'school', 'care-home', 'telecom'] as const;
export type TSocialCategory = (typeof SOCIAL_CATEGORIES)[number];

/** Who works the call list: the office's operators and those above them. */
export const CALL_LIST_ROLES = [
  'agent',
  'dispatcher',
  'executive',
  'supervisor',
  'admin',
] as const satisfies readonly TRole[];
/** Who reads campaigns and their statistics. */
export const CAMPAIGN_READ_ROLES = [
  'agent',
  'dispatcher',
  'executive',
  'supervisor',
  'ops',
  'admin',
] as const satisfies readonly TRole[];

export const CALL_OUTCOMES = ['reached', 'not-reached', 'wrong-number'] as const;
export type TCallOutcome = (typeof CALL_OUTCOMES)[number];
export const CALL_NOTE_MAX = 500;

/** Channels that use the consumer's phone number: a wrong number rules them all out. */
export const PHONE_CHANNELS = ['sms', 'whatsapp', 'voice'] as const;

/** Delays and sizes, as data (config), handed to the workflow at its start. */
export type TCampaignSettings = {
  batchSize: number;
  /** dispatch activities at once (older runs: one) */
  dispatchers?: number;
  callWorkWithinMs: number;
  callRetryMs: number;
  callTries: number;
  /** planned outages: advance notices this long before the start, largest first */
  plannedOffsetsMs: number[];
};

export type TCampaignEvent =
  | { kind: 'etr-changed'; etr: string }
  | { kind: 'restored'; restoredAt: string }
  | { kind: 'rescheduled'; startsAt: string; endsAt: string }
  | { kind: 'cancelled' };

export type TCampaignState = {
  status: 'materialising' | 'running' | 'done' | 'cancelled';
  /** stages planned so far, in order */
  stages: string[];
  etr: string;
  startsAt: string;
  endsAt?: string;
  etrChanges: number;
  /** planned outages: the schedule's version (a reschedule starts the next) and its advance notices planned */
  schedule: number;
  advanceSent: number[];
  restoredAt?: string;
};

export type TCampaignInput = {
  campaignId: string;
  outageId: string;
  kind: 'emergency' | 'planned';
  startsAt: string;
  endsAt?: string;
  etr: string;
  settings: TCampaignSettings;
  /** continueAsNew: what the previous run knew, and events it had not yet planned */
  carried?: { state: TCampaignState; events: TCampaignEvent[] };
};

/** What a dispatch round left: is more due now, and when something next falls due. */
export type TDispatchResult = {
  sent: number;
  /** rows still due now (another batch at once) */
  more: boolean;
  /** anything not yet finished: due later, awaiting a receipt, on the call list */
  open: number;
  nextAt?: string;
};

export type TCallEntry = {
  id: string;
  campaignId: string;
  stage: string;
  consumerNumber: string;
  status: string;
  claimedBy: string | null;
  calls: number;
  callOutcome: string | null;
  callNote: string | null;
};

export type TClaimCall = { deliveryId: string; actor: TActor };
export type TRecordCall = { deliveryId: string; outcome: TCallOutcome; note?: string; actor: TActor };

export const campaignEventSignal = defineSignal<[TCampaignEvent]>('campaignEvent');
export const campaignStateQuery = defineQuery<TCampaignState>('campaignState');
export const claimCallUpdate = defineUpdate<TCallEntry, [TClaimCall]>('claimCall');
export const recordCallUpdate = defineUpdate<TCallEntry, [TRecordCall]>('recordCall');

export const campaignWorkflowId = (campaignId: string) => `campaign/${campaignId}`;
/** `<campaign>.<stage>.<consumer>`: URL-safe, and the notice key is `campaign/<it>`. */
export const deliveryId = (campaignId: string, stage: string, consumerNumber: string) =>
  `${campaignId}.${stage}.${consumerNumber}`;
export const campaignNoticeKey = (delivery: string) => `campaign/${delivery}`;
export const campaignOfDelivery = (delivery: string) => delivery.split('.')[0]!;

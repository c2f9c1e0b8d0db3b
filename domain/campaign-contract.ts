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
  /** 1 while anything is not yet finished (due later, awaiting a receipt, on the call list), else 0: the sweeping dispatcher's word (0 from the others) */
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

// ---- manual campaigns and disconnection reminders ----

/** Who composes, launches and cancels manual campaigns. */
export const CAMPAIGN_COMPOSE_ROLES = [
  'dispatcher',
  'supervisor',
  'admin',
] as const satisfies readonly TRole[];

/** The first channel a manual campaign tries (`preferred`: each consumer's own); the chain falls back from it. */
export const CAMPAIGN_CHANNELS = ['preferred', 'sms', 'whatsapp', 'email', 'voice'] as const;
export type TCampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];

/** Notice templates a manual campaign may send; the free text is `campaign-message`. */
export const MANUAL_TEMPLATES = ['campaign-safety-advisory', 'campaign-message'] as const;
export type TManualTemplate = (typeof MANUAL_TEMPLATES)[number];

/** Placeholders free text may carry: filled per recipient. */
export const MESSAGE_PLACEHOLDERS = ['name', 'consumerNumber', 'area'] as const;

/** What a manual campaign is, kept on its row: whom it reaches, what it says, how. */
export type TManualCampaignSpec = {
  targets: {
    officeIds: string[];
    feederIds: string[];
    transformerIds: string[];
    consumerNumbers: string[];
  };
  template: TManualTemplate;
  /** the notice's parameters (the free text as `{ text: { <language>: … } }`) */
  params: Record<string, TNoticeParamLike>;
  channel: TCampaignChannel;
  /** life-support and social consumers are called by an operator first */
  callList: boolean;
  /** sent even in quiet hours */
  urgent: boolean;
};
/** TNoticeParam, without importing notices into every reader of the spec */
export type TNoticeParamLike = string | { text: Partial<Record<string, string>> };

export type TManualCampaignInput = {
  campaignId: string;
  /** when sending starts (at once when absent or past) */
  scheduledAt?: string;
  settings: TCampaignSettings;
};

/** Cancels a manual campaign: what has not gone does not go. */
export const campaignCancelSignal = defineSignal<[{ by: string }]>('campaignCancel');

/** The one campaign disconnection reminders run in: a stage per disconnection date and offset. */
export const REMINDER_CAMPAIGN_ID = 'DR-disconnection';
/** `remind-<disconnection date>-<days>d` */
export const reminderStage = (disconnectionDate: string, days: number) =>
  `remind-${disconnectionDate}-${days}d`;

export type TReminderRunInput = {
  /** the day the reminders are for, `YYYY-MM-DD` in the utility's zone (default: today, there) */
  today?: string;
  offsetsDays: number[];
  utcOffsetMinutes: number;
  settings: TCampaignSettings;
};

export type TReminderRunResult = {
  today: string;
  planned: { stage: string; consumers: number }[];
  sent: number;
};

/** The settings a campaign workflow is started with, from the configuration's `campaigns`. */
export const campaignSettingsOf = (c: {
  batchSize: number;
  dispatchers: number;
  callWorkWithinMs: number;
  callRetryMs: number;
  callTries: number;
  plannedOffsetsMs: number[];
}): TCampaignSettings => ({
  batchSize: c.batchSize,
  dispatchers: c.dispatchers,
  callWorkWithinMs: c.callWorkWithinMs,
  callRetryMs: c.callRetryMs,
  callTries: c.callTries,
  plannedOffsetsMs: c.plannedOffsetsMs,
});

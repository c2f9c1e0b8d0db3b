/**
 * The service-request workflow's contract — input, state, updates, queries — without zod: the
 * workflow bundle loads this module, and every module it loads is paid for by every cached
 * workflow. The request schemas are in `service-request.ts`, which re-exports all of this.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { z } from 'zod';
import type { TBusinessCalendar } from './calendar';
import type { TDocumentKind, TServiceType } from './catalogue';
import type { TCompensationCredit } from './compensation';
import type { TChannel } from './consumer';
import type { TSignedDecision } from './decision-signature';
import type { TKycMatch } from './kyc-match';
import type { TRole } from './roles';
import type {
  ZApproveStep,
  ZDecideDocument,
  ZFeedback,
  ZReassign,
  ZRejectRequest,
  ZReportDelay,
  ZRequestDocuments,
  ZWithdraw,
} from './service-request';

/** Who acts on a request: taken from the verified token by the API and re-checked by the workflow. */
export type TActor = {
  subject: string;
  role: TRole;
  officeId?: string;
  consumerNumbers?: string[];
  /** a staff decision's Ed25519 signature, verified by the API against the registered key */
  signature?: TSignedDecision;
};

export type TDocumentRef = {
  documentId: string;
  kind: TDocumentKind;
  /** every kind this one file proves (an Aadhaar: identity and address); absent in older runs */
  kinds?: TDocumentKind[];
  fileName: string;
  /** for an offline e-KYC: how its signed name / address compare with the eForm (set by the API) */
  kyc?: TKycMatch;
};
export type TDocumentState = TDocumentRef & {
  status: 'pending' | 'accepted' | 'rejected';
  reason?: string;
  decidedBy?: string;
  addedAt: string;
};

export const REQUEST_STATUSES = [
  'in-progress',
  'awaiting-consumer',
  'completed',
  'rejected',
  'withdrawn',
  'abandoned',
] as const;
export type TRequestStatus = (typeof REQUEST_STATUSES)[number];
export const CLOSED_STATUSES: ReadonlySet<TRequestStatus> = new Set([
  'completed',
  'rejected',
  'withdrawn',
  'abandoned',
]);

export type TTimelineEntry = { at: string; event: string; by?: string; detail?: string };

export type TEscalationOffice = { level: number; officeId: string };

export type TServiceRequestInput = {
  requestNumber: string;
  type: TServiceType;
  consumerNumber: string;
  /** the section office the request is routed to, and its path up to the circle */
  officeId: string;
  officePath: string;
  /** offices that take each escalation level, resolved from the hierarchy at intake */
  escalationOffices: TEscalationOffice[];
  calendar: TBusinessCalendar;
  form: Record<string, unknown>;
  documents: TDocumentRef[];
  channel: TChannel;
  submittedBy: string;
  /** set by the API, so the due date it answers with is the one the workflow keeps */
  submittedAt: string;
};

export type TServiceRequestState = {
  requestNumber: string;
  typeCode: string;
  typeName: string;
  consumerNumber: string;
  officeId: string;
  status: TRequestStatus;
  currentStepId?: string;
  steps: {
    id: string;
    name: string;
    performer: TRole;
    status: 'pending' | 'active' | 'done';
    doneBy?: string;
    doneAt?: string;
    note?: string;
  }[];
  documents: TDocumentState[];
  documentRequest?: {
    kinds: string[];
    message: string;
    requestedAt: string;
    remindAt: string;
    abandonAt: string;
    reminded: boolean;
  };
  clock: {
    tatMs: number;
    consumedMs: number;
    runningSince?: string;
    dueAt?: string;
    warnAt?: string;
    paused: boolean;
  };
  warned: boolean;
  breached: boolean;
  escalationLevel: number;
  escalationOfficeId?: string;
  escalationDueAt?: string;
  delay?: { reason: string; expectedBy: string; reportedBy: string };
  assignee?: string;
  channel: TChannel;
  submittedBy: string;
  submittedAt: string;
  closedAt?: string;
  closeReason?: string;
  completionApplied?: boolean;
  /** the signed PDF receipt of the latest completion */
  receipt?: { revision: number; sha256: string; url: string; verifyUrl: string };
  /** statutory compensation credited on completion for a missed standard of performance */
  compensation?: TCompensationCredit;
  feedbackUrl?: string;
  feedback?: { rating: number; category: TFeedbackCategory; comment?: string; at: string };
  reopenCount: number;
  timeline: TTimelineEntry[];
};

// ---- back-office and consumer actions (Temporal Updates) ----

export const FEEDBACK_CATEGORIES = ['suggestion', 'complaint', 'escalation'] as const;
export type TFeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];
/** Feedback that reopens the request to the supervisor. */
export const isNegativeFeedback = (f: { rating: number; category: string }) =>
  f.rating <= 2 || f.category === 'escalation';

type WithActor<T extends z.ZodType> = z.infer<T> & { actor: TActor };
export type TDecideDocument = WithActor<typeof ZDecideDocument>;
export type TRequestDocuments = WithActor<typeof ZRequestDocuments>;
export type TApproveStep = WithActor<typeof ZApproveStep>;
export type TRejectRequest = WithActor<typeof ZRejectRequest>;
export type TReportDelay = WithActor<typeof ZReportDelay>;
export type TReassign = WithActor<typeof ZReassign>;
export type TWithdraw = WithActor<typeof ZWithdraw>;
export type TSubmitFeedback = WithActor<typeof ZFeedback>;
export type TAddDocuments = { documents: TDocumentRef[]; actor: TActor };

export const decideDocumentUpdate = defineUpdate<TServiceRequestState, [TDecideDocument]>('decideDocument');
export const requestDocumentsUpdate = defineUpdate<TServiceRequestState, [TRequestDocuments]>(
  'requestDocuments',
);
export const approveStepUpdate = defineUpdate<TServiceRequestState, [TApproveStep]>('approveStep');
export const rejectRequestUpdate = defineUpdate<TServiceRequestState, [TRejectRequest]>('rejectRequest');
export const reportDelayUpdate = defineUpdate<TServiceRequestState, [TReportDelay]>('reportDelay');
export const reassignUpdate = defineUpdate<TServiceRequestState, [TReassign]>('reassign');
export const addDocumentsUpdate = defineUpdate<TServiceRequestState, [TAddDocuments]>('addDocuments');
export const withdrawUpdate = defineUpdate<TServiceRequestState, [TWithdraw]>('withdraw');
export const submitFeedbackUpdate = defineUpdate<TServiceRequestState, [TSubmitFeedback]>('submitFeedback');
export const statusQuery = defineQuery<TServiceRequestState>('status');

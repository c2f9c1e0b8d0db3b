/**
 * The shapes the API answers with for a request's and a complaint's state, as zod schemas for the
 * OpenAPI document. The workflow types stay the source; the checks at the bottom fail to compile
 * the moment a schema and its type drift apart, in either direction.
 */
import { z } from 'zod';
import { ZDocumentKind } from './catalogue';
import { COMPLAINT_STATUSES, type TComplaintState } from './complaint';
import { AREA_CLASSES } from './compensation';
import { ZChannel } from './consumer';
import { ROLES } from './roles';
import { FEEDBACK_CATEGORIES, REQUEST_STATUSES, type TServiceRequestState } from './service-request';

const iso = z.string().describe('ISO 8601 date-time');
const ZTimelineEntry = z.object({
  at: iso,
  event: z.string(),
  by: z.string().optional(),
  detail: z.string().optional(),
});
const match = z.enum(['matches', 'differs']);
/** Statutory compensation credited for a missed standard of performance (domain/compensation.ts). */
export const ZCompensationCredit = z
  .object({
    amount: z.number().describe('in the utility’s currency (rupees), credited to the ledger'),
    amountText: z.string().describe('the amount as the utility writes it, e.g. ₹250.00'),
    periodsLate: z.number().int().describe('days (per-day rule), hours (per-hour) or 1 (per-case)'),
    rule: z.object({
      kind: z.enum(['per-day', 'per-hour', 'per-case']),
      amount: z.number(),
      cap: z.number().optional(),
      day: z.string().optional().describe('how much of the clock is one day of delay'),
    }),
    areaClass: z.enum(AREA_CLASSES),
    standardMs: z.number().int().describe('the standard’s timeline for the area class, ms of the clock'),
    lateMs: z.number().int().describe('how far past it, ms of the clock (paused time left out)'),
    citation: z.string().describe('the regulation that sets the standard'),
    capped: z.boolean(),
    postingId: z.number().int().describe('the ledger posting'),
    creditedAt: iso,
  })
  .describe('statutory compensation credited for a missed standard of performance');

export const ZServiceRequestState = z.object({
  requestNumber: z.string(),
  typeCode: z.string(),
  typeName: z.string(),
  consumerNumber: z.string(),
  officeId: z.string(),
  status: z.enum(REQUEST_STATUSES),
  currentStepId: z.string().optional().describe('the step waiting to be done; absent once closed'),
  steps: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      performer: z.enum(ROLES),
      status: z.enum(['pending', 'active', 'done']),
      doneBy: z.string().optional(),
      doneAt: iso.optional(),
      note: z.string().optional(),
    }),
  ),
  documents: z.array(
    z.object({
      documentId: z.string(),
      kind: ZDocumentKind,
      kinds: z.array(ZDocumentKind).optional().describe('every kind this one file proves'),
      fileName: z.string(),
      kyc: z
        .object({
          name: match.optional(),
          address: match.optional(),
          pinCode: match.optional(),
          notes: z.array(z.string()),
        })
        .optional()
        .describe('offline e-KYC: how its signed name, address and PIN compare with the eForm'),
      status: z.enum(['pending', 'accepted', 'rejected']),
      reason: z.string().optional(),
      decidedBy: z.string().optional(),
      addedAt: iso,
    }),
  ),
  documentRequest: z
    .object({
      kinds: z.array(z.string()),
      message: z.string(),
      requestedAt: iso,
      remindAt: iso,
      abandonAt: iso,
      reminded: z.boolean(),
    })
    .optional()
    .describe('documents asked of the consumer and not yet supplied'),
  clock: z
    .object({
      tatMs: z.number(),
      consumedMs: z.number(),
      runningSince: iso.optional(),
      dueAt: iso.optional(),
      warnAt: iso.optional(),
      paused: z.boolean(),
    })
    .describe('the turnaround clock, in business time; paused while waiting on the consumer'),
  warned: z.boolean(),
  breached: z.boolean(),
  escalationLevel: z.number().int(),
  escalationOfficeId: z.string().optional(),
  escalationDueAt: iso.optional(),
  delay: z.object({ reason: z.string(), expectedBy: iso, reportedBy: z.string() }).optional(),
  assignee: z.string().optional(),
  channel: ZChannel,
  submittedBy: z.string(),
  submittedAt: iso,
  closedAt: iso.optional(),
  closeReason: z.string().optional(),
  completionApplied: z.boolean().optional(),
  receipt: z
    .object({ revision: z.number().int(), sha256: z.string(), url: z.string(), verifyUrl: z.string() })
    .optional()
    .describe('the signed PDF receipt of the latest completion'),
  compensation: ZCompensationCredit.optional(),
  feedbackUrl: z.string().optional(),
  feedback: z
    .object({
      rating: z.number().int(),
      category: z.enum(FEEDBACK_CATEGORIES),
      comment: z.string().optional(),
      at: iso,
    })
    .optional(),
  reopenCount: z.number().int(),
  timeline: z.array(ZTimelineEntry),
});

const ZLinkedOutage = z.object({
  id: z.string(),
  area: z.string(),
  etr: iso,
  restoredAt: iso.optional(),
  unlinkedAt: iso.optional(),
});

export const ZComplaintState = z.object({
  requestNumber: z.string(),
  typeCode: z.string(),
  typeName: z.string(),
  priority: z.string(),
  consumerNumber: z.string(),
  officeId: z.string(),
  status: z.enum(COMPLAINT_STATUSES),
  dueAt: iso.describe('the turnaround deadline; restarts when reopened or unlinked from its outage'),
  breached: z.boolean(),
  escalationLevel: z.number().int(),
  escalationOfficeId: z.string().optional(),
  escalationDueAt: iso.optional(),
  crew: z.string().optional(),
  resolution: z.string().optional(),
  resolvedAt: iso.optional(),
  reopenCount: z.number().int(),
  reports: z.array(z.object({ channel: z.string(), at: iso, by: z.string() })),
  outage: ZLinkedOutage.optional().describe('the outage this no-power complaint waits on'),
  emergency: z
    .object({
      alerts: z.number().int(),
      nextAlertAt: iso.optional(),
      acknowledgedAt: iso.optional(),
      acknowledgedBy: z.string().optional(),
    })
    .optional(),
  channel: z.string().optional(),
  submittedAt: iso.optional(),
  closedAt: iso.optional(),
  compensation: ZCompensationCredit.optional(),
  timeline: z.array(ZTimelineEntry),
});

// Compile-time: each schema describes exactly its workflow's state type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameServiceRequest: Same<z.infer<typeof ZServiceRequestState>, TServiceRequestState> = true;
const sameComplaint: Same<z.infer<typeof ZComplaintState>, TComplaintState> = true;
void sameServiceRequest;
void sameComplaint;

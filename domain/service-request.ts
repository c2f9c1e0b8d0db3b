import { z } from 'zod';
import { ZDocumentKind } from './catalogue';
import { ZChannel, ZConsumerNumber } from './consumer';
import { FEEDBACK_CATEGORIES } from './service-request-contract';

/** The service-request workflow's contract (zod-free, what workflows import), and the request schemas. */
export * from './service-request-contract';

// ---- back-office and consumer actions (Temporal Updates) ----

export const ZDecideDocument = z.object({
  documentId: z.string().min(1),
  decision: z.enum(['accept', 'reject']),
  reason: z.string().trim().min(3).max(500).optional(),
});
export const ZRequestDocuments = z.object({
  kinds: z.array(ZDocumentKind).min(1),
  message: z.string().trim().min(3).max(1000),
});
export const ZApproveStep = z.object({
  stepId: z.string().min(1),
  note: z.string().trim().max(1000).optional(),
});
export const ZRejectRequest = z.object({ reason: z.string().trim().min(3).max(1000) });
export const ZReportDelay = z.object({
  reason: z.string().trim().min(3).max(500),
  expectedBy: z.iso.datetime({ offset: true }),
});
export const ZReassign = z.object({ assignee: z.string().trim().min(1).max(100) });
export const ZWithdraw = z.object({ reason: z.string().trim().max(500).optional() });
export const ZFeedback = z.object({
  rating: z.coerce.number().int().min(1, 'from 1 to 5').max(5, 'from 1 to 5'),
  category: z.enum(FEEDBACK_CATEGORIES).default('suggestion'),
  comment: z.string().trim().max(2000).optional(),
});
// ---- intake ----

export const ZServiceRequestIntake = z.object({
  type: z.string().min(1).describe('catalogue code, e.g. address-change'),
  consumerNumber: ZConsumerNumber,
  channel: ZChannel.default('web'),
  form: z.record(z.string(), z.unknown()),
  documents: z
    .array(
      z.object({ documentId: z.string().min(1), kind: ZDocumentKind, fileName: z.string().min(1).max(200) }),
    )
    .max(20)
    .default([]),
});
export type TServiceRequestIntake = z.infer<typeof ZServiceRequestIntake>;

import { z } from 'zod';
import { ZChannel, ZConsumerNumber } from './consumer';

/** The complaint workflow's contract (zod-free, what workflows import), and the request schemas. */
export * from './complaint-contract';

export const ZComplaintIntake = z.object({
  type: z.string().min(1).describe('complaint catalogue code, e.g. no-power'),
  consumerNumber: ZConsumerNumber,
  channel: ZChannel.optional().describe(
    'where the consumer reported it; defaults to web for consumers, agent for staff',
  ),
  description: z.string().trim().max(2000).default(''),
});
export const ZAssignCrew = z.object({ crew: z.string().trim().min(2).max(100) });
export const ZResolve = z.object({ resolution: z.string().trim().min(3).max(1000) });
export const ZConfirm = z.object({ fixed: z.boolean() });
export const ZAcknowledge = z.object({ note: z.string().trim().max(500).default('') });

import { z } from 'zod';
import { ZChannel, ZConsumerNumber } from './consumer';

/**
 * The ping is the first end-to-end path: API → Temporal → worker → activities → Postgres.
 * It looks a consumer up, records the contact and echoes a message back, carrying the
 * consumer's name and phone through Temporal payloads (which the codec encrypts).
 */
export const ZPingInput = z.object({
  consumerNumber: ZConsumerNumber,
  message: z.string().trim().min(1, 'must not be empty').max(500, 'at most 500 characters'),
  channel: ZChannel.default('web'),
});
export type TPingInput = z.infer<typeof ZPingInput>;

export type TPingWorkflowInput = TPingInput & { requestedBy: string };

export type TPingResult = {
  pingId: string;
  consumerNumber: string;
  consumerName: string;
  phone: string;
  officeId: string;
  message: string;
  echo: string;
  recordedAt: string;
};

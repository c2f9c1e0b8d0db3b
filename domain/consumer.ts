import { z } from 'zod';

export const LANGUAGES = ['en', 'ml', 'hi', 'vi', 'ru'] as const;
export const CHANNELS = ['web', 'agent', 'ivr', 'whatsapp', 'sms', 'email', 'zalo', 'messenger'] as const;
export const ZChannel = z.enum(CHANNELS);
export type TChannel = z.infer<typeof ZChannel>;

export const ZConsumerNumber = z
  .string()
  .regex(/^\d{13}$/, 'must be exactly 13 digits')
  .describe('13-digit consumer number printed on the bill');

import { z } from 'zod';
import { installedProfile } from './utility-profile';
import { checkConsumerNumber } from './utility-profile-contract';

export const LANGUAGES = ['en', 'ml', 'hi', 'vi', 'ru'] as const;
export const CHANNELS = ['web', 'agent', 'ivr', 'whatsapp', 'sms', 'email', 'zalo', 'messenger'] as const;
export const ZChannel = z.enum(CHANNELS);
export type TChannel = z.infer<typeof ZChannel>;

/**
 * A consumer number in the utility profile's format, checked by its rule (KSEB: 13 digits; EVN:
 * a customer code like PE0100012345; the Russian profile: an 11-digit personal account with a
 * check digit). Built once at import, it reads the profile `loadConfig` installed.
 */
export const ZConsumerNumber = z
  .string()
  .superRefine((v, ctx) => {
    const verdict = checkConsumerNumber(installedProfile().consumerNumber, v);
    if (!verdict.ok) ctx.addIssue({ code: 'custom', message: verdict.reason });
    else if (verdict.value !== v)
      ctx.addIssue({
        code: 'custom',
        message: `${installedProfile().consumerNumber.rule} (as ${verdict.value})`,
      });
  })
  .describe("the consumer number printed on the bill, in the utility profile's format");

import { z } from 'zod';
import { LANGUAGES } from './languages';

/** The channels a consumer can be reached on, and opt out of for non-mandatory notices. */
export const NOTICE_CHANNELS = ['sms', 'whatsapp', 'email', 'voice', 'post'] as const;
export type TNoticeChannel = (typeof NOTICE_CHANNELS)[number];

/** How a consumer wants to hear from the utility: the one schema of the JSON API and the portal. */
export const ZPreferences = z.object({
  language: z.enum(LANGUAGES, { message: `unknown language; one of ${LANGUAGES.join(', ')}` }),
  preferredChannel: z.enum(NOTICE_CHANNELS, {
    message: `unknown channel; one of ${NOTICE_CHANNELS.join(', ')}`,
  }),
  optOuts: z
    .array(z.enum(NOTICE_CHANNELS, { message: `unknown channel; one of ${NOTICE_CHANNELS.join(', ')}` }))
    .max(NOTICE_CHANNELS.length)
    .describe('channels for non-mandatory notices only: outages, disconnection and emergencies still come'),
});
export type TPreferences = z.infer<typeof ZPreferences>;

/** Why a change of preferences is refused, beyond the schema: each names the field and a code. */
export type TPreferenceRefusal = {
  detail: string;
  errors: { field: keyof TPreferences; code: 'no-email' | 'preferred-opted-out'; message: string }[];
};

/**
 * The rules across fields: e-mail only with an address on record, and the preferred channel never
 * opted out of. Undefined when the preferences may be stored.
 */
export function refusePreferences(
  next: TPreferences,
  current: { email: string | null },
): TPreferenceRefusal | undefined {
  if (next.preferredChannel === 'email' && !current.email)
    return {
      detail: 'no e-mail address on record',
      errors: [
        {
          field: 'preferredChannel',
          code: 'no-email',
          message: 'add an e-mail address first (contact-update service request)',
        },
      ],
    };
  if (next.optOuts.includes(next.preferredChannel))
    return {
      detail: 'the preferred channel is opted out',
      errors: [
        {
          field: 'optOuts',
          code: 'preferred-opted-out',
          message: `cannot opt out of the preferred channel ${next.preferredChannel}`,
        },
      ],
    };
  return undefined;
}

import { installedProfile } from './utility-profile';
import { checkConsumerNumber, type TUtilityProfile } from './utility-profile-contract';
import { z } from 'zod';
import { ZBusinessDuration } from './calendar-schema';
import { ZEscalationLevel, ZStandard, ZTranslations } from './catalogue';

/**
 * Complaint types are data, like service types: priority, turnaround time on the office calendar
 * or round the clock, whether field work follows, whether a registered outage can answer it, and
 * the escalation matrix. Emergencies re-alert until a member of staff acknowledges them.
 */
export const PRIORITIES = ['emergency', 'high', 'normal', 'low'] as const;

export const ZComplaintType = z.object({
  code: z.string().regex(/^[a-z][a-z0-9-]{2,40}$/, 'kebab-case code'),
  kind: z.literal('complaint').default('complaint'),
  version: z.number().int().min(1).default(1),
  name: z.string().min(1),
  priority: z.enum(PRIORITIES),
  tat: ZBusinessDuration,
  calendar: z.enum(['office', '24x7']).default('office'),
  /** a crew goes out (otherwise the office resolves it at the desk) */
  fieldWork: z.boolean().default(true),
  /** a no-power complaint inside a registered outage is answered with its ETR instead */
  outageLinkable: z.boolean().default(false),
  /** emergencies: alert again this often, one level up each time, until acknowledged (default: EMERGENCY_REALERT_EVERY) */
  realertEvery: ZBusinessDuration.optional(),
  /** after "resolved", how long the consumer has to say it is still not fixed */
  confirmWindow: ZBusinessDuration.default('72h'),
  escalation: z.array(ZEscalationLevel).min(1),
  /** the type's name in the other languages (`ml`, `hi`, `vi`, `ru`); English is `name` */
  translations: ZTranslations(z.strictObject({ name: z.string().trim().min(1).max(200) })),
  /** the statutory standard of performance (restoration time) and its compensation, if any */
  standard: ZStandard.optional(),
});
export type TComplaintType = z.output<typeof ZComplaintType>;

const ESCALATION = [
  { level: 1, officeLevel: 'subdivision', role: 'supervisor', deadline: '4h' },
  { level: 2, officeLevel: 'division', role: 'supervisor', deadline: '8h' },
] as const;

/** The utility's complaint catalogue (seeds 002 and 004). */
export const COMPLAINT_CATALOGUE: TComplaintType[] = [
  {
    code: 'no-power',
    version: 3, // 2: translations; 3: standard of performance
    name: 'No power (individual)',
    priority: 'high',
    tat: '4h',
    calendar: '24x7',
    outageLinkable: true,
    escalation: [...ESCALATION],
  },
  {
    code: 'low-voltage',
    version: 3, // 2: translations; 3: standard of performance
    name: 'Low voltage',
    priority: 'normal',
    tat: '24h',
    calendar: '24x7',
    escalation: [...ESCALATION],
  },
  {
    code: 'high-voltage',
    version: 3, // 2: translations; 3: standard of performance
    name: 'High voltage',
    priority: 'high',
    tat: '8h',
    calendar: '24x7',
    escalation: [...ESCALATION],
  },
  {
    code: 'meter-defective',
    version: 3, // 2: translations; 3: standard of performance
    name: 'Meter defective',
    priority: 'normal',
    tat: '49h',
    escalation: [...ESCALATION],
  },
  {
    code: 'billing-dispute',
    version: 3, // 2: translations; 3: standard of performance
    name: 'Billing dispute',
    priority: 'normal',
    tat: '35h',
    fieldWork: false,
    escalation: [...ESCALATION],
  },
  {
    code: 'line-damage',
    version: 2, // 2: translations
    name: 'Line, pole or wire damage',
    priority: 'high',
    tat: '6h',
    calendar: '24x7',
    escalation: [...ESCALATION],
  },
  {
    code: 'electrical-accident',
    version: 2, // 2: translations
    name: 'Electrical accident (emergency)',
    priority: 'emergency',
    tat: '1h',
    calendar: '24x7',
    escalation: [
      { level: 1, officeLevel: 'subdivision', role: 'supervisor', deadline: '30m' },
      { level: 2, officeLevel: 'division', role: 'supervisor', deadline: '30m' },
      { level: 3, officeLevel: 'circle', role: 'supervisor', deadline: '1h' },
    ],
  },
  {
    code: 'other',
    version: 2, // 2: translations
    name: 'Other',
    priority: 'low',
    tat: '70h',
    fieldWork: false,
    escalation: [...ESCALATION],
  },
].map((t) => ZComplaintType.parse(t));

type TConsumerNumberRule = TUtilityProfile['consumerNumber'];

/** What the NP shortcode answers anything it cannot read: the grammar, with the profile's number. */
export const npFormatHelp = (rule: TConsumerNumberRule = installedProfile().consumerNumber) =>
  `To report no power, send NP followed by your ${rule.name}, e.g. NP ${rule.example}`;

/**
 * The SMS shortcode grammar: `NP <consumer number>` (the utility profile's format and check),
 * any case, any spacing around and between, and nothing else.
 */
export function parseNpSms(
  text: string,
  rule: TConsumerNumberRule = installedProfile().consumerNumber,
): { ok: true; consumerNumber: string } | { ok: false; reply: string } {
  const match = /^\s*np\s+(\S+)\s*$/i.exec(text);
  const verdict = match ? checkConsumerNumber(rule, match[1]!) : undefined;
  return verdict?.ok ? { ok: true, consumerNumber: verdict.value } : { ok: false, reply: npFormatHelp(rule) };
}

import type { TStandard, TStandardSource } from './compensation';

/**
 * The standards of performance of each utility profile's regulator, by catalogue code, merged
 * into the built-in catalogue when it is loaded (`db/catalogue.ts`); an admin's PUT may set or
 * change a type's `standard` like any other field. Timelines are business durations on the
 * type's own clock: service types run on the office calendar (10:00–17:00, so `7h` is one
 * working day), the complaint types here round the clock.
 *
 * Every figure says where it comes from. `example: true` marks figures that the sources this
 * project has (the seeds in /work/shared/seeds and the published reports cited in `url`) do not
 * give: demo values, to be replaced with the regulator's figures before any real use. The README
 * ("Statutory compensation") lists which are which.
 */

const ROC_2020 = 'Electricity (Rights of Consumers) Rules, 2020';
const KSERC_SOP = 'KSERC (Standards of Performance of Distribution Licensees) Regulations';

/** Rule 4 of the Rules as published reports give it: 7 days (metropolitan), 15 (other municipal), 30 (rural). */
const ROC_RULE_4: TStandardSource = {
  citation: `${ROC_2020}, rule 4 (release of new connection and modification in existing connection)`,
  url: 'https://www.business-standard.com/article/economy-policy/new-electricity-rules-give-consumers-across-india-the-right-to-24x7-supply-120122100530_1.html',
  example: false,
  note:
    'urban: the 7 days of metropolitan areas; rural: 30 days; counted as working days of the office clock (7 h). ' +
    'Hilly: the sources give no separate figure, so the rural one is used — an example.',
};

/** Amounts are the State Commission's to set (the Rules leave them to it); none are in our sources. */
const KSERC_AMOUNT: TStandardSource = {
  citation: `${KSERC_SOP}, schedule of compensation`,
  example: true,
  note: 'demo amount: the sources do not give the Commission’s figure',
};
const EXAMPLE_TIMELINE: TStandardSource = {
  citation: `${KSERC_SOP}, guaranteed standards`,
  example: true,
  note: 'demo timeline: the sources do not give this figure',
};

const serviceCitation = (what: string) => `${ROC_2020} (${what}); ${KSERC_SOP}`;
const complaintCitation = (what: string) => `${ROC_2020} (compensation mechanism: ${what}); ${KSERC_SOP}`;

const KSEB: { service: Record<string, TStandard>; complaint: Record<string, TStandard> } = {
  service: {
    'new-connection': {
      timeline: { urban: '49h', rural: '210h', hilly: '210h' },
      compensation: { kind: 'per-day', amount: 50, day: '7h', cap: 1000, source: KSERC_AMOUNT },
      citation: `${ROC_2020}, rule 4 (new connection within 7 days in metropolitan and 30 days in rural areas); ${KSERC_SOP}`,
      source: ROC_RULE_4,
    },
    'ownership-transfer': {
      timeline: { urban: '49h', rural: '49h', hilly: '70h' },
      compensation: { kind: 'per-day', amount: 25, day: '7h', cap: 500, source: KSERC_AMOUNT },
      citation: serviceCitation('change of name'),
      source: EXAMPLE_TIMELINE,
    },
    'load-change': {
      timeline: { urban: '49h', rural: '105h', hilly: '105h' },
      compensation: { kind: 'per-day', amount: 50, day: '7h', cap: 1000, source: KSERC_AMOUNT },
      citation: serviceCitation('modification of connected load'),
      source: EXAMPLE_TIMELINE,
    },
    'tariff-change': {
      timeline: { urban: '49h', rural: '49h', hilly: '49h' },
      compensation: { kind: 'per-day', amount: 25, day: '7h', cap: 500, source: KSERC_AMOUNT },
      citation: serviceCitation('change of category'),
      source: EXAMPLE_TIMELINE,
    },
    'meter-shifting': {
      timeline: { urban: '49h', rural: '105h', hilly: '105h' },
      compensation: { kind: 'per-day', amount: 25, day: '7h', cap: 500, source: KSERC_AMOUNT },
      citation: serviceCitation('shifting of meter or service line'),
      source: EXAMPLE_TIMELINE,
    },
  },
  complaint: {
    'no-power': {
      timeline: { urban: '6h', rural: '12h', hilly: '24h' },
      compensation: { kind: 'per-hour', amount: 25, cap: 500, source: KSERC_AMOUNT },
      citation: complaintCitation('restoration of supply'),
      source: EXAMPLE_TIMELINE,
    },
    'low-voltage': {
      timeline: { urban: '24h', rural: '48h', hilly: '72h' },
      compensation: { kind: 'per-case', amount: 250, source: KSERC_AMOUNT },
      citation: complaintCitation('voltage complaints'),
      source: EXAMPLE_TIMELINE,
    },
    'high-voltage': {
      timeline: { urban: '8h', rural: '12h', hilly: '24h' },
      compensation: { kind: 'per-case', amount: 250, source: KSERC_AMOUNT },
      citation: complaintCitation('voltage complaints'),
      source: EXAMPLE_TIMELINE,
    },
    'meter-defective': {
      timeline: { urban: '49h', rural: '105h', hilly: '105h' },
      compensation: { kind: 'per-day', amount: 25, day: '7h', cap: 500, source: KSERC_AMOUNT },
      citation: complaintCitation('meter complaints'),
      source: EXAMPLE_TIMELINE,
    },
    'billing-dispute': {
      timeline: { urban: '49h', rural: '49h', hilly: '49h' },
      compensation: { kind: 'per-day', amount: 25, day: '7h', cap: 500, source: KSERC_AMOUNT },
      citation: complaintCitation('billing complaints'),
      source: EXAMPLE_TIMELINE,
    },
  },
};

/**
 * By utility profile. EVN SPC and the Russian grid company have none: the sources this project
 * has say nothing of their regulators' timelines or compensation, and Seva does not invent law.
 */
export const STANDARDS_OF_PERFORMANCE: Record<
  string,
  { service: Record<string, TStandard>; complaint: Record<string, TStandard> }
> = {
  kseb: KSEB,
  'evn-spc': { service: {}, complaint: {} },
  'ru-grid': { service: {}, complaint: {} },
};

/** A built-in entry with its profile's standard, if the profile's regulator sets one. */
export function withStandard<T extends { kind: 'service' | 'complaint'; code: string; standard?: TStandard }>(
  entry: T,
  profileId: string,
): T {
  const standard = STANDARDS_OF_PERFORMANCE[profileId]?.[entry.kind][entry.code];
  return standard && !entry.standard ? { ...entry, standard } : entry;
}

import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { SOCIAL_CATEGORIES } from '../../domain/campaign-contract';

/**
 * A network at scale for benchmarks, beside the small demo data: under one section office, feeders
 * of `perFeeder` consumers on transformers of 100 each; about 1 in 13 consumers on life support and
 * 1 in 17 a social object, languages and channels mixed as in the demo. Consumer numbers are
 * `1<section code>9<7 digits>`, apart from the demo's; written by `generate_series` in a few
 * statements, idempotent (ON CONFLICT DO NOTHING). Returns the feeder ids.
 */
export async function loadScaleNetwork(
  db: Database,
  options: {
    consumers: number;
    perFeeder?: number;
    section?: { id: string; code: string; substation: string };
  },
): Promise<string[]> {
  const section = options.section ?? { id: 'sec-kaloor', code: '5521', substation: 'ss-kaloor' };
  const perFeeder = options.perFeeder ?? 5_000;
  const feeders = Math.ceil(options.consumers / perFeeder);
  const perTransformer = 100;
  const transformers = Math.ceil(options.consumers / perTransformer);
  const social = sql.raw(`array[${SOCIAL_CATEGORIES.map((c) => `'${c}'`).join(',')}]`);
  await db.execute(sql`
    insert into feeders (id, name, substation_id)
    select 'fdr-scale-' || f, '11 kV Feeder Scale ' || f, ${section.substation}
    from generate_series(1, ${feeders}) f
    on conflict do nothing`);
  await db.execute(sql`
    insert into transformers (id, name, feeder_id, section_office_id)
    select 'dtr-scale-' || t, 'DTR Scale ' || t, 'fdr-scale-' || (1 + (t - 1) / ${perFeeder / perTransformer}), ${section.id}
    from generate_series(1, ${transformers}) t
    on conflict do nothing`);
  await db.execute(sql`
    insert into consumers (consumer_number, name, phone, email, language, preferred_channel, address,
                           life_support, social_category, section_office_id, transformer_id)
    select '1' || ${section.code} || '9' || lpad(n::text, 7, '0'),
           'Scale Consumer ' || n,
           '+9198' || lpad(n::text, 8, '0'),
           case when n % 5 <> 0 then 'scale.' || n || '@example.in' end,
           (array['en','ml','ml','hi','en','vi','ru','ml','en','hi'])[1 + n % 10],
           (array['sms','sms','whatsapp','email','sms','whatsapp','sms','email','whatsapp','sms'])[1 + (n / 10) % 10],
           'Scale street, house ' || n,
           n % 13 = 0,
           case when n % 17 = 0 then (${social})[1 + (n / 17) % ${SOCIAL_CATEGORIES.length}] end,
           ${section.id},
           'dtr-scale-' || (1 + (n - 1) / ${perTransformer})
    from generate_series(1, ${options.consumers}) n
    on conflict do nothing`);
  return Array.from({ length: feeders }, (_, i) => `fdr-scale-${i + 1}`);
}

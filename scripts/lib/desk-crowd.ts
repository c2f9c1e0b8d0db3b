import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';

const FIRST = [
  'Lakshmi',
  'Sajitha',
  'Anitha',
  'Rajesh',
  'Pradeep',
  'Meera',
  'Thomas',
  'Joseph',
  'Fathima',
  'Mohammed',
  'Abdul',
  'Suresh',
  'Ramesh',
  'Priya',
  'Divya',
  'Arun',
  'Vineeth',
  'Sreeja',
  'Bindu',
  'Gopalakrishnan',
  'Krishnan',
  'Radhika',
  'Shyam',
  'Deepa',
  'Aswathy',
  'Jose',
  'Mathew',
  'Ayesha',
  'Nisha',
  'Sunil',
  'Anil',
  'Beena',
  'Shaji',
  'Rekha',
  'Vijayan',
  'Unnikrishnan',
  'Parvathy',
  'Harikumar',
  'Sindhu',
  'Ravi',
  'Geetha',
  'Manoj',
  'Sabu',
  'Rahul',
  'Sneha',
  'Zainaba',
  'Kunjumon',
  'Leela',
  'Omana',
  'Vasudevan',
  'Asha',
  'Biju',
  'Jayakumar',
  'Remya',
  'Santhosh',
  'Shameer',
  'Neethu',
  'Girija',
  'Balakrishnan',
  'Sumayya',
];
const LAST = [
  'Pillai',
  'Menon',
  'Nair',
  'Kurian',
  'Varghese',
  'Panicker',
  'Krishnan',
  'Abraham',
  'Kumar',
  'Thomas',
  'George',
  'Namboothiri',
  'Warrier',
  'Kutty',
  'Joseph',
  'Philip',
  'Chacko',
  'Mathai',
  'Raghavan',
  'Haji',
  'Rahman',
  'Nambiar',
  'Kaimal',
  'Iyer',
  'Sharma',
  'Das',
  'Menachery',
  'Pothen',
  'Cherian',
  'Antony',
  'Ezhuthachan',
  'Marar',
  'Poduval',
  'Kartha',
  'Koya',
  'Thampi',
  'Unni',
  'Vasudevan',
  'Gopinath',
  'Sebastian',
];
const HOUSE = [
  'Sreenilayam',
  'Rose Villa',
  'Thekkedath',
  'Puthenveedu',
  'Kizhakkeveettil',
  'Ambadi',
  'Gokulam',
  'Karthika',
  'Vrindavan',
  'Panackal',
  'Mannil',
  'Chirayil',
  'Padinjattil',
  'Mangalath',
  'Thottathil',
  'Kollamparambil',
];
const STREET = [
  'Temple Road',
  'MG Road',
  'Church Road',
  'Market Junction',
  'Gandhi Nagar',
  'Lake View Lane',
  'Railway Station Road',
  'Banerji Road',
  'Chittoor Road',
  'Convent Road',
  'Mosque Lane',
  'High School Junction',
  'Bank Road',
  'Canal Road',
  'Sahodaran Ayyappan Road',
  'Pipeline Road',
  'Judges Avenue',
  'Ponoth Road',
  'Kaloor Kadavanthra Road',
  'Seaport Airport Road',
  'Thammanam Pullepady Road',
  'St Benedict Road',
];
const PLACE = [
  'Kaloor',
  'Edappally',
  'Palarivattom',
  'Kadavanthra',
  'Vyttila',
  'Elamakkara',
  'Pachalam',
  'Thammanam',
  'Vennala',
  'Chakkaraparambu',
  'Kathrikadavu',
  'Pottakuzhy',
  'Kaloor North',
  'Desabhimani',
  'Ponekkara',
];
const array = (words: string[]) =>
  sql.raw(`array[${words.map((w) => `'${w.replace(/'/g, "''")}'`).join(',')}]`);
/** a word of `words` for row i: strides coprime with each list's length, so that the lists do not move together */
const pick = (words: string[], stride: number, div = 1) =>
  sql`(${array(words)})[1 + ((i / ${sql.raw(String(div))}) * ${sql.raw(String(stride))}) % ${sql.raw(String(words.length))}]`;

/** The consumer number of crowd member i. */
export const crowdNumber = (i: number) => `1552119${String(i).padStart(6, '0')}`;
/** The registered phone of crowd member i (E.164). */
export const crowdPhone = (i: number) => `+9198${String(10_000_000 + i).padStart(8, '0')}`;

/**
 * `count` consumers of one section, with names and addresses as a Kerala town has them (60 first
 * names, 40 family names, one in three with an initial; house name, street, house and ward
 * number, locality), made by PostgreSQL in batches of INSERT … SELECT generate_series.
 */
export async function loadDeskCrowd(
  db: Database,
  count: number,
  office: { sectionOfficeId: string; transformerId: string },
) {
  for (let from = 0; from < count; from += 25_000) {
    const to = Math.min(count, from + 25_000) - 1;
    await db.execute(sql`
      insert into consumers (consumer_number, name, phone, address, section_office_id, transformer_id)
      select '1552119' || lpad(i::text, 6, '0'),
        ${pick(FIRST, 7919)} || ' ' || ${pick(LAST, 104_729, 7)}
          || case when i % 3 = 0 then ' ' || chr((65 + (i * 31) % 26)::int) else '' end,
        '+9198' || lpad((10000000 + i)::text, 8, '0'),
        ${pick(HOUSE, 13, 3)} || ', ' || ${pick(STREET, 37, 11)} || ', house ' || (1 + i % 400)
          || ', ward ' || (1 + i % 97) || ', ' || ${pick(PLACE, 53, 5)},
        ${office.sectionOfficeId}, ${office.transformerId}
      from generate_series(${from}::bigint, ${to}::bigint) as i`);
  }
  // What autovacuum would have done by the time anyone searches: the GIN index's pending list
  // merged (a bulk insert leaves 100,000 rows in it, and every search scans it) and statistics.
  await db.execute(sql`vacuum analyze consumers`);
}

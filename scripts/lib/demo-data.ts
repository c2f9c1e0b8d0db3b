import {
  bills,
  consumers,
  corporateConsumers,
  corporates,
  feeders,
  ledgerPostings,
  offices,
  onCallShifts,
  staff,
  substations,
  transformers,
} from '../../db/schema';
import type { Database } from '../../db/client';
import { and, eq } from 'drizzle-orm';
import type { TAreaClass } from '../../domain/compensation';
import { SOCIAL_CATEGORIES } from '../../domain/campaign-contract';
import { disconnectionDateOf, postingKey } from '../../domain/ledger';
import { installedProfile, type TUtilityProfile } from '../../domain/utility-profile';
import { offsetText } from '../../domain/utility-profile-contract';
import { demoPackOf, type TDemoHierarchy, type TDemoPack } from './demo-packs';

/**
 * Deterministic demo data: the same seed gives the same rows, and every insert is
 * ON CONFLICT DO NOTHING, so loading twice changes nothing.
 */

type Office = typeof offices.$inferInsert;

// circle → division → sub-division → sections (with a 4-digit section code used in consumer numbers)
const HIERARCHY: TDemoHierarchy = [
  {
    id: 'circle-tvm',
    name: 'Electrical Circle Thiruvananthapuram',
    divisions: [
      {
        id: 'div-tvm-city',
        name: 'Electrical Division Thiruvananthapuram City',
        subdivisions: [
          {
            id: 'subdiv-pattom',
            name: 'Electrical Sub Division Pattom',
            sections: [
              ['sec-pattom', 'Electrical Section Pattom', '1546'],
              ['sec-kesavadasapuram', 'Electrical Section Kesavadasapuram', '1547'],
            ],
          },
        ],
      },
      {
        id: 'div-tvm-rural',
        name: 'Electrical Division Neyyattinkara',
        subdivisions: [
          {
            id: 'subdiv-balaramapuram',
            name: 'Electrical Sub Division Balaramapuram',
            sections: [
              ['sec-balaramapuram', 'Electrical Section Balaramapuram', '1611'],
              ['sec-vizhinjam', 'Electrical Section Vizhinjam', '1612'],
            ],
          },
        ],
      },
    ],
  },
  {
    id: 'circle-ekm',
    name: 'Electrical Circle Ernakulam',
    divisions: [
      {
        id: 'div-ekm-city',
        name: 'Electrical Division Ernakulam',
        subdivisions: [
          {
            id: 'subdiv-kaloor',
            name: 'Electrical Sub Division Kaloor',
            sections: [
              ['sec-kaloor', 'Electrical Section Kaloor', '5521'],
              ['sec-vyttila', 'Electrical Section Vyttila', '5522'],
            ],
          },
        ],
      },
      {
        id: 'div-ekm-aluva',
        name: 'Electrical Division Aluva',
        subdivisions: [
          {
            id: 'subdiv-aluva',
            name: 'Electrical Sub Division Aluva',
            sections: [
              ['sec-aluva-town', 'Electrical Section Aluva Town', '5601'],
              ['sec-kalamassery', 'Electrical Section Kalamassery', '5602'],
            ],
          },
        ],
      },
    ],
  },
] as const;

const FIRST = [
  'Anil',
  'Anitha',
  'Biju',
  'Deepa',
  'Gopika',
  'Hari',
  'Jayan',
  'Lakshmi',
  'Manoj',
  'Meera',
  'Nisha',
  'Pradeep',
  'Radhika',
  'Rajesh',
  'Sajitha',
  'Suresh',
  'Sreeja',
  'Thomas',
  'Usha',
  'Vinod',
  'Priya',
  'Arjun',
  'Fathima',
  'Joseph',
];
const LAST = [
  'Nair',
  'Menon',
  'Pillai',
  'Kurian',
  'Varghese',
  'Thomas',
  'Kumar',
  'Das',
  'Panicker',
  'Raj',
  'Krishnan',
  'Abraham',
  'Sharma',
  'Iyer',
];
const FOREIGN: Record<'vi' | 'ru', [string[], string[]]> = {
  vi: [
    ['Nguyen', 'Tran', 'Le', 'Pham'],
    ['Van An', 'Thi Lan', 'Minh Duc', 'Thu Ha'],
  ],
  ru: [
    ['Ivan', 'Olga', 'Sergei', 'Natalia'],
    ['Petrov', 'Ivanova', 'Smirnov', 'Volkova'],
  ],
};
const STREETS = [
  'TC 14/220, Pattom Palace Road',
  'Gandhi Nagar',
  'MG Road',
  'Temple Road',
  'Market Junction',
  'Lake View Lane',
  'Church Road',
  'Railway Station Road',
];

export const DEMO_CONSUMERS_PER_SECTION = 30;
const BILL_PERIODS = ['2026-08', '2026-09', '2026-10'];

function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Which standard-of-performance timeline each demo section's consumers get (the rest are urban):
 * the Neyyattinkara division's sections are rural, and one street of Vizhinjam climbs the hill
 * (its consumers 25–29 are hilly, set on the consumer).
 */
const DEMO_AREA_CLASSES: Record<string, TAreaClass> = {
  'sec-balaramapuram': 'rural',
  'sec-vizhinjam': 'rural',
};
const DEMO_HILLY_CONSUMERS = (sectionId: string, n: number): TAreaClass | null =>
  sectionId === 'sec-vizhinjam' && n >= 25 ? 'hilly' : null;

/**
 * Corporates that pay their consumers' bills in bulk through the CSC (consumer numbers by section
 * code and serial; sec-kalamassery 20–29 are left to the tests).
 */
const DEMO_CORPORATES = [
  {
    id: 'corp-technopark',
    name: 'Technopark Campus Services',
    officeId: 'circle-tvm',
    virtualAccount: 'KSEB0CORP0001',
    consumers: [
      ['1546', [10, 20, 30]],
      ['1547', [10, 20]],
    ],
  },
  {
    id: 'corp-infopark',
    name: 'Infopark Kochi Facilities',
    officeId: 'circle-ekm',
    virtualAccount: 'KSEB0CORP0002',
    consumers: [
      ['5521', [10, 20, 30]],
      ['5522', [10, 20, 30]],
    ],
  },
  {
    id: 'corp-cial',
    name: 'Cochin Airport Utilities',
    officeId: 'div-ekm-aluva',
    virtualAccount: 'KSEB0CORP0003',
    consumers: [
      ['5601', [5, 10, 15, 20]],
      ['5602', [10, 30]],
    ],
  },
] as const;

/** When a bill is posted (two weeks before it is due) and when a paid one was paid (its due date), local midnight. */
const localMidnightOf = (date: string, offsetMinutes: number) =>
  new Date(`${date}T00:00:00${offsetText(offsetMinutes)}`);
const billPostedAt = (dueDate: string, offset: number) =>
  new Date(localMidnightOf(dueDate, offset).getTime() - 14 * 86_400_000);
const billPaidAt = (dueDate: string, offset: number) => localMidnightOf(dueDate, offset);

/** A bill's ledger postings: the bill, and its payment when it was paid before the ledger. */
export function billPostings(
  bill: typeof bills.$inferInsert,
  offsetMinutes = installedProfile().utcOffsetMinutes,
): (typeof ledgerPostings.$inferInsert)[] {
  const posting = {
    consumerNumber: bill.consumerNumber,
    kind: 'bill' as const,
    amount: bill.amount,
    billId: bill.id,
    sourceRef: 'bill',
    idempotencyKey: postingKey.bill(bill.id),
    postedAt: billPostedAt(bill.dueDate, offsetMinutes),
    note: `bill ${bill.period}`,
  };
  if (!bill.paid) return [posting];
  return [
    posting,
    {
      ...posting,
      kind: 'payment',
      amount: `-${bill.amount}`,
      idempotencyKey: postingKey.billPaid(bill.id),
      postedAt: billPaidAt(bill.dueDate, offsetMinutes),
      note: 'paid before the ledger',
    },
  ];
}

/** KSEB's demo: Thiruvananthapuram and Ernakulam, Malayali names, 13-digit numbers, +91. */
export const KSEB_DEMO: TDemoPack = {
  hierarchy: HIERARCHY,
  personName: (language, pick) =>
    language === 'vi' || language === 'ru'
      ? `${pick(FOREIGN[language][0])} ${pick(FOREIGN[language][1])}`
      : `${pick(FIRST)} ${pick(LAST)}`,
  staffName: (pick) => `${pick(FIRST)} ${pick(LAST)}`,
  consumerLanguage: (r) => (r < 0.4 ? 'en' : r < 0.75 ? 'ml' : r < 0.9 ? 'hi' : r < 0.95 ? 'vi' : 'ru'),
  staffLanguages: { local: 'ml', english: 'en', third: 'hi' },
  staffPhone: (i) => `+9194470${String(10_001 + i)}`,
  officePhone: (code) => `+91471${code}000`,
  consumerPhone: (rand) => `+919${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`,
  consumerNumber: (code, n) => `1${code}${String(n).padStart(8, '0')}`,
  email: (name, n) => `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${n}@example.in`,
  address: (pick, n, place) => `${pick(STREETS)}, house ${n}, ${place}`,
  category: (n) => (n % 10 === 0 ? 'LT-7A commercial' : 'LT-1A domestic'),
  billAmount: (units) => (units * 6.4 + 55).toFixed(2),
  network: {
    substation: (place) => `110 kV Substation ${place}`,
    feeder: (place) => `11 kV Feeder ${place}`,
    transformer: (i, place) => `DTR ${i} (${place})`,
  },
  showcase: {
    pings: [
      { consumerNumber: '1154600000001', channel: 'web', message: 'Is my connection healthy?' },
      { consumerNumber: '1154700000002', channel: 'whatsapp', message: 'Testing WhatsApp intake' },
      { consumerNumber: '1552100000003', channel: 'sms', message: 'NP check' },
      { consumerNumber: '1560100000004', channel: 'ivr', message: 'Call centre line check' },
      { consumerNumber: '1161100000005', channel: 'email', message: 'E-mail intake check' },
    ],
    requests: [
      {
        consumerNumber: '1154600000003',
        type: 'address-change',
        kind: 'address',
        form: { newAddress: 'TC 12/44, Pattom Palace Road, Thiruvananthapuram', pinCode: '695004' },
      },
      {
        consumerNumber: '1154700000004',
        type: 'contact-update',
        kind: 'identity',
        form: { newPhone: '+919447012345' },
      },
      {
        consumerNumber: '1552100000005',
        type: 'address-change',
        kind: 'address',
        form: { newAddress: '34/1207, Kaloor, Kochi', pinCode: '682017' },
      },
    ],
    portalConsumer: '1154600000003',
    executive: { subject: 'exec-pattom', office: 'sec-pattom' },
    npConsumer: '1154600000001',
  },
  corporates: DEMO_CORPORATES,
};

/** The demo pack of a profile: its offices, people, numbers and what `npm start` shows. */
export const demoPackFor = (profile: Pick<TUtilityProfile, 'id'>): TDemoPack =>
  profile.id === 'kseb' ? KSEB_DEMO : demoPackOf(profile.id);

export function buildDemoData(seed = 20261123, profile: TUtilityProfile = installedProfile()) {
  const pack = demoPackFor(profile);
  const levels = profile.officeLevels;
  const placeOf = (name: string, level: keyof typeof levels) => name.replace(`${levels[level]} `, '');
  const rand = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const officeRows: Office[] = [];
  const substationRows: (typeof substations.$inferInsert)[] = [];
  const feederRows: (typeof feeders.$inferInsert)[] = [];
  const transformerRows: (typeof transformers.$inferInsert)[] = [];
  const consumerRows: (typeof consumers.$inferInsert)[] = [];
  const billRows: (typeof bills.$inferInsert)[] = [];
  const staffRows: (typeof staff.$inferInsert)[] = [];
  const shiftRows: (typeof onCallShifts.$inferInsert)[] = [];
  // Staff draw their names from their own sequence, so adding staff changes no consumer.
  const staffRand = mulberry32(seed + 1);
  const staffPick = <T>(list: readonly T[]): T => list[Math.floor(staffRand() * list.length)]!;
  // Staff phones are in one block of numbers (+91 94470 1xxxx), handed out in order.
  const addStaff = (
    subject: string,
    role: (typeof staff.$inferInsert)['role'],
    officeId: string,
    language: string,
    preferredChannel: string,
  ) => {
    const name = pack.staffName(staffPick);
    staffRows.push({
      subject,
      name,
      role,
      officeId,
      phone: pack.staffPhone(staffRows.length),
      email: `${subject}@seva.example`,
      preferredChannel,
      language,
      active: true,
    });
  };

  const { local, english, third } = pack.staffLanguages;
  for (const circle of pack.hierarchy) {
    officeRows.push({ id: circle.id, name: circle.name, level: 'circle', parentId: null, path: circle.id });
    // The circle's emergency desk: a day and a night dispatcher cover the 24 hours, and a relief
    // dispatcher doubles the desk on Sunday days and takes the handover hour each evening.
    const desk = circle.id.replace('circle-', '');
    addStaff(`dispatch-${desk}-day`, 'dispatcher', circle.id, local, 'sms');
    addStaff(`dispatch-${desk}-night`, 'dispatcher', circle.id, english, 'voice');
    addStaff(`dispatch-${desk}-relief`, 'dispatcher', circle.id, third, 'whatsapp');
    const shift = (n: number, subject: string, from: string, to: string, weekdays: number[] | null = null) =>
      shiftRows.push({ id: `demo-${circle.id}-${n}`, officeId: circle.id, subject, from, to, weekdays });
    shift(1, `dispatch-${desk}-day`, '08:00', '20:00');
    shift(2, `dispatch-${desk}-night`, '20:00', '08:00');
    shift(3, `dispatch-${desk}-relief`, '08:00', '20:00', [0]);
    shift(4, `dispatch-${desk}-relief`, '19:30', '20:30');
    for (const division of circle.divisions) {
      const divisionPath = `${circle.id}/${division.id}`;
      officeRows.push({
        id: division.id,
        name: division.name,
        level: 'division',
        parentId: circle.id,
        path: divisionPath,
      });
      addStaff(`sup-${division.id}`, 'supervisor', division.id, english, 'email');
      for (const sub of division.subdivisions) {
        const subPath = `${divisionPath}/${sub.id}`;
        officeRows.push({
          id: sub.id,
          name: sub.name,
          level: 'subdivision',
          parentId: division.id,
          path: subPath,
        });
        addStaff(`sup-${sub.id}`, 'supervisor', sub.id, local, 'whatsapp');
        const substationId = `ss-${sub.id.replace('subdiv-', '')}`;
        substationRows.push({
          id: substationId,
          name: pack.network.substation(placeOf(sub.name, 'subdivision')),
          officeId: sub.id,
        });
        for (const [sectionId, sectionName, code] of sub.sections) {
          const place = placeOf(sectionName, 'section');
          officeRows.push({
            id: sectionId,
            name: sectionName,
            level: 'section',
            parentId: sub.id,
            path: `${subPath}/${sectionId}`,
            phone: pack.officePhone(code),
            email: `${sectionId}@seva.example`,
            areaClass: DEMO_AREA_CLASSES[sectionId] ?? 'urban',
          });
          // Subjects as the README and tests use them: exec-pattom is the executive of sec-pattom.
          const short = sectionId.replace('sec-', '');
          addStaff(`exec-${short}`, 'executive', sectionId, staffRows.length % 2 ? local : english, 'sms');
          addStaff(
            `sup-${short}`,
            'supervisor',
            sectionId,
            staffRows.length % 3 ? english : local,
            'whatsapp',
          );
          const feederId = `fdr-${sectionId.replace('sec-', '')}`;
          feederRows.push({
            id: feederId,
            name: pack.network.feeder(place),
            substationId,
          });
          const dtrIds = [1, 2, 3].map((n) => `dtr-${sectionId.replace('sec-', '')}-${n}`);
          dtrIds.forEach((id, i) =>
            transformerRows.push({
              id,
              name: pack.network.transformer(i + 1, place),
              feederId,
              sectionOfficeId: sectionId,
            }),
          );

          for (let n = 1; n <= DEMO_CONSUMERS_PER_SECTION; n++) {
            const consumerNumber = pack.consumerNumber(code, n);
            const language = pack.consumerLanguage(rand());
            const name = pack.personName(language, pick);
            const phone = pack.consumerPhone(rand);
            const channelRoll = rand();
            consumerRows.push({
              consumerNumber,
              name,
              phone,
              email: rand() < 0.8 ? pack.email(name, n) : null,
              language,
              preferredChannel: channelRoll < 0.45 ? 'sms' : channelRoll < 0.8 ? 'whatsapp' : 'email',
              address: pack.address(pick, n, place),
              category: pack.category(n),
              lifeSupport: n % 13 === 0,
              // Socially important objects an outage reaches by a call first (#14).
              socialCategory:
                n % 17 === 0 ? SOCIAL_CATEGORIES[Number(code) % SOCIAL_CATEGORIES.length]! : null,
              sectionOfficeId: sectionId,
              transformerId: dtrIds[n % dtrIds.length]!,
              areaClass: DEMO_HILLY_CONSUMERS(sectionId, n),
            });
            BILL_PERIODS.forEach((period, i) => {
              const units = Math.round(80 + rand() * 320);
              billRows.push({
                id: `bill-${consumerNumber}-${period}`,
                consumerNumber,
                period,
                unitsKwh: String(units),
                amount: pack.billAmount(units),
                dueDate: `${period}-28`,
                disconnectionDate: disconnectionDateOf(`${period}-28`),
                paid: i < BILL_PERIODS.length - 1 || rand() < 0.6,
              });
            });
          }
        }
      }
    }
  }
  // The call centre of each circle: agents answer the circle's consumers (added last, so every
  // other person keeps the name and phone number they had).
  for (const circle of pack.hierarchy) {
    const desk = circle.id.replace('circle-', '');
    addStaff(`agent-${desk}-1`, 'agent', circle.id, english, 'sms');
    addStaff(`agent-${desk}-2`, 'agent', circle.id, local, 'sms');
  }
  // Operations of each circle: who repairs a stuck request in the console (added after everyone else).
  for (const circle of pack.hierarchy)
    addStaff(`ops-${circle.id.replace('circle-', '')}`, 'ops', circle.id, english, 'email');
  const corporateRows = pack.corporates.map(({ consumers: _, ...c }) => c);
  const corporateConsumerRows = pack.corporates.flatMap((c) =>
    c.consumers.flatMap(([code, serials]) =>
      serials.map((n) => ({ corporateId: c.id, consumerNumber: pack.consumerNumber(code, n) })),
    ),
  );
  return {
    officeRows,
    substationRows,
    feederRows,
    transformerRows,
    consumerRows,
    billRows,
    postingRows: billRows.flatMap((b) => billPostings(b, profile.utcOffsetMinutes)),
    staffRows,
    shiftRows,
    corporateRows,
    corporateConsumerRows,
  };
}

/** The demo data of a profile (default: the installed one): KSEB's, EVN SPC's or the Russian grid company's. */
export async function loadDemoData(
  db: Database,
  profile: TUtilityProfile = installedProfile(),
): Promise<{ offices: number; consumers: number; bills: number }> {
  const data = buildDemoData(undefined, profile);
  await db.transaction(async (tx) => {
    await tx.insert(offices).values(data.officeRows).onConflictDoNothing();
    // Offices loaded before area classes existed (migration 0026) get theirs.
    for (const o of data.officeRows)
      if (o.areaClass && o.areaClass !== 'urban')
        await tx
          .update(offices)
          .set({ areaClass: o.areaClass })
          .where(and(eq(offices.id, o.id), eq(offices.areaClass, 'urban')));
    await tx.insert(substations).values(data.substationRows).onConflictDoNothing();
    await tx.insert(feeders).values(data.feederRows).onConflictDoNothing();
    await tx.insert(transformers).values(data.transformerRows).onConflictDoNothing();
    await tx.insert(staff).values(data.staffRows).onConflictDoNothing();
    await tx.insert(onCallShifts).values(data.shiftRows).onConflictDoNothing();
    for (let i = 0; i < data.consumerRows.length; i += 500) {
      await tx
        .insert(consumers)
        .values(data.consumerRows.slice(i, i + 500))
        .onConflictDoNothing();
    }
    for (let i = 0; i < data.billRows.length; i += 1000) {
      await tx
        .insert(bills)
        .values(data.billRows.slice(i, i + 1000))
        .onConflictDoNothing();
    }
    for (let i = 0; i < data.postingRows.length; i += 1000) {
      await tx
        .insert(ledgerPostings)
        .values(data.postingRows.slice(i, i + 1000))
        .onConflictDoNothing({ target: ledgerPostings.idempotencyKey });
    }
    if (data.corporateRows.length > 0) {
      await tx.insert(corporates).values(data.corporateRows).onConflictDoNothing();
      await tx.insert(corporateConsumers).values(data.corporateConsumerRows).onConflictDoNothing();
    }
  });
  return {
    offices: data.officeRows.length,
    consumers: data.consumerRows.length,
    bills: data.billRows.length,
  };
}

/**
 * The demo data of each utility profile in that country's style: offices, names, addresses,
 * phone numbers, consumer numbers, tariffs. `demo-data.ts` builds the rows from a pack; KSEB's
 * pack is there, next to its constants; EVN SPC's and the Russian grid company's are here.
 */

type TLang = 'en' | 'ml' | 'hi' | 'vi' | 'ru';
export type TDemoHierarchy = readonly {
  id: string;
  name: string;
  divisions: readonly {
    id: string;
    name: string;
    subdivisions: readonly {
      id: string;
      name: string;
      /** [id, name, code]: the code goes into the section's consumer numbers */
      sections: readonly (readonly [string, string, string])[];
    }[];
  }[];
}[];

export type TDemoPack = {
  hierarchy: TDemoHierarchy;
  personName: (language: TLang, pick: <T>(list: readonly T[]) => T) => string;
  staffName: (pick: <T>(list: readonly T[]) => T) => string;
  consumerLanguage: (r: number) => TLang;
  staffLanguages: { local: TLang; english: TLang; third: TLang };
  staffPhone: (index: number) => string;
  officePhone: (code: string) => string;
  consumerPhone: (rand: () => number) => string;
  consumerNumber: (code: string, n: number) => string;
  email: (name: string, n: number) => string;
  address: (pick: <T>(list: readonly T[]) => T, n: number, place: string) => string;
  category: (n: number) => string;
  billAmount: (units: number) => string;
  network: {
    substation: (place: string) => string;
    feeder: (place: string) => string;
    transformer: (i: number, place: string) => string;
  };
  /** what `npm start` shows and submits: demo pings, service requests, the people the banner names */
  showcase: TDemoShowcase;
  corporates: readonly {
    id: string;
    name: string;
    officeId: string;
    virtualAccount: string;
    consumers: readonly (readonly [string, readonly number[]])[];
  }[];
};

export type TDemoShowcase = {
  pings: readonly {
    consumerNumber: string;
    channel: 'web' | 'whatsapp' | 'sms' | 'ivr' | 'email';
    message: string;
  }[];
  requests: readonly {
    consumerNumber: string;
    type: 'address-change' | 'contact-update';
    kind: 'address' | 'identity';
    form: Record<string, string>;
  }[];
  portalConsumer: string;
  executive: { subject: string; office: string };
  npConsumer: string;
};

const digits = (rand: () => number, n: number) => String(Math.floor(rand() * 10 ** n)).padStart(n, '0');
/** Latin letters only, for an e-mail address: diacritics dropped (đ → d). */
const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z]+/g, '.');

// ---- EVN SPC (southern Viet Nam) ----

const VN_FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Võ', 'Phan', 'Trương', 'Đặng', 'Bùi'];
const VN_MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Thanh', 'Hữu'];
const VN_GIVEN = [
  'An',
  'Bình',
  'Cường',
  'Dung',
  'Hạnh',
  'Hùng',
  'Lan',
  'Long',
  'Mai',
  'Nam',
  'Phúc',
  'Tâm',
  'Thảo',
  'Trung',
];
const VN_STREETS = [
  'đường Phạm Văn Thuận',
  'đường 30 Tháng 4',
  'đường Nguyễn Trãi',
  'đường Cách Mạng Tháng 8',
  'hẻm 12 Trần Hưng Đạo',
];
const VN_MOBILE = ['90', '91', '93', '94', '96', '97', '98'];

export const EVN_SPC_DEMO: TDemoPack = {
  hierarchy: [
    {
      id: 'circle-dongnai',
      name: 'Công ty Điện lực Đồng Nai',
      divisions: [
        {
          id: 'div-bienhoa',
          name: 'Điện lực Biên Hòa',
          subdivisions: [
            {
              id: 'subdiv-bienhoa-1',
              name: 'Đội quản lý điện Biên Hòa 1',
              sections: [
                ['sec-tan-hiep', 'Tổ điện Tân Hiệp', '01'],
                ['sec-tam-hiep', 'Tổ điện Tam Hiệp', '02'],
              ],
            },
          ],
        },
      ],
    },
    {
      id: 'circle-cantho',
      name: 'Công ty Điện lực Cần Thơ',
      divisions: [
        {
          id: 'div-ninhkieu',
          name: 'Điện lực Ninh Kiều',
          subdivisions: [
            {
              id: 'subdiv-ninhkieu-1',
              name: 'Đội quản lý điện Ninh Kiều 1',
              sections: [
                ['sec-an-hoa', 'Tổ điện An Hòa', '11'],
                ['sec-xuan-khanh', 'Tổ điện Xuân Khánh', '12'],
              ],
            },
          ],
        },
      ],
    },
  ],
  personName: (language, pick) =>
    language === 'vi' || language === 'en'
      ? `${pick(VN_FAMILY)} ${pick(VN_MIDDLE)} ${pick(VN_GIVEN)}`
      : `${pick(VN_FAMILY)} ${pick(VN_GIVEN)}`,
  staffName: (pick) => `${pick(VN_FAMILY)} ${pick(VN_MIDDLE)} ${pick(VN_GIVEN)}`,
  consumerLanguage: (r) => (r < 0.85 ? 'vi' : 'en'),
  staffLanguages: { local: 'vi', english: 'en', third: 'vi' },
  staffPhone: (i) => `+8490812${String(1001 + i)}`,
  officePhone: (code) => `+842513${code}0000`.slice(0, 12),
  consumerPhone: (rand) => `+84${VN_MOBILE[Math.floor(rand() * VN_MOBILE.length)]}${digits(rand, 7)}`,
  // EVN customer code: PB (the corporation) + 2 digits of the power company + 8 of the customer
  consumerNumber: (code, n) =>
    `PB${code.slice(0, 1) === '0' ? '01' : '02'}${code}${String(n).padStart(6, '0')}`,
  email: (name, n) => `${ascii(name)}.${n}@example.vn`,
  address: (pick, n, place) => `Số ${n}, ${pick(VN_STREETS)}, khu vực ${place}`,
  category: (n) => (n % 10 === 0 ? 'Kinh doanh' : 'Sinh hoạt'),
  // VND has no minor unit: whole đồng, about 2,500 đ/kWh
  billAmount: (units) => (Math.round((units * 2_536) / 100) * 100).toFixed(2),
  network: {
    substation: (place) => `Trạm biến áp 110 kV ${place}`,
    feeder: (place) => `Xuất tuyến 22 kV ${place}`,
    transformer: (i, place) => `Trạm ${place} ${i}`,
  },
  showcase: {
    pings: [
      { consumerNumber: 'PB0101000001', channel: 'web', message: 'Kết nối của tôi có ổn không?' },
      { consumerNumber: 'PB0102000002', channel: 'sms', message: 'Kiểm tra NP' },
      { consumerNumber: 'PB0211000003', channel: 'email', message: 'Kiểm tra e-mail' },
    ],
    requests: [
      {
        consumerNumber: 'PB0101000003',
        type: 'address-change',
        kind: 'address',
        form: {
          newAddress: 'Số 45, đường Phạm Văn Thuận, phường Tân Tiến, Biên Hòa, Đồng Nai',
          pinCode: '810000',
        },
      },
      {
        consumerNumber: 'PB0102000004',
        type: 'contact-update',
        kind: 'identity',
        form: { newPhone: '+84908123456' },
      },
    ],
    portalConsumer: 'PB0101000003',
    executive: { subject: 'exec-tan-hiep', office: 'sec-tan-hiep' },
    npConsumer: 'PB0101000001',
  },
  corporates: [],
};

// ---- the Russian grid company (Volga region, Moscow time) ----

const RU_MEN = ['Алексей', 'Сергей', 'Дмитрий', 'Иван', 'Николай', 'Андрей', 'Михаил'];
const RU_WOMEN = ['Ольга', 'Наталья', 'Елена', 'Татьяна', 'Ирина', 'Мария', 'Светлана'];
const RU_SURNAMES = ['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Соколов', 'Волков', 'Морозов', 'Лебедев'];
const RU_PATRONYMICS = ['Александров', 'Сергеев', 'Петров', 'Николаев', 'Владимиров'];
const RU_STREETS = [
  'ул. Большая Покровская',
  'ул. Рождественская',
  'пр-т Гагарина',
  'ул. Баумана',
  'ул. Пушкина',
];

const ruName = (pick: <T>(list: readonly T[]) => T) => {
  const woman = pick([true, false]);
  const f = woman ? 'а' : '';
  return `${pick(RU_SURNAMES)}${f} ${woman ? pick(RU_WOMEN) : pick(RU_MEN)} ${pick(RU_PATRONYMICS)}${woman ? 'на' : 'ич'}`;
};

/** The Luhn check digit that completes `body`. */
export const luhnDigit = (body: string) => {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
};

/** A demo personal account: the district's 3 digits, 7 of the account, a Luhn check digit. */
function ruAccount(code: string, n: number) {
  const body = `${code}${String(n).padStart(7, '0')}`;
  return `${body}${luhnDigit(body)}`;
}

export const RU_GRID_DEMO: TDemoPack = {
  hierarchy: [
    {
      id: 'circle-nnov',
      name: 'Филиал «Нижегородские сети»',
      divisions: [
        {
          id: 'div-nnov-central',
          name: 'Производственное отделение «Центральные электрические сети»',
          subdivisions: [
            {
              id: 'subdiv-sovetsky',
              name: 'Район электрических сетей Советский',
              sections: [
                ['sec-sovetsky-1', 'Участок Советский-1', '201'],
                ['sec-sovetsky-2', 'Участок Советский-2', '202'],
              ],
            },
          ],
        },
      ],
    },
    {
      id: 'circle-kazan',
      name: 'Филиал «Казанские сети»',
      divisions: [
        {
          id: 'div-kazan-city',
          name: 'Производственное отделение «Казанские городские сети»',
          subdivisions: [
            {
              id: 'subdiv-vakhitovsky',
              name: 'Район электрических сетей Вахитовский',
              sections: [
                ['sec-vakhitovsky-1', 'Участок Вахитовский-1', '301'],
                ['sec-vakhitovsky-2', 'Участок Вахитовский-2', '302'],
              ],
            },
          ],
        },
      ],
    },
  ],
  personName: (_language, pick) => ruName(pick),
  staffName: ruName,
  consumerLanguage: (r) => (r < 0.9 ? 'ru' : 'en'),
  staffLanguages: { local: 'ru', english: 'en', third: 'ru' },
  staffPhone: (i) => `+7831200${String(1001 + i)}`,
  officePhone: (code) => `+7831${code}0000`.slice(0, 12),
  consumerPhone: (rand) => `+79${digits(rand, 9)}`,
  consumerNumber: ruAccount,
  email: (_name, n) => `abonent.${n}@example.ru`,
  address: (pick, n, place) => `${pick(RU_STREETS)}, д. ${n}, кв. ${((n * 7) % 90) + 1} (${place})`,
  category: (n) => (n % 10 === 0 ? 'Прочие потребители' : 'Население'),
  billAmount: (units) => (units * 5.92).toFixed(2),
  network: {
    substation: (place) => `ПС 110 кВ ${place}`,
    feeder: (place) => `Фидер 10 кВ ${place}`,
    transformer: (i, place) => `ТП-${i} (${place})`,
  },
  showcase: {
    pings: [
      { consumerNumber: ruAccount('201', 1), channel: 'web', message: 'Всё ли в порядке с подключением?' },
      { consumerNumber: ruAccount('202', 2), channel: 'sms', message: 'Проверка NP' },
      { consumerNumber: ruAccount('301', 3), channel: 'email', message: 'Проверка e-mail' },
    ],
    requests: [
      {
        consumerNumber: ruAccount('201', 3),
        type: 'address-change',
        kind: 'address',
        form: { newAddress: 'ул. Большая Покровская, д. 12, кв. 5, Нижний Новгород', pinCode: '603005' },
      },
      {
        consumerNumber: ruAccount('202', 4),
        type: 'contact-update',
        kind: 'identity',
        form: { newPhone: '+79161234567' },
      },
    ],
    portalConsumer: ruAccount('201', 3),
    executive: { subject: 'exec-sovetsky-1', office: 'sec-sovetsky-1' },
    npConsumer: ruAccount('201', 1),
  },
  corporates: [],
};

const PACKS: Record<string, TDemoPack> = { 'evn-spc': EVN_SPC_DEMO, 'ru-grid': RU_GRID_DEMO };

export function demoPackOf(profileId: string): TDemoPack {
  const pack = PACKS[profileId];
  if (!pack) throw new Error(`no demo data for utility profile ${profileId}`);
  return pack;
}

import { luhnDigit } from '../scripts/lib/demo-packs';
import { describeProfileJourneys } from './helpers/profile-journeys';

/** The Russian grid company: 11-digit personal accounts with a Luhn digit, Moscow time (UTC+3), roubles, +7. */
describeProfileJourneys({
  id: 'ru-grid',
  language: 'ru',
  utcOffsetMinutes: 180,
  circle: { id: 'circle-nnov', name: 'Филиал «Нижегородские сети»' },
  subdivision: 'subdiv-sovetsky',
  transformer: 'dtr-sovetsky-1-1',
  consumer: (n) => {
    const body = `201${String(n).padStart(7, '0')}`;
    return `${body}${luhnDigit(body)}`;
  },
  phonePrefix: '+7',
  localPhone: ['8 (916) 123-45-67', '+79161234567'],
  formatWords: /11-digit personal account number/,
  // ru-RU groups with (narrow) no-break spaces and a decimal comma: "1 234,56 ₽"
  money: /\d{1,3}([\s\u00a0\u202f]\d{3})*,\d{2}[\s\u00a0]₽/,
  zoneWords: '(МСК)',
  noticeWords: 'Ожидаемое восстановление',
  identity: { kind: 'ru-snils', valid: '112-233-445 95', invalid: '112-233-445 96' },
  executive: { subject: 'exec-sovetsky-1', office: 'sec-sovetsky-1' },
  newAddress: ['ул. Большая Покровская, д. 12, кв. 5, Нижний Новгород', '603005'],
});

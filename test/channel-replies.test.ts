import { describe, expect, it } from 'vitest';
import {
  CHANNEL_MESSAGES,
  channelWords,
  findConsumerNumber,
  guessComplaintType,
  isUnlinkWord,
} from '../domain/channel-replies';
import { argumentsOf } from '../domain/messages';
import { LANGUAGES } from '../domain/notice-templates';

const complaintReply = channelWords('en').complaint;

describe('reading e-mails', () => {
  it('finds a 13-digit consumer number standing on its own', () => {
    expect(findConsumerNumber('Re: no power, consumer no. 1154600000001 (Pattom)')).toBe('1154600000001');
    expect(findConsumerNumber('call me on 911546000000012')).toBeUndefined(); // 15 digits: a phone, not ours
    expect(findConsumerNumber('nothing here')).toBeUndefined();
  });

  it('reads the kind of complaint from the words, falling back to "other"', () => {
    expect(guessComplaintType('There is NO POWER in our house')).toBe('no-power');
    expect(guessComplaintType('A cow got a shock from the stay wire')).toBe('electrical-accident');
    expect(guessComplaintType('Lights are dim every evening')).toBe('low-voltage');
    expect(guessComplaintType('The pole in front of house 4 is leaning')).toBe('line-damage');
    expect(guessComplaintType('My meter display is blank')).toBe('meter-defective');
    expect(guessComplaintType('This month the bill is three times higher')).toBe('billing-dispute');
    expect(guessComplaintType('Please call me back')).toBe('other');
  });
});

describe('complaint replies', () => {
  const base = { requestNumber: 'CR-2026-000001-4', typeName: 'No power (individual)', status: 'open' };
  it('gives the ETR in Indian time when an outage explains the complaint', () => {
    const text = complaintReply({
      ...base,
      joined: false,
      dueAt: null,
      outage: { area: 'DTR 1 (Pattom)', etr: '2026-11-23T13:00:00Z' },
    });
    expect(text).toContain('known outage in DTR 1 (Pattom)');
    expect(text).toContain('6:30'); // 13:00 UTC is 18:30 IST
  });
  it('tells a repeat reporter the existing number', () => {
    expect(complaintReply({ ...base, joined: true, dueAt: null, outage: null })).toMatch(
      /already been reported .* CR-2026-000001-4 is open/,
    );
  });
});

describe("replies in the consumer's language", () => {
  const answer = {
    requestNumber: 'CR-2026-000001-4',
    typeName: 'No power (individual)',
    status: 'open',
    joined: false,
    dueAt: '2026-11-23T13:00:00Z',
    outage: null,
  };
  it('says the same things in every language: the number, the due time in Indian time, every IVR key', () => {
    for (const language of LANGUAGES) {
      const words = channelWords(language);
      const text = words.complaint(answer);
      expect(text, language).toContain('CR-2026-000001-4');
      expect(text, language).toMatch(/6:30|18:30/);
      for (const key of ['1', '2', '3', '4', '5']) expect(words.ivrMenu, language).toContain(key);
      for (const key of ['1', '2', '3', '4', '5', '6', '9'])
        expect(words.ivrComplaintMenu, language).toContain(key);
      expect(words.menu('KSEB'), language).toMatch(/1\. .+\n2\. .+\n3\. .+/);
    }
    expect(channelWords('ml').complaint(answer)).toMatch(/^പരാതി CR-2026-000001-4 രജിസ്റ്റർ ചെയ്തു/);
    expect(channelWords('hi').status([])).toBe('आपकी कोई खुली शिकायत या अनुरोध नहीं है।');
  });
});

describe('channel message files', () => {
  it('has every message in every language, with the same arguments as English', () => {
    for (const language of LANGUAGES) {
      expect(CHANNEL_MESSAGES.keys(language).sort(), language).toEqual(CHANNEL_MESSAGES.keys('en').sort());
      for (const key of CHANNEL_MESSAGES.keys('en'))
        expect(
          [...argumentsOf(CHANNEL_MESSAGES.message(language, key).format.getAst()).keys()].sort(),
          `${language}: ${key}`,
        ).toEqual([...argumentsOf(CHANNEL_MESSAGES.message('en', key).format.getAst()).keys()].sort());
    }
  });
  it('counts unpaid bills with each language’s plural rules', () => {
    const account = (bills: number) =>
      ({ latestBill: undefined, arrears: { amount: 1200, bills }, lastPayment: undefined }) as never;
    expect(channelWords('en').bill(account(1))).toContain('over 1 bill.');
    expect(channelWords('en').bill(account(3))).toContain('over 3 bills.');
    expect(channelWords('ru').bill(account(2))).toContain('(2 счёта)');
    expect(channelWords('ru').bill(account(5))).toContain('(5 счетов)');
  });
  it('names complaint types in the reader’s language where the catalogue has them', () => {
    const types = [
      { code: 'no-power', name: 'No power (individual)', translations: { ml: { name: 'വൈദ്യുതി ഇല്ല' } } },
    ];
    expect(channelWords('ml').types(types)).toContain('1. വൈദ്യുതി ഇല്ല');
    expect(channelWords('hi').types(types)).toContain('1. No power (individual)');
  });
});

describe('unlinking a Zalo or Messenger account', () => {
  it('takes "unlink" or the word of any language, however it is spaced, cased or accented', () => {
    for (const word of [
      'unlink',
      ' UNLINK ',
      'hủy liên kết',
      'Huỷ  liên kết',
      'отвязать',
      'Отвязать',
      'अनलिंक',
      'അൺലിങ്ക്',
    ])
      expect(isUnlinkWord(word), word).toBe(true);
    for (const word of ['link', 'unlink me', 'liên kết', '1', ''])
      expect(isUnlinkWord(word), word).toBe(false);
  });

  it('tells each reader the word of their own language', () => {
    for (const language of LANGUAGES) {
      const words = channelWords(language);
      expect(isUnlinkWord(words.link.word), language).toBe(true);
      expect(words.link.done('1154600000001', 'Zalo', words.link.word)).toContain(words.link.word);
    }
  });
});

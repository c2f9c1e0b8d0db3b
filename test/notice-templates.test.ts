import { quietUntil } from '../activities/notifications';
import { describe, expect, it } from 'vitest';
import { argumentsOf } from '../domain/messages';
import {
  LANGUAGES,
  NOTICE_MESSAGES,
  NOTICE_TEMPLATES,
  PHRASES,
  renderNotice,
  smsLength,
  TEMPLATE_IDS,
} from '../domain/notice-templates';

const sample = (name: string) =>
  /At$|By$|Date$|^etr$|^start$|^end$|^date$/.test(name)
    ? '2026-11-24T09:30:00.000Z'
    : name === 'waiting'
      ? '12'
      : `«${name}»`;

describe('notice templates', () => {
  it('has every notice the product sends', () => {
    expect(TEMPLATE_IDS).toEqual(
      expect.arrayContaining([
        'request-received',
        'documents-requested',
        'documents-reminder',
        'delay-notice',
        'escalation-alert',
        'request-completed',
        'feedback-request',
        'complaint-registered',
        'complaint-resolved',
        'emergency-alert',
        'outage-planned',
        'outage-emergency',
        'outage-etr-changed',
        'outage-restored',
        'disconnection-reminder',
        'payment-posted',
      ]),
    );
  });

  for (const id of TEMPLATE_IDS) {
    it(`${id}: every language has it, uses exactly the template's parameters and renders them all`, () => {
      const template = NOTICE_TEMPLATES[id];
      for (const language of LANGUAGES) {
        for (const part of ['subject', 'body'])
          expect(NOTICE_MESSAGES.has(language, `${id}.${part}`), `${id}.${part} in ${language}`).toBe(true);
        const used = new Set<string>();
        for (const part of ['subject', 'body'])
          for (const name of argumentsOf(
            NOTICE_MESSAGES.message(language, `${id}.${part}`).format.getAst(),
          ).keys())
            used.add(name.replace(/Given$/, ''));
        expect([...used].sort(), `${id}/${language} parameters`).toEqual([...template.params].sort());
        const params = Object.fromEntries(template.params.map((p) => [p, sample(p)]));
        const rendered = renderNotice(id, language, params);
        expect(rendered.body, `${id}/${language}`).not.toMatch(/[{}]|\[\[|\]\]/);
        expect(rendered.subject.length, `${id}/${language} subject`).toBeGreaterThan(3);
        for (const p of template.params.filter((p) => !/^(2026|\d)/.test(sample(p))))
          expect(`${rendered.subject} ${rendered.body}`, `${id}/${language} shows ${p}`).toContain(`«${p}»`);
      }
    });
  }

  it('has no message that is not a template, in any language', () => {
    for (const language of LANGUAGES)
      for (const key of NOTICE_MESSAGES.keys(language))
        expect(TEMPLATE_IDS, `${language}: ${key}`).toContain(key.split('.')[0]);
  });

  it('puts catalogue names, phrases, document kinds and an officer’s words in the reader’s language', () => {
    const ml = renderNotice('delay-notice', 'ml', {
      requestNumber: 'SR-2026-000001-4',
      service: { text: { en: 'Address change', ml: 'വിലാസം മാറ്റൽ' } },
      reason: { phrase: 'default-delay-reason' },
      newDate: '2026-11-24T09:30:00.000Z',
    });
    expect(ml.body).toContain('വിലാസം മാറ്റൽ');
    expect(ml.body).toContain(PHRASES.format('ml', 'default-delay-reason'));
    expect(ml.body.replace(/SR-2026-000001-4/, '')).not.toMatch(/[A-Za-z]/);
    // a name not translated falls back to English; an officer's words are passed on as typed, marked
    const hi = renderNotice('delay-notice', 'hi', {
      requestNumber: 'SR-2026-000001-4',
      service: { text: { en: 'Address change' } },
      reason: { officeWords: 'transformer work in your area' },
      newDate: '2026-11-24T09:30:00.000Z',
    });
    expect(hi.body).toContain('Address change');
    expect(hi.body).toContain('“transformer work in your area” (कार्यालय के शब्दों में)');
    const kinds = renderNotice('documents-reminder', 'ru', {
      requestNumber: 'SR-2026-000001-4',
      kinds: { documentKinds: ['identity', 'address'] },
      respondBy: '2026-11-24T09:30:00.000Z',
    });
    expect(kinds.body).toContain('документ, удостоверяющий личность и подтверждение адреса');
  });

  it('has every phrase in every language with the same arguments', () => {
    for (const language of LANGUAGES) {
      expect(PHRASES.keys(language).sort(), language).toEqual(PHRASES.keys('en').sort());
      for (const key of PHRASES.keys('en'))
        expect(
          [...argumentsOf(PHRASES.message(language, key).format.getAst()).keys()].sort(),
          `${language}: ${key}`,
        ).toEqual([...argumentsOf(PHRASES.message('en', key).format.getAst()).keys()].sort());
    }
  });

  it('says minutes with each language’s plural rules', () => {
    const params = Object.fromEntries(
      NOTICE_TEMPLATES['emergency-realert'].params.map((p) => [p, sample(p)]),
    );
    expect(renderNotice('emergency-realert', 'en', { ...params, waiting: '1' }).body).toContain(
      'after 1 minute ',
    );
    expect(renderNotice('emergency-realert', 'ru', { ...params, waiting: '5' }).body).toContain('5 минут ');
    expect(renderNotice('emergency-realert', 'ru', { ...params, waiting: '22' }).body).toContain(
      '22 минуты ',
    );
  });

  it('drops an optional section whose parameter is missing, and formats dates in the language', () => {
    const done = renderNotice('request-completed', 'en', {
      requestNumber: 'SR-2026-000001-4',
      service: 'Address change',
    });
    expect(done.body).toBe('The requested service — Address change — is processed (SR-2026-000001-4).');
    const received = renderNotice('request-received', 'ru', {
      requestNumber: 'SR-2026-000001-4',
      service: 'Смена адреса',
      dueAt: '2026-11-24T09:30:00.000Z',
    });
    expect(received.body).toContain('15:00'); // 09:30 UTC is 15:00 in India
  });
});

describe('SMS length', () => {
  it('counts GSM-7 septets, extension characters twice, and switches to UCS-2 for other scripts', () => {
    expect(smsLength('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsLength('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(smsLength('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsLength('അ'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsLength('अ'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    expect(smsLength('Request — received')).toMatchObject({ encoding: 'UCS-2' }); // the em dash is not GSM-7
  });
});

describe('quiet hours', () => {
  // India is UTC+05:30: 22:30 IST is 17:00 UTC.
  const at = (utc: string) => new Date(`2026-11-23T${utc}:00.000Z`);
  it('holds a non-urgent notice until the window ends, across midnight', () => {
    expect(quietUntil(at('17:00'), '21:00-08:00')?.toISOString()).toBe('2026-11-24T02:30:00.000Z'); // 08:00 IST
    expect(quietUntil(at('02:29'), '21:00-08:00')?.toISOString()).toBe('2026-11-23T02:30:00.000Z'); // 07:59 IST
    expect(quietUntil(at('06:30'), '21:00-08:00')).toBeUndefined(); // noon IST
    expect(quietUntil(at('02:30'), '21:00-08:00')).toBeUndefined(); // 08:00 IST sharp
    expect(quietUntil(at('08:00'), '13:00-14:00')?.toISOString()).toBe('2026-11-23T08:30:00.000Z');
  });
});

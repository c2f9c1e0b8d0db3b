import { describe, expect, it } from 'vitest';
import { portalMessages } from '../web/messages';
import { checkMessageFiles } from './helpers/message-files';

/** The portal's message files: every key in every language, every message valid ICU, real translations. */
describe('portal message files', () => {
  checkMessageFiles(portalMessages, 'messages/portal', [
    'preferences.sms',
    'preferences.whatsapp',
    'preferences.email',
    'preferences.post',
    'home.units',
  ]);

  it('formats dates and plurals in the reader’s language', () => {
    const due = '2026-12-01T06:30:00Z';
    expect(portalMessages.format('en', 'home.dueValue', { dueAt: due })).toBe('1 Dec 2026, 12:00 pm');
    expect(portalMessages.format('ml', 'home.dueValue', { dueAt: due })).toMatch(/ഡിസം/);
    expect(portalMessages.format('hi', 'home.dueValue', { dueAt: due })).toMatch(/दिस/);
    expect(portalMessages.format('ru', 'signIn.tooMany', { minutes: 3 })).toMatch(/3 минуты/);
    expect(portalMessages.format('ru', 'signIn.tooMany', { minutes: 5 })).toMatch(/5 минут /);
  });
});

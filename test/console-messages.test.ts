import { describe, expect, it } from 'vitest';
import { consoleMessages } from '../web/console/messages';
import { checkMessageFiles } from './helpers/message-files';

/** The console's message files: every key in every language, every message valid ICU, real translations. */
describe('console message files', () => {
  checkMessageFiles(consoleMessages, 'messages/console', [
    'document.size',
    'format.when',
    'layout.languageName',
    // Names of channels: the same brand words everywhere (Vietnamese writes "E-mail" too).
    'campaigns.channel-sms',
    'campaigns.channel-whatsapp',
    'campaigns.channel-email',
    'kpis.share',
    'kpis.channel-ivr',
    'kpis.channel-sms',
    'kpis.channel-whatsapp',
    'kpis.channel-email',
    'kpis.channel-zalo',
    'kpis.channel-messenger',
  ]);

  it('formats dates and plurals in the reader’s language', () => {
    const at = '2026-12-01T06:30:00Z';
    expect(consoleMessages.format('en', 'format.when', { at })).toBe('1 Dec 2026, 12:00 pm');
    expect(consoleMessages.format('ml', 'format.when', { at })).toMatch(/ഡിസം/);
    expect(consoleMessages.format('ru', 'layout.unread', { count: 3 })).toBe('3 непрочитанных оповещения');
    expect(consoleMessages.format('en', 'layout.unread', { count: 0 })).toBe('no unread alerts');
  });
});

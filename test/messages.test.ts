import { describe, expect, it } from 'vitest';
import { argumentsOf, MessageBook } from '../domain/messages';
import IntlMessageFormat from 'intl-messageformat';

const book = new MessageBook(
  'test',
  {
    en: {
      due: 'Due {dueAt, date, when}.',
      wait: 'After {n, plural, one {# minute} other {# minutes}}.',
      opt: 'Done.{commentGiven, select, yes { Comment: {comment}} other {}}',
      nested: { deep: 'Hello {name}' },
    },
    ru: { wait: 'Через {n, plural, one {# минуту} few {# минуты} many {# минут} other {# минуты}}.' },
    ml: {},
    hi: {},
    vi: {},
  },
  'en',
);

describe('message files (ICU MessageFormat)', () => {
  it('formats an instant in the reader’s zone, and leaves a value that is no instant as given', () => {
    expect(book.format('en', 'due', { dueAt: '2026-12-01T06:30:00Z' })).toBe('Due 1 Dec 2026, 12:00 pm.');
    expect(book.format('en', 'due', { dueAt: '2026-12-01T06:30:00Z' }, 'Asia/Ho_Chi_Minh')).toBe(
      'Due 1 Dec 2026, 1:30 pm.',
    );
    expect(book.format('en', 'due', { dueAt: 'soon' })).toBe('Due soon.');
  });
  it('uses each language’s plural rules', () => {
    expect(book.format('en', 'wait', { n: '1' })).toBe('After 1 minute.');
    expect(book.format('en', 'wait', { n: '12' })).toBe('After 12 minutes.');
    expect(book.format('ru', 'wait', { n: '1' })).toBe('Через 1 минуту.');
    expect(book.format('ru', 'wait', { n: '3' })).toBe('Через 3 минуты.');
    expect(book.format('ru', 'wait', { n: '12' })).toBe('Через 12 минут.');
  });
  it('drops an optional part when its value is not given', () => {
    expect(book.format('en', 'opt', { comment: 'slow' })).toBe('Done. Comment: slow');
    expect(book.format('en', 'opt', {})).toBe('Done.');
    expect(book.format('en', 'opt', { comment: '' })).toBe('Done.');
  });
  it('falls back to the fallback language for a missing key, and names nested keys with dots', () => {
    expect(book.format('ml', 'nested.deep', { name: 'Asha' })).toBe('Hello Asha');
    expect(book.has('ml', 'nested.deep')).toBe(false);
    expect(() => book.format('en', 'nope')).toThrow(/no message "nope"/);
  });
  it('tells which arguments a message uses and as what', () => {
    const ast = new IntlMessageFormat(
      '{a} {b, date, when} {c, plural, other {# {d}}} {eGiven, select, yes {{e}} other {}}',
      'en',
    ).getAst();
    expect(Object.fromEntries(argumentsOf(ast))).toEqual({
      a: 'text',
      b: 'date',
      c: 'number',
      d: 'text',
      eGiven: 'text',
      e: 'text',
    });
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRequestNumber, isValidRequestNumber } from '../domain/request-number';
import { verhoeffCheckDigit } from '../domain/verhoeff';
import { startTestStack, type TestStack } from './helpers/stack';

/**
 * The intake's one round trip is SQL (db/migrations/0019_complaint_intake.sql): its check digits
 * and Request Numbers must be the ones the TypeScript makes and checks.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ worker: false });
});
afterAll(async () => stack?.stop());

describe('the intake function', () => {
  it('computes the same Verhoeff check digit as domain/verhoeff.ts', async () => {
    const samples = Array.from({ length: 500 }, (_, i) =>
      String(Math.floor(Math.random() * 10 ** ((i % 15) + 1))).padStart((i % 15) + 1, '0'),
    );
    const rows = await stack.db.execute<{ d: string; c: number }>(
      sql`select d, seva_verhoeff_check(d) as c from jsonb_array_elements_text(${JSON.stringify(samples)}::jsonb) as d`,
    );
    for (const { d, c } of rows) expect(c, d).toBe(verhoeffCheckDigit(d));
  });

  it('formats Request Numbers as db/request-numbers.ts does, past six digits too', async () => {
    await stack.db.execute(
      sql`insert into request_counters (prefix, year, last) values ('CR', 2098, 41), ('CR', 2099, 999998)
          on conflict (prefix, year) do update set last = excluded.last`,
    );
    const next = async (year: number) =>
      (
        await stack.db.execute<{ rn: string }>(
          sql`select seva_next_request_number('CR', ${`${year}-06-30T23:00:00Z`}::timestamptz) as rn`,
        )
      )[0]!.rn;
    expect(await next(2098)).toBe(formatRequestNumber('CR', 2098, 42));
    expect(await next(2099)).toBe(formatRequestNumber('CR', 2099, 999999));
    const seven = await next(2099);
    expect(seven).toBe(formatRequestNumber('CR', 2099, 1_000_000));
    expect(isValidRequestNumber(seven)).toBe(true);
  });
});

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../db/client';

/** Migration 0017 on a database that already has bills: each becomes a bill posting, each paid one a payment too. */
const admin = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
const name = `seva_ledger_migration_${process.pid}`;
afterAll(async () => {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});

/** The migrations folder with only the migrations before `tag`'s. */
function migrationsBefore(tag: string) {
  const dir = mkdtempSync(join(tmpdir(), 'seva-migrations-'));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(
    0,
    journal.entries.findIndex((e) => e.tag === tag),
  );
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe('migration 0017_accounts_ledger', () => {
  it('turns the bills already there into postings', async () => {
    await admin.unsafe(`create database ${name}`);
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${name}`;
    const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      await migrate(drizzle(sql), { migrationsFolder: migrationsBefore('0017_accounts_ledger') });
      await sql`insert into offices (id, name, level, path) values ('sec-x', 'X', 'section', 'sec-x')`;
      await sql`insert into substations (id, name, office_id) values ('ss-x', 'X', 'sec-x')`;
      await sql`insert into feeders (id, name, substation_id) values ('fdr-x', 'X', 'ss-x')`;
      await sql`insert into transformers (id, name, feeder_id, section_office_id) values ('dtr-x', 'X', 'fdr-x', 'sec-x')`;
      await sql`insert into consumers (consumer_number, name, phone, address, section_office_id, transformer_id)
                values ('1999900000001', 'A', '+919000000001', 'here', 'sec-x', 'dtr-x')`;
      await sql`insert into bills (id, consumer_number, period, units_kwh, amount, due_date, paid) values
                ('b1', '1999900000001', '2026-08', 100, 700.50, '2026-08-28', true),
                ('b2', '1999900000001', '2026-09', 100, 300.25, '2026-09-28', false)`;
      await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
      const rows = await sql<{ kind: string; amount: string; bill_id: string; idempotency_key: string }[]>`
        select kind, amount, bill_id, idempotency_key from ledger_postings order by posted_at, id`;
      expect(rows.map((r) => [r.kind, r.amount, r.bill_id, r.idempotency_key])).toEqual([
        ['bill', '700.50', 'b1', 'bill/b1'],
        ['payment', '-700.50', 'b1', 'bill-paid/b1'],
        ['bill', '300.25', 'b2', 'bill/b2'],
      ]);
    } finally {
      await sql.end();
    }
  });
});

import postgres from 'postgres';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { migrateDatabase } from '../db/client';

/** Two processes starting at once (two APIs, an API and `npm run migrate`) on a fresh database. */
describe('migrations', () => {
  const name = `migrate_race_${process.pid}`;
  const admin = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  const url = inject('databaseUrl').replace(/\/[^/]+$/, `/${name}`);
  afterAll(async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('take turns under an advisory lock: both succeed, and the tables exist once', async () => {
    await admin.unsafe(`create database ${name}`);
    const seen: string[] = [];
    await Promise.all(
      ['first', 'second'].map((who) =>
        migrateDatabase(url, async () => {
          seen.push(`${who} in`);
          await new Promise((r) => setTimeout(r, 200));
          seen.push(`${who} out`);
        }),
      ),
    );
    // One after the other, never interleaved.
    expect(seen[0]!.split(' ')[0]).toBe(seen[1]!.split(' ')[0]);
    const db = postgres(url, { max: 1, onnotice: () => {} });
    const [row] = await db<
      { count: number }[]
    >`select count(*)::int as count from drizzle.__drizzle_migrations`;
    expect(row!.count).toBeGreaterThan(10);
    await db.end();
  });
});

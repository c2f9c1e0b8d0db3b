import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema';

export type Database = ReturnType<typeof createDatabase>['db'];

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** One pool per process; the caller owns it and must `close()` it. */
export function createDatabase(url: string, options: { max?: number } = {}) {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connect_timeout: 5,
  });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

/** Any number: what matters is that every Seva process takes the same one. */
const MIGRATION_LOCK = 0x5e7a_0001;

/**
 * Applies the migrations, then `andThen` (catalogue, demo data), while holding a session-level
 * PostgreSQL advisory lock on a single connection: two processes starting at once (two APIs, an
 * API and `npm run migrate`) take turns, and the second finds nothing left to do. drizzle's
 * migrator takes no lock of its own.
 */
export async function migrateDatabase(
  url: string,
  andThen?: (db: Database) => Promise<unknown>,
): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
      if (andThen) await andThen(drizzle(sql, { schema }));
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

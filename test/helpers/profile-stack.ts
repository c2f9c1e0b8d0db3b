import postgres from 'postgres';
import { inject } from 'vitest';
import { syncCatalogue } from '../../db/catalogue';
import { migrateDatabase } from '../../db/client';
import { utilityProfile, type TProfileId } from '../../domain/utility-profile';
import { loadDemoData } from '../../scripts/lib/demo-data';
import { registerNamespace } from '../../scripts/lib/temporal-server';
import { startTestStack } from './stack';

/**
 * A stack serving another utility profile than the shared one: its own database on the shared
 * PostgreSQL (its demo data would otherwise meet KSEB's) and its own Temporal namespace on the
 * shared server (Request Numbers are workflow ids, and its own database issues them afresh).
 * One profile per test file: `loadConfig` installs the profile for the whole process.
 */
export async function startProfileStack(id: TProfileId, options: { env?: Record<string, string> } = {}) {
  const shared = inject('databaseUrl');
  const name = `seva_${id.replace(/-/g, '_')}`;
  const admin = postgres(shared, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
    if (!exists) await admin.unsafe(`create database ${name}`).catch(() => undefined); // another file may race
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(shared);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString(), async (db) => {
    await syncCatalogue(db, undefined, id);
    await loadDemoData(db, utilityProfile(id));
  });
  const namespace = `seva-${id}`;
  await registerNamespace({ address: inject('temporalAddress'), namespace, retentionDays: 1, log: () => {} });
  return startTestStack({
    env: {
      UTILITY_PROFILE: id,
      DATABASE_URL: url.toString(),
      TEMPORAL_NAMESPACE: namespace,
      // The journeys converse over WhatsApp's webhook whatever channels the profile offers
      // (which channels each profile enables is config.test's).
      CHANNELS_ENABLED: 'sms,whatsapp,ivr,email,zalo,messenger',
      ...options.env,
    },
  });
}

/** A quiet window that cannot hold the next hours, in a zone at this offset (so notices leave at once). */
export function awayFromQuietHours(offsetMinutes: number): string {
  const local = new Date(Date.now() + offsetMinutes * 60_000);
  const hh = (h: number) => String((local.getUTCHours() + h) % 24).padStart(2, '0');
  return `${hh(8)}:00-${hh(9)}:00`;
}

/** An instant's local hour and minute ("9:05" and "09:05" forms both end in ":05") and day of month, at an offset. */
export function localClock(at: Date, offsetMinutes: number) {
  const local = new Date(at.getTime() + offsetMinutes * 60_000);
  return {
    hhmm: `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`,
    day: local.getUTCDate(),
  };
}

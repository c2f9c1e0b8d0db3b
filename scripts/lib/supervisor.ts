import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { assertPortFree } from './ports';
import { withParentDeathSignal } from './pdeathsig';

/**
 * Keeps the parts of a local stack running: each part is started by a function that resolves once
 * it is ready; when it ends without being asked to, it is started again after a backoff (1 s,
 * 2 s, 4 s … 30 s; back to 1 s once a run has lasted a minute), every time logged. Used by
 * `npm start` (Temporal dev server, PostgreSQL, worker, API) and `npm run stack:production`.
 */

/** One run of a part: how it ends, and how to end it. */
export type Running = { pid?: number; exited: Promise<string>; stop: () => Promise<void> };

type Log = {
  info: (obj: object, message: string) => void;
  warn: (obj: object, message: string) => void;
  error: (obj: object, message: string) => void;
};

export type Supervised = {
  name: string;
  /** the pid of the current run, if it is a process of its own */
  pid: () => number | undefined;
  restarts: () => number;
  stop: () => Promise<void>;
};

export type Backoff = { initialMs: number; maxMs: number; resetAfterMs: number };
const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

/** Starts `name` (a failure of the first start is thrown: nothing runs half-configured) and keeps it running. */
export async function supervise(options: {
  name: string;
  /** `signal` aborts a start in flight when the stack is stopped while the part restarts */
  start: (signal: AbortSignal) => Promise<Running>;
  log: Log;
  backoff?: Partial<Backoff>;
  /** called after each restart, e.g. to tell dependants */
  onRestart?: (run: Running) => void;
}): Promise<Supervised> {
  const { name, log } = options;
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  const stopped = new AbortController();
  let current: Running | undefined = await options.start(stopped.signal);
  let stopping = false;
  let restarts = 0;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolvePause) => {
      const timer = setTimeout(resolvePause, ms);
      wake = () => {
        clearTimeout(timer);
        resolvePause();
      };
    });

  const loop = (async () => {
    let delay = backoff.initialMs;
    let startedAt = Date.now();
    while (current) {
      const how = await current.exited;
      if (stopping) return;
      current = undefined;
      const ranMs = Date.now() - startedAt;
      if (ranMs >= backoff.resetAfterMs) delay = backoff.initialMs;
      log.warn(
        { part: name, how, ranMs, restartInMs: delay },
        `${name} ended unexpectedly (${how}); restarting in ${delay / 1000}s`,
      );
      for (;;) {
        await pause(delay);
        if (stopping) return;
        delay = Math.min(delay * 2, backoff.maxMs);
        const attemptAt = Date.now();
        try {
          current = await options.start(stopped.signal);
          // Stopped while it came up: this run is nobody's to stop but ours.
          if (stopping) {
            const late = current;
            current = undefined;
            await late.stop();
            return;
          }
          startedAt = Date.now();
          restarts += 1;
          log.info(
            { part: name, pid: current.pid, restarts, tookMs: startedAt - attemptAt },
            `${name} restarted${current.pid ? ` (pid ${current.pid})` : ''}`,
          );
          options.onRestart?.(current);
          break;
        } catch (error) {
          if (stopping) return;
          log.error(
            { part: name, err: error, restartInMs: delay },
            `${name} did not start; trying again in ${delay / 1000}s`,
          );
        }
      }
    }
  })();

  return {
    name,
    pid: () => current?.pid,
    restarts: () => restarts,
    stop: async () => {
      stopping = true;
      stopped.abort();
      wake?.();
      const run = current;
      current = undefined;
      await run?.stop();
      await loop;
    },
  };
}

const scriptPath = (name: string) => fileURLToPath(new URL(`../${name}`, import.meta.url));

/**
 * One run of a Seva process (`scripts/worker.ts`, `scripts/api.ts`) as a child: Node with the tsx
 * loader, in its own process group (a terminal's Ctrl-C reaches only the supervisor, which stops
 * children in order), output shared with the supervisor's, a parent-death signal, and ready when
 * it says so over the IPC channel (`process.send({ ready: true })`).
 */
export function startNodeChild(options: {
  script: 'worker.ts' | 'api.ts';
  env: NodeJS.ProcessEnv;
  /** Node and V8 flags for the child (a worker's young-generation size) */
  nodeFlags?: string[];
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** aborted before it is ready: the child is stopped and the start rejected */
  signal?: AbortSignal;
}): Promise<Running> {
  const [command, args] = withParentDeathSignal(process.execPath, [
    ...(options.nodeFlags ?? []),
    '--import',
    'tsx',
    scriptPath(options.script),
  ]);
  const child = spawn(command, args, {
    env: options.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  const exited = new Promise<string>((resolveExited) =>
    child.once('exit', (code, signal) => resolveExited(signal ? `killed by ${signal}` : `exit code ${code}`)),
  );
  // Whatever way the supervisor ends, the child goes with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 30_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise<Running>((resolveReady, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${options.script} was not ready within ${(options.readyTimeoutMs ?? 180_000) / 1000}s`),
      );
    }, options.readyTimeoutMs ?? 180_000);
    const abort = () => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`${options.script} was stopped before it was ready`));
    };
    if (options.signal?.aborted) return abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    child.on('message', (message: { ready?: boolean }) => {
      if (!message.ready) return;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      resolveReady({ pid: child.pid, exited, stop });
    });
    void exited.then((how) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      reject(new Error(`${options.script} ended before it was ready (${how})`));
    });
  });
}

/**
 * One run of a program that is not ours (the Temporal server, the UI server): its own process
 * group and a parent-death signal like the Seva children, its output to `onLog` (the last lines
 * kept for the error when it does not come up), and ready when `ready()` first resolves true.
 */
export function startProgram(options: {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  onLog?: (line: string) => void;
  /** aborted before it is ready: the program is stopped and the start rejected */
  signal?: AbortSignal;
}): Promise<Running> {
  const child = spawn(...withParentDeathSignal(options.command, options.args), {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-4000);
    for (const line of text.split('\n').filter(Boolean)) options.onLog?.(line);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let how: string | undefined;
  const exited = new Promise<string>((resolveExited) =>
    child.once('exit', (code, signal) => {
      how = signal ? `killed by ${signal}` : `exit code ${code}`;
      resolveExited(how);
    }),
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const stop = async () => {
    if (how) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 20_000);
    await exited;
    clearTimeout(timer);
  };
  return (async () => {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
    for (;;) {
      if (how) throw new Error(`${options.name} ended before it was ready (${how}):\n${output}`);
      if (options.signal?.aborted) {
        await stop();
        throw new Error(`${options.name} was stopped before it was ready`);
      }
      if (await options.ready().catch(() => false)) return { pid: child.pid, exited, stop };
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${options.name} was not ready in time:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
}

/** What a stack started, stopped in reverse order (the API first, PostgreSQL last), each logged. */
export function cleanupList(log: Log) {
  const list: { name: string; run: () => Promise<unknown> }[] = [];
  return {
    add: (name: string, run: () => Promise<unknown>) => void list.push({ name, run }),
    runAll: async () => {
      for (const cleanup of list.reverse()) {
        try {
          await cleanup.run();
          log.info({}, `stopped ${cleanup.name}`);
        } catch (error) {
          log.warn({ err: error }, `failed to stop ${cleanup.name}`);
        }
      }
    },
  };
}

/**
 * DATABASE_URL, or else the embedded PostgreSQL in `dir` on EMBEDDED_POSTGRES_PORT, supervised:
 * restarted on the same data when it crashes, and added to `cleanups`.
 */
export async function databaseForStack(options: {
  config: Pick<Config, 'database'>;
  dir: string;
  log: Log & { debug: (obj: object) => void };
  cleanups: ReturnType<typeof cleanupList>;
}): Promise<string> {
  const { config, log } = options;
  if (config.database.url) return config.database.url;
  await assertPortFree(config.database.embeddedPort, 'embedded PostgreSQL', 'EMBEDDED_POSTGRES_PORT');
  log.info({}, 'starting embedded PostgreSQL (the first start runs initdb)');
  let url = '';
  const postgres = await supervise({
    name: 'PostgreSQL',
    log,
    start: async () => {
      const pg = await startEmbeddedPostgres({
        dir: options.dir,
        port: config.database.embeddedPort,
        onLog: (line) => log.debug({ postgres: line }),
      });
      url = pg.url;
      return { pid: pg.pid, exited: pg.exited, stop: pg.stop };
    },
  });
  options.cleanups.add('PostgreSQL', postgres.stop);
  return url;
}

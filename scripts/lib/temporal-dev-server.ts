import { spawn, type ChildProcess, type SpawnOptionsWithStdioTuple } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_FLAGS } from '../../domain/search-attributes';
import { withParentDeathSignal } from './pdeathsig';

export type DevServerOptions = {
  cliPath: string;
  port: number;
  /** undefined → headless (tests) */
  uiPort?: number;
  /** undefined → in-memory (tests); a path → state survives restarts */
  dbFile?: string;
  namespace?: string;
  uiCodecEndpoint?: string;
  /** written with the server's pid at spawn, removed when it exits (lets the next start find an orphan) */
  pidFile?: string;
  /** its own process group: a terminal's Ctrl-C reaches only the supervisor, which stops it in order */
  detached?: boolean;
  onLog?: (line: string) => void;
};

export type DevServer = {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  /** settles when the server process ends, saying how */
  exited: Promise<string>;
  stop: () => Promise<void>;
};

/** Runs `temporal server start-dev` with Seva's search attributes and waits until it answers gRPC. */
export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--log-level',
    'warn',
  ];
  if (options.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=WAL');
  }
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  for (const flag of SEARCH_ATTRIBUTE_FLAGS) args.push('--search-attribute', flag);

  const spawnOptions: SpawnOptionsWithStdioTuple<'ignore', 'pipe', 'pipe'> = {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  };
  const child = spawn(...withParentDeathSignal(options.cliPath, args), spawnOptions);
  const { pidFile } = options;
  if (pidFile && child.pid) writeFileSync(pidFile, `${child.pid}\n`);
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-4000);
    for (const line of text.split('\n').filter(Boolean)) options.onLog?.(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited: number | null | undefined;
  // Never leave an orphaned server behind, whatever way this process ends.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const ended = new Promise<string>((resolveEnded) =>
    child.on('exit', (code, signal) => {
      exited = code;
      process.off('exit', killOnExit);
      if (pidFile) rmSync(pidFile, { force: true });
      resolveEnded(signal ? `killed by ${signal}` : `exit code ${code}`);
    }),
  );

  const address = `127.0.0.1:${options.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`temporal server exited with ${exited}:\n${output}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.healthService.check({});
        await connection.workflowService.describeNamespace({ namespace: options.namespace ?? 'default' });
      } finally {
        await connection.close();
      }
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `temporal server did not become ready on ${address}: ${(error as Error).message}\n${output}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const stop = async () => {
    if (exited !== undefined) return;
    const done = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  };
  return {
    address,
    uiUrl: options.uiPort === undefined ? undefined : `http://127.0.0.1:${options.uiPort}`,
    process: child,
    exited: ended,
    stop,
  };
}

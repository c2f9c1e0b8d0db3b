import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

type Log = (message: string) => void;

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function onPath(name: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

/**
 * Finds the `temporal` CLI: TEMPORAL_CLI → `temporal` on PATH → .tools/bin/temporal → build it with
 * Go (`go install …@v1.5.1`) → the SDK's own downloader (needs internet). No npm/Debian package ships it.
 */
export async function resolveTemporalCli(options: {
  configured?: string;
  toolsDir: string;
  log: Log;
}): Promise<string> {
  const { configured, log } = options;
  const toolsDir = resolve(options.toolsDir);
  if (configured) {
    if (!isExecutable(configured)) throw new Error(`TEMPORAL_CLI=${configured} is not an executable file`);
    return configured;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;
  const local = join(toolsDir, 'bin', 'temporal');
  if (isExecutable(local)) return local;

  if (onPath('go')) {
    await buildWithGo(toolsDir, log);
    if (isExecutable(local)) return local;
    throw new Error(`go install finished but ${local} is missing`);
  }
  log(
    'Go is not installed; trying the Temporal SDK downloader (needs internet access to temporal.download)…',
  );
  return downloadWithSdk(toolsDir, log);
}

async function buildWithGo(toolsDir: string, log: Log): Promise<void> {
  await goInstall({
    module: TEMPORAL_CLI_MODULE,
    what: 'the Temporal CLI',
    gobin: join(toolsDir, 'bin'),
    log,
  });
}

/**
 * `go install module@version` into `gobin`, with progress every 30 s (builds take minutes).
 * Also builds the Temporal server, its SQL tool and the UI server (scripts/lib/temporal-server-tools.ts).
 */
export async function goInstall(options: { module: string; what: string; gobin: string; log: Log }) {
  const { module, what, gobin, log } = options;
  mkdirSync(gobin, { recursive: true });
  log(`Building ${what} from source (${module}). First time only: it takes minutes on 2 cores.`);
  const started = Date.now();
  const ticker = setInterval(
    () => log(`  …still building ${what} (${Math.round((Date.now() - started) / 1000)}s)`),
    30_000,
  );
  try {
    await new Promise<void>((resolvePromise, reject) => {
      const child = spawn('go', ['install', module], {
        // eslint-disable-next-line no-restricted-properties -- passing the environment through to go, not reading config
        env: { ...process.env, GOBIN: gobin, GOFLAGS: '-mod=mod' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolvePromise() : reject(new Error(`go install ${module} exited with ${code}`)),
      );
    });
  } finally {
    clearInterval(ticker);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  log(`${what} built in ${seconds}s → ${gobin}`);
  return seconds;
}

async function downloadWithSdk(toolsDir: string, log: Log): Promise<string> {
  const downloadDir = join(toolsDir, 'download');
  mkdirSync(downloadDir, { recursive: true });
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  // Starting (and stopping) an ephemeral server is the SDK's only public path to its download cache.
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir } },
  });
  await env.teardown();
  const found = findFile(downloadDir, (name) => name === 'temporal' || name.startsWith('temporal-'));
  if (!found) throw new Error(`the SDK downloader left no temporal binary in ${downloadDir}`);
  log(`Downloaded the Temporal CLI → ${found}`);
  return found;
}

function findFile(dir: string, match: (name: string) => boolean): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = findFile(path, match);
      if (inner) return inner;
    } else if (match(entry.name) && isExecutable(path)) {
      return path;
    }
  }
  return undefined;
}

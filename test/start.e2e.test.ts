import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { processArgv, stopLeftovers } from '../scripts/lib/leftovers';
import { assertPortFree, freePort } from '../scripts/lib/ports';

/**
 * `npm start` as a user runs it (the real script, its own Temporal dev server and PostgreSQL on
 * free ports and a data dir of its own), killed with SIGKILL and started again.
 */
const dirs: string[] = [];
const pids = new Set<number>();

afterAll(async () => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of dirs) {
    await stopLeftovers({ dataDir: dir, temporal: true, postgres: true }).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
});

function tempDataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'seva-start-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach its data dir
  dirs.push(dir);
  return dir;
}

type Started = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

/** `npm start`'s own process (node running scripts/start.ts), resolved once it prints "Seva is up". */
async function start(env: Record<string, string>): Promise<Started> {
  // A clean environment: nothing of the test run's own (TEMPORAL_ADDRESS, DATABASE_URL…) leaks in.
  const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { PATH, HOME: tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  pids.add(child.pid!);
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const up = await Promise.race([
    (async () => {
      while (!output.includes('Seva is up')) await new Promise((r) => setTimeout(r, 200));
      return true;
    })(),
    exited.then(() => false),
  ]);
  if (!up) throw new Error(`npm start did not come up:\n${output.slice(-3000)}`);
  return { child, output: () => output, exited };
}

function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return (
          readFileSync(`/proc/${d}/stat`, 'utf8')
            .replace(/^.*\)\s+/, '')
            .split(' ')[1] === String(pid)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

const devServerOf = (startPid: number) => {
  const pid = childrenOf(startPid).find((p) => processArgv(p)?.includes('start-dev'));
  if (!pid) throw new Error(`no Temporal dev server under pid ${startPid}`);
  return { pid, argv: processArgv(pid)! };
};

/** The `scripts/worker.ts` / `scripts/api.ts` child of `npm start`. */
const sevaChildOf = (startPid: number, script: 'worker.ts' | 'api.ts') =>
  childrenOf(startPid).find((p) => processArgv(p)?.some((a) => a.endsWith(`scripts/${script}`)));

const postmasterPid = (dataDir: string) =>
  Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);

async function gone(pid: number, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (processArgv(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return processArgv(pid) === undefined;
}

describe('npm start', () => {
  it('gives the Temporal UI a per-start codec secret, not a bearer token, restarts a crashed worker, and recovers from kill -9', async () => {
    const dataDir = tempDataDir();
    const [port, devPort, uiPort, pgPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const env = {
      NODE_ENV: 'development',
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'info',
      DEMO_DATA: 'false',
      DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_UI_PORT: String(uiPort),
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      TEMPORAL_CLI: inject('temporalCliPath'),
    };
    const api = `http://127.0.0.1:${port}`;

    const first = await start(env);
    // It prints the URLs it really uses.
    expect(first.output()).toContain(`API              ${api}`);
    expect(first.output()).toContain(`http://127.0.0.1:${uiPort}`);

    // The dev server's command line (anyone can read it in `ps`) holds no JWT, only the codec secret.
    const server1 = devServerOf(first.child.pid!);
    pids.add(server1.pid);
    const commandLine = server1.argv.join(' ');
    expect(commandLine).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    const codecUrl = server1.argv[server1.argv.indexOf('--ui-codec-endpoint') + 1]!;
    expect(codecUrl.startsWith(`${api}/codec/ui/`)).toBe(true);
    const secret1 = codecUrl.slice(`${api}/codec/ui/`.length);
    const decoded = await fetch(`${codecUrl}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(decoded.status).toBe(200);
    const asBearer = await fetch(`${api}/v1/complaints`, { headers: { authorization: `Bearer ${secret1}` } });
    expect(asBearer.status).toBe(401);

    // The worker and the API are processes of their own, supervised: a worker killed with
    // SIGKILL is started again (after a 1 s backoff) and says so.
    const worker1 = sevaChildOf(first.child.pid!, 'worker.ts')!;
    const api1 = sevaChildOf(first.child.pid!, 'api.ts')!;
    expect(worker1).toBeDefined();
    expect(api1).toBeDefined();
    expect(first.output()).toContain(`Processes        API ${api1}, worker ${worker1}`);
    process.kill(worker1, 'SIGKILL');
    const killedAt = Date.now();
    while (!/worker restarted \(pid \d+\)/.test(first.output()) && Date.now() - killedAt < 60_000)
      await new Promise((r) => setTimeout(r, 200));
    expect(first.output()).toMatch(/worker ended unexpectedly \(killed by SIGKILL\); restarting in 1s/);
    const worker2 = sevaChildOf(first.child.pid!, 'worker.ts');
    expect(worker2).toBeDefined();
    expect(worker2).not.toBe(worker1);
    pids.add(worker2!);
    expect((await fetch(`${api}/readyz`)).status).toBe(200);

    // Crash: SIGKILL runs no handler. The dev server, the worker and the API die with it
    // (parent-death signal); PostgreSQL is left behind as an orphan still holding its port.
    const pg1 = postmasterPid(dataDir);
    pids.add(pg1);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await gone(server1.pid)).toBe(true);
    expect(await gone(worker2!)).toBe(true);
    expect(await gone(api1)).toBe(true);
    expect(processArgv(pg1)).toBeDefined();

    // The next start on the same ports and data dir stops the leftover and comes up.
    const second = await start(env);
    expect(second.output()).toMatch(/stopped PostgreSQL \(pid \d+\), left running by an earlier start/);
    expect(processArgv(pg1)).toBeUndefined();
    const server2 = devServerOf(second.child.pid!);
    pids.add(server2.pid);
    const secret2 = server2.argv[server2.argv.indexOf('--ui-codec-endpoint') + 1]!.slice(
      `${api}/codec/ui/`.length,
    );
    expect(secret2).not.toBe(secret1); // rotated at each start
    const oldSecret = await fetch(`${api}/codec/ui/${secret1}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payloads: [] }),
    });
    expect(oldSecret.status).toBe(401);

    // A clean stop frees every port and removes the pid files.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    for (const p of [port, devPort, uiPort, pgPort])
      await expect(assertPortFree(p, 'x', 'X')).resolves.toBe(undefined);
    expect(existsSync(join(dataDir, 'seva.pid'))).toBe(false);
    expect(existsSync(join(dataDir, 'temporal.pid'))).toBe(false);
  }, 300_000);
});

describe('stopLeftovers', () => {
  it('stops an orphaned dev server on this data dir, but never a process that reused a pid', async () => {
    const dataDir = tempDataDir();
    // An unrelated process whose pid the pid files happen to name.
    const unrelated = spawn('sleep', ['60'], { stdio: 'ignore' });
    pids.add(unrelated.pid!);
    mkdirSync(join(dataDir, 'postgres'));
    writeFileSync(join(dataDir, 'temporal.pid'), `${unrelated.pid}\n`);
    writeFileSync(
      join(dataDir, 'postgres', 'postmaster.pid'),
      `${unrelated.pid}\n${join(dataDir, 'postgres')}\n`,
    );
    expect(await stopLeftovers({ dataDir, temporal: true, postgres: true })).toEqual([]);
    expect(processArgv(unrelated.pid!)).toEqual(['sleep', '60']);

    // A dev server on another data dir is not ours either; one on this data dir is.
    const other = tempDataDir();
    const orphan = async (dir: string) =>
      spawn(
        inject('temporalCliPath'),
        [
          'server',
          'start-dev',
          '--headless',
          '--port',
          String(await freePort()),
          '--db-filename',
          join(dir, 'temporal.db'),
        ],
        { stdio: 'ignore', detached: true },
      );
    const foreign = await orphan(other);
    const ours = await orphan(dataDir);
    pids.add(foreign.pid!);
    pids.add(ours.pid!);
    writeFileSync(join(dataDir, 'temporal.pid'), `${foreign.pid}\n`);
    expect(await stopLeftovers({ dataDir, temporal: true, postgres: false })).toEqual([]);
    expect(processArgv(foreign.pid!)).toBeDefined();
    writeFileSync(join(dataDir, 'temporal.pid'), `${ours.pid}\n`);
    expect(await stopLeftovers({ dataDir, temporal: true, postgres: false })).toEqual([
      `Temporal dev server (pid ${ours.pid})`,
    ]);
    expect(await gone(ours.pid!)).toBe(true);
    expect(processArgv(foreign.pid!)).toBeDefined();
  });

  it('refuses to start beside a live start on the same data dir', async () => {
    const dataDir = tempDataDir();
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'scripts/start.ts'], {
      stdio: 'ignore',
    });
    pids.add(live.pid!);
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(join(dataDir, 'seva.pid'), `${live.pid}\n`);
    await expect(stopLeftovers({ dataDir, temporal: true, postgres: true })).rejects.toThrow(
      new RegExp(`already running on .* \\(pid ${live.pid}\\)`),
    );
    live.kill('SIGKILL');
  });
});

/**
 * `npm run bench -- --scenario open-requests [--n 1000]`: what open requests cost a worker.
 * A worker runs alone in a child process (scripts/lib/bench-worker.ts); N workflows — half
 * service requests, half complaints — are started and left waiting on their turnaround timers
 * (as many as the worker's cache holds stay cached); the child's
 * resident memory (VmRSS) is read before and after, and the difference per cached workflow is
 * printed. Then the worker is killed and a new one started: the workflows are replayed on demand
 * (a query to each) and the timers of a short-TAT sample still fire.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import proto from '@temporalio/proto';
import { count, eq, inArray, sql } from 'drizzle-orm';
import { loadConfig } from '../config';
import { syncCatalogue } from '../db/catalogue';
import { createDatabase, migrateDatabase } from '../db/client';
import { complaints, consumers, offices, serviceRequests } from '../db/schema';
import { SERVICE_CATALOGUE } from '../domain/catalogue';
import type { TServiceRequestInput } from '../domain/service-request';
import { withBuiltInTranslations } from '../domain/built-in-translations';
import { ALWAYS_OPEN } from '../domain/calendar';
import { complaintStatusQuery, type TComplaintInput } from '../domain/complaint';
import { COMPLAINT_CATALOGUE } from '../domain/complaint-catalogue';
import { escalationOffices } from '../domain/offices';
import { connectClient } from '../lib/temporal';
import { bundleWorkflows } from '../worker/create-worker';
import { loadDemoData } from './lib/demo-data';
import { startEmbeddedPostgres } from './lib/embedded-postgres';
import { freePort } from './lib/ports';
import { resolveTemporalCli } from './lib/temporal-cli';
import { startTemporalDevServer } from './lib/temporal-dev-server';
import { mallocArenaEnv } from './lib/seva-children';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
    /** the worker's workflow cache; default: WORKER_MAX_CACHED_WORKFLOWS (what `npm run worker` uses) */
    cache: { type: 'string' },
    /** the worker's V8 young generation, MB per semi-space (node --max-semi-space-size); default: WORKER_SEMI_SPACE_MB; 0: V8's own */
    'semi-space': { type: 'string' },
    scenario: { type: 'string' },
    /** every one of the N open items has a TAT that ends after the restart, and all must fire */
    'fire-all': { type: 'boolean', default: false },
    /** with --fire-all: seconds from the first start to the moment every TAT ends (default 90 + N × 0.08) */
    'fire-in': { type: 'string' },
    /** a heap snapshot of the workflow thread with the N open, written to this file */
    snapshot: { type: 'string' },
    arenas: { type: 'string' },
  },
  strict: false,
});
const N = Math.max(50, Number(args.n));
const CONCURRENCY = Math.max(1, Number(args.concurrency));
const say = (m: string) => console.log(`[bench:open-requests] ${m}`);
const rssOf = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
};
type WorkerMemory = NodeJS.MemoryUsage & {
  cached: number;
  threadHeapUsed: number;
  threadHeapTotal: number;
  threadExternal: number;
  threadMalloced: number;
};
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) await task(i);
    }),
  );
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'seva-bench-open-'));
  chmodSync(tmp, 0o755);
  const cliPath = await resolveTemporalCli({
    configured: loadConfig().temporal.cliPath, // TEMPORAL_CLI, honoured
    toolsDir: '.tools',
    log: say,
  });
  const [temporal, postgres] = await Promise.all([
    freePort().then((port) => startTemporalDevServer({ cliPath, port })),
    freePort().then((port) => startEmbeddedPostgres({ dir: join(tmp, 'pg'), port, persistent: false })),
  ]);
  const env = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: temporal.address,
    DATABASE_URL: postgres.url,
    TEMPORAL_TASK_QUEUE: 'bench-open',
    DATA_DIR: join(tmp, 'data'),
  };
  const config = loadConfig(env);
  const cacheSize = Number(args.cache ?? config.worker.maxCachedWorkflows);
  const semiSpace = Number(args['semi-space'] ?? config.worker.semiSpaceMb);
  /** glibc's malloc arenas in the worker (--arenas N; 0: glibc's own) */
  const arenas = Number(args.arenas ?? config.worker.mallocArenaMax);
  // eslint-disable-next-line no-restricted-properties -- the worker inherits this environment, as a launched one would
  const workerEnv = { ...process.env, ...mallocArenaEnv(arenas, process.env) };
  await migrateDatabase(postgres.url);
  const database = createDatabase(postgres.url, { max: 10 });
  const { db } = database;
  await loadDemoData(db);
  await syncCatalogue(db);
  const client = await connectClient(config);

  // Built once here, as `npm start` does for its workers: the worker process loads the file.
  const bundlePath = join(tmp, 'workflow-bundle.js');
  writeFileSync(bundlePath, (await bundleWorkflows()).code);
  const startWorker = async () => {
    const child = fork(
      fileURLToPath(new URL('./lib/bench-worker.ts', import.meta.url)),
      [JSON.stringify(env), String(cacheSize), bundlePath],
      {
        execArgv: [...(semiSpace ? [`--max-semi-space-size=${semiSpace}`] : []), '--import', 'tsx'],
        env: workerEnv,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const ready = await new Promise<{ bundleBytes: number }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { bundleBytes: number }));
      child.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
    });
    return { child, ...ready };
  };
  const stop = (child: ChildProcess, signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });

  const people = await db
    .select({ consumerNumber: consumers.consumerNumber, officeId: offices.id, path: offices.path })
    .from(consumers)
    .innerJoin(offices, eq(offices.id, consumers.sectionOfficeId));
  const type = withBuiltInTranslations(COMPLAINT_CATALOGUE.find((t) => t.code === 'low-voltage')!);
  const input = (i: number, tat = type.tat): TComplaintInput => {
    const who = people[i % people.length]!;
    return {
      requestNumber: `CR-BENCH-${String(i).padStart(6, '0')}`,
      type: { ...type, tat, calendar: '24x7' },
      consumerNumber: who.consumerNumber,
      officeId: who.officeId,
      officePath: who.path,
      calendar: ALWAYS_OPEN,
      channel: 'agent',
      description: 'lights dim every evening',
      submittedBy: 'bench',
      submittedAt: new Date().toISOString(),
      escalationOffices: escalationOffices(who.path, type.escalation),
    };
  };
  const srType = withBuiltInTranslations(SERVICE_CATALOGUE.find((t) => t.code === 'meter-shifting')!);
  const request = (i: number, tat?: string): TServiceRequestInput => {
    const who = people[i % people.length]!;
    return {
      requestNumber: `SR-BENCH-${String(i).padStart(6, '0')}`,
      type: tat ? { ...srType, tat } : srType,
      consumerNumber: who.consumerNumber,
      officeId: who.officeId,
      officePath: who.path,
      escalationOffices: escalationOffices(who.path, srType.escalation),
      calendar: ALWAYS_OPEN,
      form: { newLocation: 'Beside the front gate' },
      documents: [],
      channel: 'web',
      submittedBy: 'bench',
      submittedAt: new Date().toISOString(),
    };
  };
  // --fire-all: each TAT is set, at its start, to end at one moment after the restart.
  const fireAll = Boolean(args['fire-all']);
  const fireInMs = 1000 * Number(args['fire-in'] ?? 90 + N * 0.08);
  let fireAt = 0;
  const tatToFireAt = () =>
    fireAll ? `${Math.max(30, Math.ceil((fireAt - Date.now()) / 1000))}s` : undefined;
  const startAll = (from: number, n: number, tat?: string) =>
    pool(n, CONCURRENCY, async (k) => {
      const i = from + k;
      await client.workflow.start('complaintWorkflow', {
        workflowId: `CR-BENCH-${String(i).padStart(6, '0')}`,
        taskQueue: config.temporal.taskQueue,
        args: [input(i, tat ?? tatToFireAt())],
      });
    });
  const startRequests = (n: number) =>
    pool(n, CONCURRENCY, async (i) => {
      await client.workflow.start('serviceRequestWorkflow', {
        workflowId: `SR-BENCH-${String(i).padStart(6, '0')}`,
        taskQueue: config.temporal.taskQueue,
        args: [request(i, tatToFireAt())],
      });
    });
  /** how many of the first N (both kinds) have escalated: their TAT timer fired */
  const escalatedOfAll = async () => {
    const [c] = await db.select({ n: count() }).from(complaints)
      .where(sql`${complaints.requestNumber} like 'CR-BENCH-%' and ${complaints.escalationLevel} > 0
        and ${complaints.requestNumber} < ${`CR-BENCH-${String(N - Math.floor(N / 2)).padStart(6, '0')}`}`);
    const [r] = await db
      .select({ n: count() })
      .from(serviceRequests)
      .where(
        sql`${serviceRequests.requestNumber} like 'SR-BENCH-%' and ${serviceRequests.escalationLevel} > 0`,
      );
    return (c?.n ?? 0) + (r?.n ?? 0);
  };
  const requestsSettled = async (wanted: number) => {
    for (let t = 0; t < settleRounds; t += 1) {
      const [row] = await db.select({ n: count() }).from(serviceRequests);
      if ((row?.n ?? 0) >= wanted) return;
      await sleep(500);
    }
    throw new Error('service requests did not settle');
  };
  const memoryOf = (child: ChildProcess) =>
    new Promise<WorkerMemory>((resolve) => {
      const listen = (m: unknown) => {
        const memory = (m as { memory?: WorkerMemory }).memory;
        if (!memory) return;
        child.off('message', listen);
        resolve(memory);
      };
      child.on('message', listen);
      child.send({ memory: true });
    });
  const breakdown = (m: WorkerMemory) =>
    `main heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)} MB, external ${mb(m.external)} MB (array buffers ${mb(m.arrayBuffers)} MB), ` +
    `workflow threads' heap used ${mb(m.threadHeapUsed)} of ${mb(m.threadHeapTotal)} MB (external ${mb(m.threadExternal)} MB, malloced ${mb(m.threadMalloced)} MB), ` +
    `outside V8 ${mb(m.rss - m.heapTotal - m.external - m.threadHeapTotal - m.threadExternal - m.threadMalloced)} MB; ${m.cached} workflows cached`;
  const snapshotOf = (child: ChildProcess, to: string) =>
    new Promise<void>((resolve) => {
      const listen = (m: unknown) => {
        if (!(m as { snapshot?: unknown }).snapshot) return;
        child.off('message', listen);
        resolve();
      };
      child.on('message', listen);
      child.send({ snapshot: to });
    });
  // Room for the whole run to be started and settle: a few hundred a minute on 2 busy cores.
  const settleRounds = Math.max(600, N);
  const settled = async (ids: string[], wanted: number) => {
    for (let t = 0; t < settleRounds; t += 1) {
      const [row] = await db
        .select({ n: count() })
        .from(complaints)
        .where(inArray(complaints.requestNumber, ids));
      if ((row?.n ?? 0) >= wanted) return;
      await sleep(500);
    }
    throw new Error('workflows did not settle');
  };
  const idsOf = (from: number, n: number) =>
    Array.from({ length: n }, (_, k) => `CR-BENCH-${String(from + k).padStart(6, '0')}`);

  /**
   * The ones that had not escalated by the deadline, and what Temporal says of each: still running
   * (a timer pending, work queued) or ended, its history's length and its last events.
   */
  const explainUnfired = async () => {
    const cutoff = `CR-BENCH-${String(N - Math.floor(N / 2)).padStart(6, '0')}`;
    const rows = await db.execute<{ rn: string }>(sql`
      select request_number as rn from ${complaints}
        where request_number like 'CR-BENCH-%' and request_number < ${cutoff} and escalation_level = 0
      union all
      select request_number from ${serviceRequests}
        where request_number like 'SR-BENCH-%' and escalation_level = 0
      order by 1 limit 20`);
    say(`not escalated by the deadline (first ${rows.length}):`);
    for (const { rn } of rows) {
      const handle = client.workflow.getHandle(rn);
      const described = await handle.describe().catch((e: unknown) => e as Error);
      if (described instanceof Error) {
        say(`  ${rn}: ${described.message}`);
        continue;
      }
      const history = await handle.fetchHistory().catch(() => undefined);
      const events = (history?.events ?? []).map((e) =>
        String(proto.temporal.api.enums.v1.EventType[e.eventType ?? 0]).replace('EVENT_TYPE_', ''),
      );
      say(
        `  ${rn}: ${described.status.name}, ${described.historyLength} events, ${described.raw.pendingActivities?.length ?? 0} pending activities; last: ${events.slice(-4).join(', ')}`,
      );
    }
  };

  let current: ChildProcess | undefined;
  try {
    let worker = await startWorker();
    current = worker.child;
    await sleep(3_000);
    const idle = rssOf(worker.child.pid!);
    const idleMemory = await memoryOf(worker.child);
    const half = Math.floor(N / 2);
    say(
      `worker idle: RSS ${mb(idle)} MB (bundle ${mb(worker.bundleBytes)} MB of code): ${breakdown(idleMemory)}; starting ${half} service requests and ${N - half} complaints`,
    );
    const t0 = performance.now();
    fireAt = Date.now() + fireInMs;
    await startRequests(half);
    await startAll(0, N - half);
    await settled(idsOf(0, N - half), N - half);
    await requestsSettled(half);
    await sleep(5_000); // their registration notices finish; each waits on its timer
    const held = rssOf(worker.child.pid!);
    const heldMemory = await memoryOf(worker.child);
    if (args.snapshot) {
      await snapshotOf(worker.child, String(args.snapshot));
      say(`heap snapshot of the workflow thread written to ${String(args.snapshot)}`);
    }
    const perWorkflow = (held - idle) / Math.min(N, cacheSize);
    say(
      `${N} open requests and complaints in ${((performance.now() - t0) / 1000).toFixed(1)} s: RSS ${mb(held)} MB: ${breakdown(heldMemory)}`,
    );

    // A restart: the cache is gone; a sample of short-TAT complaints (or, with --fire-all, all N)
    // must still fire their timers.
    const sample = fireAll ? 0 : Math.min(100, N);
    if (sample > 0) {
      await startAll(N, sample, '20s');
      await settled(idsOf(N, sample), sample);
    }
    const firedBeforeKill = fireAll ? await escalatedOfAll() : 0;
    await stop(worker.child, 'SIGKILL');
    say('worker killed (SIGKILL); starting a new one');
    worker = await startWorker();
    current = worker.child;
    // A query to each of a sample replays it on the new worker (evicted: from its history). With
    // --fire-all the worker first has every fired timer to work through, so the queries wait for that.
    const queried = idsOf(0, Math.min(200, N - half));
    let queryFailures = 0;
    const replayAll = async () => {
      const tq = performance.now();
      await pool(queried.length, CONCURRENCY, async (k) => {
        await client.workflow
          .getHandle(queried[k]!)
          .query(complaintStatusQuery)
          .catch(() => void (queryFailures += 1));
      });
      return (performance.now() - tq) / queried.length;
    };
    let replayMs = fireAll ? NaN : await replayAll();
    let breached = 0;
    let peakAfterRestart = rssOf(worker.child.pid!);
    let allFiredInMs = NaN;
    if (fireAll) {
      // From the TATs' end or the restart, whichever is later (a loaded machine may start them late).
      const deadline = Math.max(fireAt, Date.now()) + Math.max(300_000, N * 300);
      say(
        `${firedBeforeKill} of ${N} had fired before the kill; waiting for the rest (their TATs end in ${Math.round((fireAt - Date.now()) / 1000)} s)`,
      );
      let fired = 0;
      for (let t = 0; Date.now() < deadline; t += 1) {
        fired = await escalatedOfAll();
        peakAfterRestart = Math.max(peakAfterRestart, rssOf(worker.child.pid!));
        if (t % 30 === 0) say(`${fired} of ${N} fired; worker RSS ${mb(rssOf(worker.child.pid!))} MB`);
        if (fired >= N) break;
        await sleep(1_000);
      }
      allFiredInMs = Date.now() - fireAt;
      if (fired < N) await explainUnfired();
      breached = fired;
      replayMs = await replayAll();
    }
    for (let t = 0; t < 120 && breached < sample; t += 1) {
      const states = await db
        .select({ level: complaints.escalationLevel })
        .from(complaints)
        .where(inArray(complaints.requestNumber, idsOf(N, sample)));
      breached = states.filter((s) => s.level > 0).length;
      if (breached < sample) await sleep(1_000);
    }
    await stop(worker.child, 'SIGTERM');
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    console.log(
      `\nopen-requests (one worker process, reuseV8Context, cache ${cacheSize}, semi-space ${semiSpace ? `${semiSpace} MB` : "V8's own"}, MALLOC_ARENA_MAX ${workerEnv.MALLOC_ARENA_MAX ?? "glibc's own"})`,
    );
    console.log(`  idle worker RSS               ${mb(idle)} MB (${breakdown(idleMemory)})`);
    console.log(
      `  with ${N} open (${half} service requests, ${N - half} complaints)   ${mb(held)} MB (${breakdown(heldMemory)})`,
    );
    console.log(
      `  per cached workflow           ${(perWorkflow / 1024 / 1024).toFixed(3)} MB (${Math.min(N, cacheSize)} in the cache)`,
    );
    console.log(
      `  after SIGKILL + restart: a query replays a complaint in ${replayMs.toFixed(1)} ms on average${queryFailures ? ` (${queryFailures} of ${queried.length} queries timed out)` : ''}`,
    );
    if (fireAll) {
      console.log(
        `  timers fired: ${breached} of ${N} (${firedBeforeKill} before the SIGKILL, the rest after the restart), the last ${(allFiredInMs / 1000).toFixed(0)} s after their TATs ended`,
      );
      console.log(
        `  restarted worker's peak RSS while they fired: ${mb(peakAfterRestart)} MB (${peakAfterRestart <= 1024 ** 3 ? 'within' : 'over'} 1 GB)`,
      );
    } else
      console.log(
        `  timers fired after the restart: ${breached} of ${sample} short-TAT complaints escalated`,
      );
    console.log(`  load average ${load} on ${navigatorCores()} cores`);
    if (breached < (fireAll ? N : sample)) process.exitCode = 1;
  } finally {
    // A run that failed half-way must not leave its worker polling a server that is gone.
    if (current && current.exitCode === null && current.signalCode === null) current.kill('SIGKILL');
    await database.close();
    await client.connection.close();
    await temporal.stop();
    await postgres.stop();
  }
}

const navigatorCores = () => (globalThis.navigator?.hardwareConcurrency ?? 0) || 'unknown';

await main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
process.exit();

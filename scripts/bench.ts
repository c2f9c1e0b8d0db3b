/**
 * `npm run bench`: complaint intake, measured on a real stack of its own (Temporal dev server,
 * embedded PostgreSQL, worker, the Hono app over HTTP). Figures are ratios against a baseline
 * measured in the same run, on the same server:
 *
 *  1. baselines: bare `client.workflow.start` of a no-op workflow, N times; the complaint workflow
 *     started directly, as the intake would start it (no HTTP, no intake);
 *  2. intake per second, N distinct consumers each: NP SMS through the signed HTTP webhook,
 *     `POST /v1/complaints` and `POST /v1/service-requests` (JSON, with Idempotency-Key);
 *  3. NP SMS sent at a steady half of the bare start rate: the acknowledgement's p50/p95/p99;
 *  and, for each phase, the CPU each part of the stack (API, worker, Temporal, PostgreSQL, this
 *  driver) spent per item, read from /proc: unlike throughput, a figure the machine's load hardly moves;
 *  4. a storm of NP messages during a feeder outage: the share linked to the outage (answered
 *     with the ETR) rather than turned into field work, against the share that is in the area;
 *  5. /healthz latency while four hostile uploads at a time are refused (a ZIP of 60,000 entries,
 *     a PDF whose object stream inflates to 600 MB), against /healthz on an idle server.
 * Every phase starts from a quiet worker, so no phase pays for the workflows of the one before.
 * The API and the worker run as processes of their own (`scripts/api.ts`, scripts/lib/bench-worker.ts),
 * as deployed; `--cpu-profile <dir>` has the API write a V8 CPU profile there when it stops.
 *
 * `npm run bench -- --n 300 --concurrency 16` tunes the run (those are the defaults);
 * `npm run bench -- --scenario open-requests --n 1000` measures what cached open complaints cost a worker;
 * `npm run bench -- --scenario bulk-payments [--lines 10000]` runs instead a corporate bulk payment
 * (reconcile + post) next to the bare insert of its postings (scripts/lib/bench-bulk-payments.ts);
 * `npm run bench -- --scenario pages` the console's work queue page with 10,000 open items in one office;
 * `npm run bench -- --scenario campaign [--consumers 100000] [--restart] [--rate-limits sms=1000]` an outage campaign at scale (scripts/bench-campaign.ts);
 * `npm run bench -- --scenario kpis [--rows 1000000]` the KPI queries over a million rows a table (scripts/bench-kpis.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import { getPriority, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultPayloadConverter } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { DEV_CHANNEL_WEBHOOK_SECRET, loadConfig } from '../config';
import { sql } from 'drizzle-orm';
import { syncCatalogue } from '../db/catalogue';
import { createDatabase, migrateDatabase } from '../db/client';
import { consumers } from '../db/schema';
import { signDevToken } from '../lib/auth-tokens';
import { loadEkycTrustAnchors, loadSigningMaterial } from '../lib/signing-material';
import { connectClient, createDataConverter } from '../lib/temporal';
import { bundleWorkflows } from '../worker/create-worker';
import { benchBulkPayments } from './lib/bench-bulk-payments';
import type { TComplaintInput } from '../domain/complaint';
import { loadDemoData } from './lib/demo-data';
import { inflationBomb, zipOfEntries } from './lib/hostile-files';
import { startEmbeddedPostgres } from './lib/embedded-postgres';
import { freePort } from './lib/ports';
import { cpuOf, cpuSpent, type TCpuGroup } from './lib/process-cpu';
import { resolveTemporalCli } from './lib/temporal-cli';
import { startTemporalDevServer } from './lib/temporal-dev-server';
import { mallocArenaEnv } from './lib/seva-children';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '16' },
    scenario: { type: 'string', default: 'intake' },
    cache: { type: 'string' },
    'semi-space': { type: 'string' }, // open-requests: the worker's node --max-semi-space-size
    'fire-all': { type: 'boolean' }, // open-requests: all N TATs end after the restart
    'fire-in': { type: 'string' },
    apis: { type: 'string', default: '1' }, // intake: API processes sharing the port (HTTP_REUSE_PORT)
    'worker-nice': { type: 'string' }, // intake: the worker's WORKER_NICE (0: as the driver)
    arenas: { type: 'string' }, // open-requests: the worker's MALLOC_ARENA_MAX (0: glibc's own)
    snapshot: { type: 'string' }, // open-requests: a heap snapshot of the workflow thread, to this file
    lines: { type: 'string', default: '10000' },
    /** writes a V8 CPU profile of this process during the SMS intake phase (open it in Chrome DevTools) */
    'cpu-profile': { type: 'string' },
    consumers: { type: 'string' },
    restart: { type: 'boolean' },
    statements: { type: 'boolean' }, // campaign: PostgreSQL's slowest statements (pg_stat_statements)
    // read by scripts/bench-campaign.ts (--scenario campaign): the campaign's batch and dispatchers
    batch: { type: 'string' },
    dispatchers: { type: 'string' },
    'rate-limits': { type: 'string' },
    // read by scripts/bench-pages.ts (--scenario pages / desk-search)
    items: { type: 'string' },
    explain: { type: 'boolean' },
    // read by scripts/bench-kpis.ts (--scenario kpis)
    rows: { type: 'string' },
    keep: { type: 'string' },
  },
});
// Other scenarios live in their own files: `npm run bench -- --scenario open-requests`.
if (args.scenario === 'open-requests') await import('./bench-open-requests'); // runs and exits
if (args.scenario === 'pages' || args.scenario === 'desk-search') await import('./bench-pages'); // runs and exits
if (args.scenario === 'campaign') await import('./bench-campaign'); // runs and exits
if (args.scenario === 'kpis') await import('./bench-kpis'); // runs and exits
const N = Math.max(20, Number(args.n));
const CONCURRENCY = Math.max(1, Number(args.concurrency));
const APIS = Math.max(1, Math.min(8, Number(args.apis)));
const say = (m: string) => console.log(`[bench] ${m}`);

/** Runs `task(i)` for i < n with at most `concurrency` in flight; answers elapsed ms and each latency. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) {
        const s = performance.now();
        await task(i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { ms: performance.now() - t0, p50: pct(0.5), p95: pct(0.95) };
}

/**
 * Sends `n` at a steady `perSecond` (open loop: the next one leaves on time whatever the previous
 * one is doing) and answers each acknowledgement's latency: what a gateway sees at that rate.
 */
async function steady(n: number, perSecond: number, task: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const due = t0 + (i * 1000) / perSecond;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      const s = performance.now();
      await task(i);
      latencies.push(performance.now() - s);
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), max: latencies.at(-1)! };
}

/** Bench-only consumers: 13-digit numbers `1<section code>1<7 digits>`, apart from the demo's. */
function benchConsumers(section: { id: string; code: string; transformers: string[] }, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    consumerNumber: `1${section.code}1${String(i + 1).padStart(7, '0')}`,
    name: `Bench Consumer ${i + 1}`,
    phone: `+9197${String(10_000_000 + i).padStart(8, '0')}`,
    address: `Bench street, house ${i + 1}`,
    sectionOfficeId: section.id,
    transformerId: section.transformers[i % section.transformers.length]!,
  }));
}

/** The bulk-payment scenario needs PostgreSQL only. */
async function bulkPaymentsScenario() {
  const tmp = mkdtempSync(join(tmpdir(), 'seva-bench-'));
  chmodSync(tmp, 0o755);
  const postgres = await freePort().then((port) =>
    startEmbeddedPostgres({ dir: join(tmp, 'pg'), port, persistent: false }),
  );
  const database = createDatabase(postgres.url, { max: 10 });
  try {
    await migrateDatabase(postgres.url);
    await loadDemoData(database.db);
    await benchBulkPayments(database.db, Math.max(10, Number(args.lines)), say);
  } finally {
    await database.close();
    await postgres.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main() {
  if (args.scenario === 'bulk-payments') return bulkPaymentsScenario();
  if (args.scenario !== 'intake')
    throw new Error(`unknown --scenario ${args.scenario}: intake or bulk-payments`);
  const tmp = mkdtempSync(join(tmpdir(), 'seva-bench-'));
  chmodSync(tmp, 0o755);
  say(`N=${N}, concurrency ${CONCURRENCY}; starting Temporal and PostgreSQL in ${tmp}`);
  const cliPath = await resolveTemporalCli({
    configured: loadConfig().temporal.cliPath,
    toolsDir: '.tools',
    log: say,
  });
  const [temporal, postgres] = await Promise.all([
    freePort().then((port) => startTemporalDevServer({ cliPath, port })),
    freePort().then((port) => startEmbeddedPostgres({ dir: join(tmp, 'pg'), port, persistent: false })),
  ]);
  const httpPort = await freePort();
  const env = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    TEMPORAL_ADDRESS: temporal.address,
    DATABASE_URL: postgres.url,
    TEMPORAL_TASK_QUEUE: 'bench',
    DATA_DIR: join(tmp, 'data'),
    PORT: String(httpPort),
    MIGRATE_ON_START: 'false',
    // One agent token sends all N complaints: the door's capacity is measured, not the per-caller
    // limit (600 a minute by default, which a run of --n 1000 passed and was refused with 429).
    RATE_LIMIT_PER_MINUTE: String(Math.max(600, 20 * N)),
    ...(args['worker-nice'] !== undefined ? { WORKER_NICE: args['worker-nice'] } : {}),
    ...(APIS > 1 ? { HTTP_REUSE_PORT: 'true' } : {}),
  };
  const config = loadConfig(env);
  await migrateDatabase(postgres.url);
  const database = createDatabase(postgres.url, { max: 10 });
  const { db } = database;
  await loadDemoData(db);
  await syncCatalogue(db);
  const kaloor = {
    id: 'sec-kaloor',
    code: '5521',
    transformers: ['dtr-kaloor-1', 'dtr-kaloor-2', 'dtr-kaloor-3'],
  };
  const vyttila = {
    id: 'sec-vyttila',
    code: '5522',
    transformers: ['dtr-vyttila-1', 'dtr-vyttila-2', 'dtr-vyttila-3'],
  };
  const aluva = {
    id: 'sec-aluva-town',
    code: '5601',
    transformers: ['dtr-aluva-town-1', 'dtr-aluva-town-2'],
  };
  const stormInside = Math.round(N * 0.8);
  // [0, N): SMS, then POST /v1/complaints (another type) and POST /v1/service-requests;
  // [N, N+20) warm-up; [N+20, 2N+20) started directly; [2N+20, 3N+20) SMS at a steady half rate;
  // [3N+20, 4N+20) SMS at half the rate the stack keeps up; [4N+20, 4N+20+WARM) the door warmed up
  const WARM = 100;
  const throughputSet = benchConsumers(kaloor, 4 * N + 20 + WARM);
  const inside = benchConsumers(vyttila, stormInside);
  const outside = benchConsumers(aluva, N - stormInside);
  for (const rows of [throughputSet, inside, outside])
    for (let i = 0; i < rows.length; i += 500) await db.insert(consumers).values(rows.slice(i, i + 500));

  const client = await connectClient(config);
  // The signing material, made once here before two processes could each make their own.
  await loadSigningMaterial(config.receipts);
  await loadEkycTrustAnchors(config.ekyc);
  // As deployed: the API and the worker each in a process of its own (`npm run api`, `npm run
  // worker`); this process only drives them, and starts the baselines' workflows.
  const bundlePath = join(tmp, 'workflow-bundle.js');
  writeFileSync(bundlePath, (await bundleWorkflows()).code);
  const profileDir = args['cpu-profile'];
  const children: ChildProcess[] = [];
  let stopping = false;
  // However this run ends (an error before the phases, a failed phase, an uncaught one), nothing
  // it started outlives it: the API and the worker, the Temporal server, PostgreSQL (fast shutdown).
  process.once('exit', () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const [pid, signal] of [
      [temporal.process.pid, 'SIGTERM'],
      [postgres.pid, 'SIGINT'],
    ] as const)
      try {
        if (pid) process.kill(pid, signal);
      } catch {
        // already stopped
      }
  });
  const child = async (script: string, argv: string[], execArgv: string[] = [], extraEnv = {}) => {
    const started = fork(fileURLToPath(new URL(script, import.meta.url)), argv, {
      // eslint-disable-next-line no-restricted-properties -- the children need PATH and HOME; their config is `env`
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, ...extraEnv },
      execArgv: [...execArgv, '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(started);
    started.on('exit', (code, signal) => {
      if (!stopping) say(`${script} exited (${signal ?? code}) during the run`);
    });
    await new Promise<void>((resolve, reject) => {
      started.once('message', () => resolve());
      started.once('exit', (code: number | null) => reject(new Error(`${script} exited ${code}`)));
    });
    return started;
  };
  const [workerProcess, ...apis] = await Promise.all([
    child(
      './lib/bench-worker.ts',
      [JSON.stringify(env), String(config.worker.maxCachedWorkflows), bundlePath],
      [`--max-semi-space-size=${config.worker.semiSpaceMb}`],
      mallocArenaEnv(config.worker.mallocArenaMax, env),
    ),
    // --apis N: N API processes on one port (the kernel spreads the connections), each with its relay
    ...Array.from({ length: APIS }, () =>
      child('./api.ts', [], profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ),
  ]);
  const base = `http://127.0.0.1:${httpPort}`;
  const groups: TCpuGroup[] = [
    { name: 'driver', pid: process.pid, tree: false },
    ...apis.map((api, i) => ({ name: i === 0 ? 'API' : `API ${i + 1}`, pid: api.pid!, tree: true })),
    { name: 'worker', pid: workerProcess.pid!, tree: true },
    { name: 'Temporal', pid: temporal.process.pid!, tree: true },
    { name: 'PostgreSQL', pid: postgres.pid!, tree: true },
  ];
  /** CPU of each part now, the API processes summed as one part. */
  const cpuNow = () => {
    const read = cpuOf(groups);
    for (let i = 1; i < APIS; i++) {
      read.API! += read[`API ${i + 1}`]!;
      delete read[`API ${i + 1}`];
    }
    return read;
  };
  const inboxDepth = async () =>
    (await db.execute<{ n: number }>(sql`select count(*)::int as n from workflow_inbox`))[0]!.n;
  const workerInFlight = () =>
    new Promise<number>((resolve) => {
      const answer = (m: unknown) => {
        const status = (m as { status?: { inFlight: number } }).status;
        if (!status) return;
        workerProcess.off('message', answer);
        resolve(status.inFlight);
      };
      workerProcess.on('message', answer);
      workerProcess.send({ status: true });
    });

  const signer = new Webhook(DEV_CHANNEL_WEBHOOK_SECRET);
  let seq = 0;
  const sms = async (consumerNumber: string) => {
    const id = `bench-${++seq}`;
    const raw = JSON.stringify({ messageId: id, from: '+919400000000', text: `NP ${consumerNumber}` });
    const now = new Date();
    const res = await fetch(`${base}/v1/webhooks/sms`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signer.sign(id, now, raw),
      },
      body: raw,
    });
    const body = (await res.json()) as { requestNumber: string | null; reply: string };
    if (res.status !== 200 || !body.requestNumber)
      throw new Error(`SMS refused: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  // The same complaint workflow started directly, as the intake would start it: what the door adds
  // on top of the workflow's own work (its reply, its staff alert, its notices, its read model) is
  // the difference. The input is the one the intake gave a warm-up report, read from its history.
  let template: TComplaintInput | undefined;
  const intakeInput = async (requestNumber: string) => {
    // The API's relay starts the workflow from the inbox a moment after the acknowledgement.
    for (let tries = 0; ; tries += 1) {
      const found = await client.workflow.getHandle(requestNumber).describe().then(
        () => true,
        () => false,
      );
      if (found || tries > 100) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const history = await client.workflow.getHandle(requestNumber).fetchHistory();
    const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const [decoded] = await createDataConverter(config).payloadCodecs![0]!.decode(payloads);
    return defaultPayloadConverter.fromPayload<TComplaintInput>(decoded!);
  };
  const direct = async (i: number) => {
    const who = throughputSet[N + 20 + i]!;
    const input: TComplaintInput = {
      ...template!,
      requestNumber: `CR-BENCH-${i}`,
      consumerNumber: who.consumerNumber,
      submittedAt: new Date().toISOString(),
      ...(template!.reply ? { reply: { ...template!.reply, reference: `bench-direct-${i}` } } : {}),
    };
    await client.workflow.start('complaintWorkflow', {
      workflowId: input.requestNumber,
      taskQueue: config.temporal.taskQueue,
      args: [input],
    });
  };
  let started = 0;
  const noop = async () => {
    await client.workflow.start('noopWorkflow', {
      workflowId: `bench-noop-${++started}`,
      taskQueue: config.temporal.taskQueue,
      args: [],
    });
  };

  try {
    say(
      `warming up (load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; the worker at nice ${config.worker.nice}, ${APIS} API process(es) at ${getPriority()})`,
    );
    await pool(20, 4, () => noop());
    const warm = await sms(throughputSet[N]!.consumerNumber);
    await pool(19, 4, (i) => sms(throughputSet[N + 1 + i]!.consumerNumber).then(() => undefined));
    template = await intakeInput(warm.requestNumber!);
    // The door's code optimised by V8 before it is timed, as the baselines' client is.
    await pool(WARM, CONCURRENCY, (i) =>
      sms(throughputSet[4 * N + 20 + i]!.consumerNumber).then(() => undefined),
    );

    // Each phase starts from a quiet worker: the workflows an earlier phase started (their
    // activities, their notices) must not run on this phase's time.
    /** Waits for a quiet worker (a second without work in flight); answers when it went quiet. */
    const drain = async () => {
      let since = performance.now();
      for (let quiet = 0; quiet < 5;) {
        const at = performance.now();
        // quiet: the worker has nothing in flight and the relay nothing left to start
        quiet = (await workerInFlight()) === 0 && (await inboxDepth()) === 0 ? quiet + 1 : 0;
        if (quiet === 1) since = at;
        if (quiet < 5) await new Promise((r) => setTimeout(r, 200));
      }
      return since;
    };
    // Per phase, from its first send until the worker is quiet again (the work its workflows do
    // after the acknowledgement counted too): the CPU each part of the stack spent per item, and
    // the rate the stack can keep up (items over that time) next to the rate of acknowledgements.
    const perPhase: { label: string; cpu: Record<string, number>; sustained: number }[] = [];
    const phase = (label: string) => perPhase.find((p) => p.label === label)!;
    const measured = async <T>(label: string, n: number, run: () => Promise<T>) => {
      const before = cpuNow();
      const t0 = performance.now();
      const from = process.hrtime.bigint() / 1000n;
      const result = await run();
      // the API's CPU profile (--cpu-profile) has the same clock: its samples in this window are the phase's
      if (profileDir) say(`${label}: monotonic µs ${from}–${process.hrtime.bigint() / 1000n}`);
      const quietAt = await drain();
      const spent = cpuSpent(before, cpuNow());
      perPhase.push({
        label,
        cpu: Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, Number(v) / n])),
        sustained: (n / (quietAt - t0)) * 1000,
      });
      return result;
    };
    await drain();
    say(`1/7 baseline: ${N} bare workflow starts of a no-op workflow`);
    const baseline = await measured('bare workflow.start (no-op)', N, () =>
      pool(N, CONCURRENCY, () => noop()),
    );
    say(`2/7 baseline: ${N} complaint workflows started directly (no HTTP, no intake)`);
    const directRun = await measured('complaint workflow.start, direct', N, () =>
      pool(N, CONCURRENCY, (i) => direct(i)),
    );
    say(`3/7 intake: ${N} NP SMS through the signed webhook, each into a new complaint workflow`);
    const intake = await measured('NP SMS via HTTP webhook', N, () =>
      pool(N, CONCURRENCY, (i) => sms(throughputSet[i]!.consumerNumber).then(() => undefined)),
    );
    say(`4/7 intake: ${N} POST /v1/complaints (JSON, an agent, Idempotency-Key)`);
    const agentToken = await signDevToken(config.auth, { role: 'agent', office: 'circle-ekm' });
    const complaintsRun = await measured('POST /v1/complaints', N, () =>
      pool(N, CONCURRENCY, async (i) => {
        const res = await fetch(`${base}/v1/complaints`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${agentToken}`,
            'content-type': 'application/json',
            'idempotency-key': `bench-complaint-${i}`,
          },
          body: JSON.stringify({
            type: 'low-voltage',
            consumerNumber: throughputSet[i]!.consumerNumber,
            description: 'lights dim every evening',
          }),
        });
        if (res.status !== 201) throw new Error(`complaint refused: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }),
    );
    say(`5/7 intake: ${N} POST /v1/service-requests (JSON, the consumer, Idempotency-Key)`);
    const consumerTokens = await Promise.all(
      throughputSet
        .slice(0, N)
        .map((p) => signDevToken(config.auth, { role: 'consumer', consumers: [p.consumerNumber] })),
    );
    const requestsRun = await measured('POST /v1/service-requests', N, () =>
      pool(N, CONCURRENCY, async (i) => {
        const res = await fetch(`${base}/v1/service-requests`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${consumerTokens[i]}`,
            'content-type': 'application/json',
            'idempotency-key': `bench-request-${i}`,
          },
          body: JSON.stringify({
            type: 'meter-shifting',
            consumerNumber: throughputSet[i]!.consumerNumber,
            form: { newLocation: 'Beside the front gate' },
          }),
        });
        if (res.status !== 201) throw new Error(`service request refused: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }),
    );
    const half = Math.max(1, (N / baseline.ms) * 1000 * 0.5);
    say(
      `6/7 steady: ${N} NP SMS at half the bare start rate (${half.toFixed(0)}/s), acknowledgement latency`,
    );
    let refusedAtHalf = 0; // a 503 (past INTAKE_DEADLINE_MS) is what a gateway would deliver again
    const steadyRun = await steady(N, half, (i) =>
      sms(throughputSet[2 * N + 20 + i]!.consumerNumber).then(
        () => undefined,
        () => void (refusedAtHalf += 1),
      ),
    );
    await drain();
    // Half the bare start rate is more than the stack keeps up with when each report's workflow
    // costs several bare starts (its reply, alerts, notices, read model): the queue grows. At half
    // the rate it does keep up, the acknowledgement's latency is the door's own.
    const halfKept = Math.max(1, phase('NP SMS via HTTP webhook').sustained * 0.5);
    say(
      `6/7 and steady: ${N} NP SMS at half the rate the stack keeps up (${halfKept.toFixed(1)}/s), acknowledgement latency`,
    );
    let refusedAtHalfKept = 0;
    const keptRun = await steady(N, halfKept, (i) =>
      sms(throughputSet[3 * N + 20 + i]!.consumerNumber).then(
        () => undefined,
        () => void (refusedAtHalfKept += 1),
      ),
    );
    await drain();

    say(`7/7 storm: an outage on the Vyttila feeder, then ${N} NP SMS (${stormInside} from inside it)`);
    const dispatcher = await signDevToken(config.auth, { role: 'dispatcher', office: 'subdiv-kaloor' });
    const outage = await fetch(`${base}/v1/outages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${dispatcher}` },
      body: JSON.stringify({
        kind: 'emergency',
        feederIds: ['fdr-vyttila'],
        reason: '11 kV feeder tripped',
        etr: new Date(Date.now() + 2 * 3_600_000).toISOString(),
      }),
    });
    if (outage.status !== 201)
      throw new Error(`outage not registered: ${outage.status} ${await outage.text()}`);
    const storm = [...inside, ...outside].sort(() => 0.5 - Math.random());
    let linked = 0;
    const stormRun = await pool(storm.length, CONCURRENCY, async (i) => {
      const answer = await sms(storm[i]!.consumerNumber);
      if (/known outage/.test(answer.reply)) linked += 1;
    });

    say('and: hostile uploads: /healthz idle, then while 4 hostile uploads at a time are refused');
    const healthz = async () => {
      // a kept-alive connection the server has just closed is tried again once, as any client would
      const res = await fetch(`${base}/healthz`).catch(() => fetch(`${base}/healthz`));
      if (res.status !== 200) throw new Error(`healthz ${res.status}`);
      await res.arrayBuffer();
    };
    const idle = await pool(100, 1, healthz);
    const consumerNumber = throughputSet[0]!.consumerNumber;
    const uploader = await signDevToken(config.auth, { role: 'consumer', consumers: [consumerNumber] });
    const hostile = [
      { kind: 'identity', bytes: zipOfEntries(60_000), name: 'offlineaadhaar.zip', shareCode: 'A7k2' },
      { kind: 'address', bytes: inflationBomb(600), name: 'scan.pdf' },
    ];
    let refused = 0;
    let uploading = true;
    const uploads = Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (let i = w; uploading; i += 4) {
          const h = hostile[i % hostile.length]!;
          const form = new FormData();
          form.set('consumerNumber', consumerNumber);
          form.set('kind', h.kind);
          if (h.shareCode) form.set('shareCode', h.shareCode);
          form.set('file', new Blob([new Uint8Array(h.bytes)]), h.name);
          const res = await fetch(`${base}/v1/documents`, {
            method: 'POST',
            headers: { authorization: `Bearer ${uploader}` },
            body: form,
          }).catch((error: unknown) => {
            // The API answered and closed before the whole file was sent: refused, unread.
            const code = ((error as { cause?: { code?: string } }).cause ?? {}).code;
            if (code === 'EPIPE' || code === 'ECONNRESET') return undefined;
            throw error;
          });
          if (res) {
            await res.arrayBuffer();
            if (res.status !== 422 && res.status !== 413)
              throw new Error(`a hostile upload got ${res.status}`);
          }
          refused += 1;
        }
      }),
    );
    uploads.catch(() => undefined); // awaited below: an upload's failure must not hide a failed /healthz
    const busy = await pool(100, 1, healthz).finally(() => (uploading = false));
    await uploads;

    const rate = (r: { ms: number }, n: number) => (n / r.ms) * 1000;
    const rows = [
      ['bare workflow.start (no-op)', rate(baseline, N), baseline],
      ['complaint workflow.start, direct', rate(directRun, N), directRun],
      ['NP SMS via HTTP webhook', rate(intake, N), intake],
      ['POST /v1/complaints', rate(complaintsRun, N), complaintsRun],
      ['POST /v1/service-requests', rate(requestsRun, N), requestsRun],
      ['NP SMS during an outage', rate(stormRun, storm.length), stormRun],
    ] as const;
    console.log(
      '\nscenario                         per second   p50 ms   p95 ms   vs bare start   vs direct complaint start',
    );
    for (const [name, perSecond, r] of rows)
      console.log(
        `${name.padEnd(32)} ${perSecond.toFixed(1).padStart(10)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)}   ${(perSecond / rate(baseline, N)).toFixed(2).padStart(12)}×   ${(perSecond / rate(directRun, N)).toFixed(2).padStart(12)}×`,
      );
    const parts = groups.map((g) => g.name).filter((name) => !/^API \d/.test(name));
    const stack = (cpu: Record<string, number>) =>
      Object.entries(cpu).reduce((sum, [k, v]) => (k === 'driver' ? sum : sum + v), 0);
    console.log(
      `\nper item, from the first send until the worker is quiet: CPU ms of each part (/proc; the driver is this process, not counted in "stack"), and the rate the stack keeps up\n${'phase'.padEnd(32)} ${parts.map((p) => p.padStart(10)).join(' ')} ${'stack'.padStart(8)}   kept up/s   vs direct`,
    );
    const directPhase = phase('complaint workflow.start, direct');
    for (const { label, cpu, sustained } of perPhase)
      console.log(
        `${label.padEnd(32)} ${parts.map((p) => cpu[p]!.toFixed(2).padStart(10)).join(' ')} ${stack(cpu).toFixed(2).padStart(8)}   ${sustained.toFixed(1).padStart(9)}   ${(sustained / directPhase.sustained).toFixed(2).padStart(8)}×`,
      );
    const smsPhase = phase('NP SMS via HTTP webhook');
    console.log(
      `NP SMS: the door (the API process ${smsPhase.cpu.API!.toFixed(2)} ms, and what it adds to PostgreSQL and Temporal) costs the stack ${(stack(smsPhase.cpu) - stack(directPhase.cpu)).toFixed(2)} ms of CPU per report on top of the same workflow started directly (${stack(directPhase.cpu).toFixed(2)} ms): ${(stack(directPhase.cpu) / stack(smsPhase.cpu)).toFixed(2)}× of the direct start's CPU, the ratio a CPU-bound machine allows; the API's share of the stack's CPU: POST /v1/complaints ${((100 * phase('POST /v1/complaints').cpu.API!) / stack(phase('POST /v1/complaints').cpu)).toFixed(1)} %, POST /v1/service-requests ${((100 * phase('POST /v1/service-requests').cpu.API!) / stack(phase('POST /v1/service-requests').cpu)).toFixed(1)} %`,
    );
    if (profileDir)
      console.log(
        `the API's CPU profile is written to ${profileDir} when it stops (open it in Chrome DevTools)`,
      );
    console.log(
      `steady NP SMS at ${half.toFixed(0)}/s (half the bare start rate): acknowledgement p50 ${steadyRun.p50.toFixed(1)} ms, p95 ${steadyRun.p95.toFixed(1)} ms, p99 ${steadyRun.p99.toFixed(1)} ms, max ${steadyRun.max.toFixed(1)} ms; ${refusedAtHalf} of ${N} answered 503.`,
    );
    console.log(
      `steady NP SMS at ${halfKept.toFixed(1)}/s (half the rate the stack keeps up): acknowledgement p50 ${keptRun.p50.toFixed(1)} ms, p95 ${keptRun.p95.toFixed(1)} ms, p99 ${keptRun.p99.toFixed(1)} ms, max ${keptRun.max.toFixed(1)} ms; ${refusedAtHalfKept} of ${N} answered 503.`,
    );
    console.log(
      `\nstorm: ${linked} of ${storm.length} NP messages linked to the outage (${((100 * linked) / storm.length).toFixed(1)} %); ` +
        `${stormInside} (${((100 * stormInside) / storm.length).toFixed(1)} %) came from inside it, ` +
        `${storm.length - linked} became field work.`,
    );
    console.log(
      `hostile uploads: /healthz p50 ${busy.p50.toFixed(1)} ms, p95 ${busy.p95.toFixed(1)} ms while ${refused} hostile uploads were refused ` +
        `(idle: p50 ${idle.p50.toFixed(1)} ms, p95 ${idle.p95.toFixed(1)} ms); ratio p95 ${(busy.p95 / idle.p95).toFixed(2)}×.`,
    );
    console.log(
      `ratio: NP SMS intake runs at ${(rate(intake, N) / rate(baseline, N)).toFixed(2)}× the speed of a bare workflow start on this server, and at ${(rate(intake, N) / rate(directRun, N)).toFixed(2)}× of the same complaint workflow started directly (what the door costs); load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}.`,
    );
  } finally {
    stopping = true;
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    await client.connection.close();
    await database.close();
    await temporal.stop();
    await postgres.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

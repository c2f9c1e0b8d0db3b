/**
 * `npm run bench -- --scenario campaign [--consumers 100000] [--restart] [--batch N] [--dispatchers N]`: an emergency outage on
 * feeders feeding `consumers` consumers (the scale network of `npm run demo:scale`), on a stack of
 * its own (Temporal dev server, embedded PostgreSQL, one worker, the app in-process). Measures the
 * time from `POST /v1/outages` to every non-call-list consumer's first attempt accepted by the
 * sandbox provider, beside the bare cost of inserting as many outbox rows (the goal: ≤ 60 s, ≤ 3×).
 * With `--restart` the worker is shut down half-way and another started; lost and doubled
 * messages are counted and printed.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../api/create-app';
import { loadConfig } from '../config';
import { syncCatalogue } from '../db/catalogue';
import { createDatabase, migrateDatabase } from '../db/client';
import { devOutbox } from '../db/schema';
import { createTokenVerifier, signDevToken } from '../lib/auth-tokens';
import { createLogger } from '../lib/logger';
import { connectClient, connectWorkerConnection } from '../lib/temporal';
import { createActivityDeps } from '../worker/activity-deps';
import { bundleWorkflows, createWorker } from '../worker/create-worker';
import { installTemporalRuntime } from '../worker/runtime';
import { loadDemoData } from './lib/demo-data';
import { loadScaleNetwork } from './lib/demo-scale';
import { startEmbeddedPostgres } from './lib/embedded-postgres';
import { freePort } from './lib/ports';
import { cpuOf, cpuSpent, type TCpuGroup } from './lib/process-cpu';
import { resolveTemporalCli } from './lib/temporal-cli';
import { startTemporalDevServer } from './lib/temporal-dev-server';

const { values: args } = parseArgs({
  options: {
    consumers: { type: 'string', default: '100000' },
    restart: { type: 'boolean', default: false },
    statements: { type: 'boolean', default: false },
    batch: { type: 'string' },
    dispatchers: { type: 'string' },
    /** NOTICE_RATE_LIMITS for the campaign, e.g. `sms=1000` */
    'rate-limits': { type: 'string' },
    scenario: { type: 'string' },
  },
  strict: false,
});
const CONSUMERS = Math.max(100, Number(args.consumers));
const say = (m: string) => console.log(`[bench:campaign] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'seva-bench-'));
  chmodSync(tmp, 0o755);
  const cliPath = await resolveTemporalCli({
    configured: loadConfig().temporal.cliPath,
    toolsDir: '.tools',
    log: say,
  });
  const [temporal, postgres] = await Promise.all([
    freePort().then((port) => startTemporalDevServer({ cliPath, port })),
    freePort().then((port) =>
      startEmbeddedPostgres({
        dir: join(tmp, 'pg'),
        port,
        persistent: false,
        // --statements: what PostgreSQL spent its time on, statement by statement
        settings: args.statements ? ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track=all'] : [],
      }),
    ),
  ]);
  const config = loadConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: temporal.address,
    DATABASE_URL: postgres.url,
    TEMPORAL_TASK_QUEUE: 'bench',
    DATA_DIR: join(tmp, 'data'),
    QUIET_HOURS: '00:00-00:00',
    // Other campaign settings to try: --batch (CAMPAIGN_BATCH_SIZE), --dispatchers (CAMPAIGN_DISPATCHERS).
    ...(args.batch ? { CAMPAIGN_BATCH_SIZE: String(args.batch) } : {}),
    ...(args.dispatchers ? { CAMPAIGN_DISPATCHERS: String(args.dispatchers) } : {}),
    // Providers' rate limits (--rate-limits sms=1000, as NOTICE_RATE_LIMITS): the achieved rates are printed.
    ...(args['rate-limits'] ? { NOTICE_RATE_LIMITS: String(args['rate-limits']) } : {}),
  });
  installTemporalRuntime(createLogger(config));
  await migrateDatabase(postgres.url);
  const database = createDatabase(postgres.url, { max: 20 });
  const { db } = database;
  await loadDemoData(db);
  await syncCatalogue(db);
  let t = performance.now();
  const feeders = await loadScaleNetwork(db, { consumers: CONSUMERS });
  say(`${CONSUMERS} consumers on ${feeders.length} feeders in ${Math.round(performance.now() - t)} ms`);
  const [{ auto } = { auto: 0 }] = await db.execute<{ auto: number }>(sql`
    select count(*)::int as auto from consumers c join transformers t on t.id = c.transformer_id
    where t.feeder_id like 'fdr-scale-%' and not c.life_support and c.social_category is null`);

  // The first bare cost (the figure before #14's batch path): as many short synthetic outbox rows,
  // through drizzle's insert builder in batches of 500. The fair one is measured after the
  // campaign, on the campaign's own rows (see bareInsertOf).
  t = performance.now();
  for (let i = 0; i < auto; i += 500)
    await db.insert(devOutbox).values(
      Array.from({ length: Math.min(500, auto - i) }, (_, j) => ({
        id: `bare_${i + j}`,
        idempotencyKey: `bare/${i + j}`,
        channel: 'sms',
        recipient: `+9198${String(i + j).padStart(8, '0')}`,
        subject: 'Power outage',
        body: 'There is an unplanned power outage in your area.',
      })),
    );
  const bareMs = performance.now() - t;
  await db.execute(sql`delete from dev_outbox where id like 'bare_%'`);
  say(`bare insert of ${auto} synthetic outbox rows (drizzle, 500 a statement): ${Math.round(bareMs)} ms`);

  const client = await connectClient(config);
  const { deps, verifyReceipt, ekycTrustAnchorsPem } = await createActivityDeps(config, db, client);
  const bundle = await bundleWorkflows();
  let worker: Worker | undefined;
  let run: Promise<void> | undefined;
  const connection = await connectWorkerConnection(config);
  const startWorker = async () => {
    worker = await createWorker({ config, connection, deps, workflowBundle: bundle });
    run = worker.run();
  };
  await startWorker();
  const app = createApp({
    config,
    db,
    temporal: client,
    logger: createLogger(config),
    verifyToken: createTokenVerifier(config.auth),
    verifyReceipt,
    ekycTrustAnchorsPem,
  });
  try {
    const token = await signDevToken(config.auth, { role: 'dispatcher', office: 'subdiv-kaloor' });
    // Where the CPU went: this process (the API and the worker), Temporal, PostgreSQL.
    const groups: TCpuGroup[] = [
      { name: 'API + worker', pid: process.pid, tree: false },
      { name: 'Temporal', pid: temporal.process.pid!, tree: true },
      { name: 'PostgreSQL', pid: postgres.pid!, tree: true },
    ];
    if (args.statements) {
      await db.execute(sql`create extension if not exists pg_stat_statements`);
      await db.execute(sql`select pg_stat_statements_reset()`);
    }
    const cpuBefore = cpuOf(groups);
    const started = performance.now();
    const [{ t0 } = { t0: '' }] = await db.execute<{ t0: string }>(sql`select clock_timestamp()::text as t0`);
    const res = await app.request('/v1/outages', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'emergency',
        feederIds: feeders,
        reason: `bench ${randomUUID().slice(0, 8)}`,
        etr: new Date(Date.now() + 4 * 3_600_000).toISOString(),
      }),
    });
    const outage = (await res.json()) as { id: string };
    if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(outage)}`);
    // One attempt row per notice and attempt number (its id is key#attempt): a count, no distinct.
    const firstAttempts = async () => {
      const [row] = await db.execute<{ n: number }>(sql`
        select count(*)::int as n from notification_attempts
        where key like ${`campaign/${outage.id}.notice.%`} and attempt = 1 and status in ('sent', 'delivered')`);
      return row?.n ?? 0;
    };
    let restarted = false;
    let last = 0;
    for (;;) {
      const n = await firstAttempts();
      if (n !== last && Math.floor(n / 10_000) !== Math.floor(last / 10_000)) say(`${n} of ${auto} sent`);
      last = n;
      if (n >= auto) break;
      if (args.restart && !restarted && n >= auto / 2) {
        restarted = true;
        say(`${n} sent: shutting the worker down and starting another`);
        worker!.shutdown();
        await run;
        await startWorker();
      }
      if (performance.now() - started > 15 * 60_000) throw new Error(`only ${n} of ${auto} after 15 minutes`);
      // The poll is the bench's own load on the machine (a count over the attempts): twice a second.
      await sleep(500);
    }
    // The figure: when the poll saw the last one (at most one poll late); the rows say when the
    // last bulk write began (its statement's start, a little before it committed).
    const ms = performance.now() - started;
    const cpu = cpuSpent(cpuBefore, cpuOf(groups));
    const [{ lastMs } = { lastMs: ms }] = await db.execute<{ lastMs: number }>(sql`
      select extract(epoch from max(created_at) - ${t0}::timestamptz)::float * 1000 as "lastMs" from ${devOutbox}
      where idempotency_key like ${`campaign/${outage.id}.notice.%#1`}`);
    // Where the time went: the first message accepted (after materialising and planning).
    const [phases] = await db.execute<{ first: number }>(sql`
      select extract(epoch from min(created_at) - ${t0}::timestamptz)::float * 1000 as first from ${devOutbox}
      where idempotency_key like ${`campaign/${outage.id}.notice.%#1`}`);
    say(
      `CPU over those ${(ms / 1000).toFixed(1)} s: ${Object.entries(cpu)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s (${((1000 * v) / auto).toFixed(0)} µs a message)`)
        .join(', ')}`,
    );
    if (args.statements) {
      const top = await db.execute<{ ms: number; calls: number; rows: number; query: string }>(sql`
        select total_exec_time::float as ms, calls::int, rows::int, query from pg_stat_statements
        where toplevel order by total_exec_time desc limit 15`);
      const tables = await db.execute<{ relname: string; ins: number; upd: number; hot: number }>(sql`
        select relname, n_tup_ins::int as ins, n_tup_upd::int as upd, n_tup_hot_upd::int as hot from pg_stat_user_tables
        where relname in ('campaign_deliveries', 'notifications', 'notification_attempts', 'dev_outbox', 'kpi_notice_days')
        order by relname`);
      say(`rows written (since PostgreSQL started): ${tables.map((r) => `${r.relname} ${r.ins} inserted, ${r.upd} updated (${r.hot} in place)`).join('; ')}`);
      say('PostgreSQL, the statements that took longest (total ms, calls, rows):');
      for (const q of top)
        say(
          `  ${q.ms.toFixed(0).padStart(7)} ms ${String(q.calls).padStart(6)} × ${String(q.rows).padStart(7)} rows  ${q.query.replace(/\s+/g, ' ').slice(0, 150)}`,
        );
    }
    const limits = config.notices.rateLimits;
    if (Object.keys(limits).length) await sayRates(db, outage.id, limits);
    const fairMs = await bareInsertOf(db, outage.id);
    const [counts] = await db.execute<{ consumers: number; rows: number; doubled: number }>(sql`
      select count(distinct split_part(split_part(idempotency_key, '#', 1), '.', 3))::int as consumers,
             count(*)::int as rows,
             (count(*) - count(distinct split_part(idempotency_key, '#', 1)))::int as doubled
      from ${devOutbox} where idempotency_key like ${`campaign/${outage.id}.notice.%`}`);
    say(
      `POST /v1/outages → every non-call-list consumer's first attempt accepted: ${(ms / 1000).toFixed(1)} s for ${auto} ` +
        `(${Math.round(auto / (ms / 1000))}/s); by the rows: the first accepted at ${((phases?.first ?? 0) / 1000).toFixed(1)} s, ` +
        `the last at ${(lastMs / 1000).toFixed(1)} s`,
    );
    say(
      `bare insert of the campaign's own ${auto} outbox rows (1,000 a statement): ${(fairMs / 1000).toFixed(1)} s, ratio ${(ms / fairMs).toFixed(1)}×; ` +
        `synthetic rows (drizzle, 500 a statement): ${(bareMs / 1000).toFixed(1)} s, ratio ${(ms / bareMs).toFixed(1)}×`,
    );
    say(
      `${args.restart ? 'with a worker restart: ' : ''}lost ${auto - (counts?.consumers ?? 0)}, told twice ${counts?.doubled ?? 0} ` +
        `(${counts?.rows ?? 0} outbox rows for ${counts?.consumers ?? 0} consumers); load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
    );
  } finally {
    worker?.shutdown();
    await run;
    await connection.close();
    await client.connection.close();
    await database.close();
    await temporal.stop();
    await postgres.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * What each channel's provider got, against its limit: the mean rate over the channel's first to
 * last accepted message, and the busiest calendar second (the limiter's one-second windows start
 * at their first grant, not on the second, so a calendar second may hold the end of one window
 * and the start of the next).
 */
async function sayRates(
  db: ReturnType<typeof createDatabase>['db'],
  outageId: string,
  limits: Partial<Record<string, number>>,
) {
  const rows = await db.execute<{ channel: string; n: number; span: number; peak: number }>(sql`
    with m as (
      select channel, created_at from ${devOutbox} where idempotency_key like ${`campaign/${outageId}.notice.%`}),
    s as (select channel, date_trunc('second', created_at) as sec, count(*)::int as n from m group by 1, 2)
    select m.channel, count(*)::int as n,
      extract(epoch from max(created_at) - min(created_at))::float as span,
      (select max(s.n) from s where s.channel = m.channel)::int as peak
    from m group by m.channel order by m.channel`);
  for (const r of rows) {
    const limit = limits[r.channel];
    say(
      `${r.channel}: ${r.n} messages over ${r.span.toFixed(1)} s, ${r.span > 0 ? Math.round(r.n / r.span) : r.n}/s on average, ` +
        `busiest calendar second ${r.peak}; limit ${limit ? `${limit}/s` : 'none'}`,
    );
  }
}

/**
 * The fair bare cost: the outbox rows the campaign wrote (the same recipients, subjects and
 * bodies in each consumer's language, ids and references as long), inserted again under other
 * references in multi-row statements of 1,000 — the least the sends must write — then removed.
 * Measured once the campaign's autovacuum is over and after a checkpoint, so it pays none of the
 * campaign's own aftermath.
 */
async function bareInsertOf(db: ReturnType<typeof createDatabase>['db'], outageId: string): Promise<number> {
  const rows = await db.execute<{
    channel: string;
    recipient: string;
    subject: string | null;
    body: string;
    key: string;
  }>(sql`
    select channel, recipient, subject, body, idempotency_key as key from ${devOutbox}
    where idempotency_key like ${`campaign/${outageId}.notice.%#1`}`);
  // Not in the campaign's wake: autovacuum of its tables done (up to a minute), dirty pages written.
  for (let waited = 0; waited < 60_000; waited += 500) {
    const [busy] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'`,
    );
    if (!busy?.n) break;
    await sleep(500);
  }
  await db.execute(sql`checkpoint`);
  const t = performance.now();
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000).map((r) => ({
      id: `sbx_${randomUUID()}`,
      idempotency_key: `bare/${r.key}`,
      channel: r.channel,
      recipient: r.recipient,
      subject: r.subject,
      body: r.body,
    }));
    await db.execute(sql`
      insert into ${devOutbox} (id, idempotency_key, channel, recipient, subject, body)
      select id, idempotency_key, channel, recipient, subject, body from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
        as v(id text, idempotency_key text, channel text, recipient text, subject text, body text)`);
  }
  const ms = performance.now() - t;
  await db.execute(sql`delete from ${devOutbox} where idempotency_key like 'bare/%'`);
  return ms;
}

// Top-level await: `npm run bench -- --scenario campaign` imports this module and must not go on.
try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(error);
  process.exit(1);
}

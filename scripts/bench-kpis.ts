/**
 * `npm run bench -- --scenario kpis [--rows 1000000] [--n 20]`: the KPIs (db/kpis.ts) over
 * `--rows` service requests, as many complaints, inbound contacts and notices (a year of requests
 * and complaints, 90 days of contacts and notices, over the demo's sections), and 30 campaigns
 * of 5,000 deliveries — generated in PostgreSQL with generate_series, as the activities would
 * have written them. Then each KPI query, n times one after the other, for ops (every office) and
 * for a circle's supervisor (an office subtree), over the last 30 days (the contacts also by the
 * hour over 7 days): p50 / p95 of each, the machine's load, and each plan (EXPLAIN ANALYZE), with
 * a check that none reads a big table whole (no Seq Scan on it). The goal: every query ≤ 200 ms.
 * The SLA queries read whole days from the closure rollup (kpi_closure_days, computed after the
 * bulk load) and the partial first and last days from the items; they are also timed over 366 days.
 * The notices likewise from their day rollup (kpi_notice_days).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { loadConfig } from '../config';
import { createDatabase, migrateDatabase, type Database } from '../db/client';
import { contactSlot } from '../db/inbound-contacts';
import * as kpis from '../db/kpis';
import type { TKpiFilter, TKpiScope } from '../db/kpis';
import { offices } from '../db/schema';
import type { TKpiPeriod } from '../domain/kpis';
import { loadDemoData } from './lib/demo-data';
import { startEmbeddedPostgres } from './lib/embedded-postgres';
import { freePort } from './lib/ports';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    n: { type: 'string', default: '20' },
    scenario: { type: 'string' },
    explain: { type: 'boolean', default: false },
    /** keep the generated database in this directory, and use it again next time (no generation) */
    keep: { type: 'string' },
  },
  strict: false,
});
const ROWS = Math.max(10_000, Number(args.rows));
const N = Math.max(5, Number(args.n));
const say = (m: string) => console.log(`[bench:kpis] ${m}`);
const BIG = ['service_requests', 'complaints', 'inbound_contacts', 'notifications', 'campaign_deliveries'];
const load = () =>
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (uptime's 1, 5, 15 min)`;

/** The rows, generated where they are stored: a year of requests and complaints, 90 days of contacts and notices. */
async function generate(db: Database, sections: string[]) {
  const office = (i: string) =>
    sql.raw(`(array[${sections.map((s) => `'${s}'`).join(',')}])[1 + (${i}) % ${sections.length}]`);
  const pick = (values: string[], i: string) =>
    sql.raw(`(array[${values.map((v) => `'${v}'`).join(',')}])[1 + (${i}) % ${values.length}]`);
  /** Bulk loads go faster into a table without its secondary indexes: they are built again after. */
  const timed = async (what: string, q: SQL, table?: string) => {
    const s = performance.now();
    const indexes = table
      ? await db.execute<{ name: string; def: string }>(sql`
          select i.indexname as name, i.indexdef as def from pg_indexes i
          where i.tablename = ${table} and not exists (
            select 1 from pg_constraint c where c.conname = i.indexname)`)
      : [];
    for (const i of indexes) await db.execute(sql.raw(`drop index "${i.name}"`));
    await db.execute(q);
    for (const i of indexes) await db.execute(sql.raw(i.def));
    say(`${what} in ${((performance.now() - s) / 1000).toFixed(1)} s`);
  };
  const types = [
    'new-connection',
    'address-change',
    'name-change',
    'load-change',
    'meter-shift',
    'tariff-change',
  ];
  const ctypes = ['no-power', 'voltage', 'meter-fault', 'billing', 'line-down', 'transformer'];
  // The closure rollup's triggers would add the items one by one: off for the bulk load, then the
  // rollup computed at once from the items (what migration 0030 does with the rows already there).
  for (const table of ['service_requests', 'complaints'])
    await db.execute(sql.raw(`alter table ${table} disable trigger user`));
  await timed(
    `${ROWS} service requests`,
    sql`insert into service_requests (request_number, type_code, consumer_number, office_id, status, channel,
        submitted_by, submitted_at, closed_at, breached, escalation_level)
      select 'SR-B-' || i, ${pick(types, 'i / 7')}, '1546' || lpad((i % 100000)::text, 9, '0'), ${office('i')},
        case when i % 50 = 0 then (case when i % 3 = 0 then 'awaiting-consumer' else 'in-progress' end) else 'completed' end,
        ${pick(['web', 'agent', 'whatsapp', 'sms', 'email', 'ivr'], 'i / 3')}, 'bench',
        now() - (i % 525600) * interval '1 minute',
        case when i % 50 = 0 then null
          else least(now(), now() - (i % 525600) * interval '1 minute' + ((i::bigint * 7919) % 14400) * interval '1 minute') end,
        (i * 31) % 100 < 15, case when (i * 31) % 100 < 15 then 1 + i % 3 else 0 end
      from generate_series(1, ${ROWS}) i`,
    'service_requests',
  );
  await timed(
    `${ROWS} complaints`,
    sql`insert into complaints (request_number, type_code, priority, consumer_number, office_id, status, channel,
        submitted_at, acknowledged_at, resolved_at, closed_at, breached, escalation_level)
      select 'CR-B-' || i, ${pick(ctypes, 'i / 5')},
        case when i % 33 = 0 then 'emergency' when i % 5 = 0 then 'high' else 'normal' end,
        '1546' || lpad((i % 100000)::text, 9, '0'), ${office('i')},
        case when i % 40 = 0 then ${pick(['open', 'assigned', 'awaiting-restoration', 'resolved'], 'i / 40')} else 'closed' end,
        ${pick(['sms', 'whatsapp', 'agent', 'ivr', 'web', 'email'], 'i / 3')},
        now() - (i % 525600) * interval '1 minute',
        case when i % 2 = 0 then now() - (i % 525600) * interval '1 minute' + interval '10 minutes' end,
        case when i % 40 = 0 and (i / 40) % 4 <> 3 then null
          else least(now(), now() - (i % 525600) * interval '1 minute' + ((i::bigint * 7919) % 2880) * interval '1 minute') end,
        case when i % 40 = 0 then null
          else least(now(), now() - (i % 525600) * interval '1 minute' + ((i::bigint * 7919) % 2880 + 1440) * interval '1 minute') end,
        (i * 37) % 100 < 12, case when (i * 37) % 100 < 12 then 1 + i % 2 else 0 end
      from generate_series(1, ${ROWS}) i`,
    'complaints',
  );
  for (const table of ['service_requests', 'complaints'])
    await db.execute(sql.raw(`alter table ${table} enable trigger user`));
  await timed('their closure rollup (kpi_closures_rebuild)', sql`select kpi_closures_rebuild()`);
  await timed(
    `${ROWS} inbound contacts`,
    sql`insert into inbound_contacts (id, channel, agent, office_id, consumer_number, kind, request_number, at)
      select 'ic-' || i, ${pick(['agent', 'agent', 'agent', 'web', 'sms', 'whatsapp', 'ivr', 'email'], 'i / 11')},
        'agent-' || (i % 40), ${office('i / 13')}, '1546' || lpad((i % 100000)::text, 9, '0'),
        ${pick(['look-up', 'look-up', 'look-up', 'complaint', 'request'], 'i / 3')}, null,
        now() - (i % 129600) * interval '1 minute' - (i % 60) * interval '1 second'
      from generate_series(1, ${ROWS}) i`,
    'inbound_contacts',
  );
  await timed(
    'their half-hour slots',
    sql`insert into inbound_contact_slots (slot, office_id, channel, kind, contacts)
      select ${contactSlot(sql`at`)}, office_id, channel, kind, count(*)::int
      from inbound_contacts group by 1, 2, 3, 4`,
  );
  // The notices rollup's triggers too: off for the bulk load, then computed at once (as migration 0031 does).
  await db.execute(sql`alter table notifications disable trigger user`);
  await timed(
    `${ROWS} notices`,
    sql`insert into notifications (key, consumer_number, consumer_office_id, channel, language, template, params, chain, status, created_at)
      select 'n-' || i, '1546' || lpad((i % 100000)::text, 9, '0'), ${office('i')},
        case when i % 10 = 0 then 'whatsapp' when i % 10 = 1 then 'voice' else ${pick(['sms', 'whatsapp', 'email'], 'i / 10')} end,
        'en', 'request-received', '{}'::jsonb,
        jsonb_build_array(${pick(['sms', 'whatsapp', 'email'], 'i / 10')}, 'whatsapp', 'voice'),
        case when i % 10 = 1 then 'undelivered' when i % 97 = 0 then 'pending' else 'delivered' end,
        now() - (i % 129600) * interval '1 minute'
      from generate_series(1, ${ROWS}) i`,
    'notifications',
  );
  await db.execute(sql`alter table notifications enable trigger user`);
  await timed('their day rollup (kpi_notices_rebuild)', sql`select kpi_notices_rebuild()`);
  await timed(
    '30 campaigns of 5,000 deliveries',
    sql`with c as (
        insert into campaigns (id, kind, outage_id, office_id, status, created_at)
        select 'OUT-B-' || k, 'outage', 'OUT-B-' || k, ${office('k')}, 'done', now() - k * interval '3 days'
        from generate_series(1, 30) k returning id)
      insert into campaign_deliveries (id, campaign_id, stage, consumer_number, route, status, calls)
      select c.id || '.first.' || j, c.id, 'first', '1546' || lpad(j::text, 9, '0'),
        case when j % 50 = 0 then 'call' else 'auto' end,
        case when j % 50 = 0 then 'reached' when j % 9 = 0 then 'undelivered' else 'delivered' end,
        case when j % 50 = 0 then 1 + j % 3 else 0 end
      from c, generate_series(1, 5000) j`,
  );
  await timed(
    'their recipients',
    sql`insert into campaign_recipients (campaign_id, consumer_number, transformer_id, feeder_id, office_id, area, call_list)
      select campaign_id, consumer_number, 'tr', 'fd', 'sec', 'area', route = 'call' from campaign_deliveries`,
  );
  await timed('VACUUM ANALYZE', sql`vacuum analyze`);
}

/** One at a time: each latency, sorted, and its percentiles. */
async function measure(task: () => Promise<unknown>) {
  const latencies: number[] = [];
  for (let i = 0; i < N; i += 1) {
    const s = performance.now();
    await task();
    latencies.push(performance.now() - s);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { p50: pct(0.5), p95: pct(0.95) };
}

/** The same KPI function, against a database that EXPLAINs each query instead of running it (settings it runs). */
function explaining(db: Database, plans: string[]): Database {
  const proxy = {
    execute: async (query: SQL) => {
      if (/^\s*set /i.test(dialect.sqlToQuery(query).sql)) return db.execute(query);
      const rows = await db.execute<{ 'QUERY PLAN': string }>(
        sql`explain (analyze, buffers off, costs off, timing off) ${query}`,
      );
      plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
      return [];
    },
    transaction: <T>(run: (tx: Database) => Promise<T>) =>
      db.transaction((tx) => run(explaining(tx as unknown as Database, plans))),
  };
  return proxy as unknown as Database;
}
const dialect = new PgDialect();

async function main() {
  const keep = typeof args.keep === 'string' ? args.keep : undefined;
  const tmp = keep ?? mkdtempSync(join(tmpdir(), 'seva-bench-kpis-'));
  mkdirSync(tmp, { recursive: true });
  chmodSync(tmp, 0o755);
  const generated = keep !== undefined && existsSync(join(tmp, 'pg', 'PG_VERSION'));
  const config = loadConfig();
  const postgres = await startEmbeddedPostgres({
    dir: join(tmp, 'pg'),
    port: await freePort(),
    persistent: keep !== undefined,
  });
  const database = createDatabase(postgres.url, { max: 4 });
  const { db } = database;
  const failures: string[] = [];
  try {
    await migrateDatabase(postgres.url);
    if (!generated) await loadDemoData(db);
    const all = await db.select({ id: offices.id, level: offices.level, path: offices.path }).from(offices);
    const sections = all.filter((o) => o.level === 'section').map((o) => o.id);
    const circle = all.find((o) => o.level === 'circle')!;
    say(`${ROWS} rows a table over ${sections.length} sections; ${load()}`);
    if (generated) say(`using the rows generated before in ${tmp}`);
    else await generate(db, sections);

    const within = sql`select id from offices where path = ${circle.path} or path like ${`${circle.path}/%`}`;
    const scopes: [string, TKpiScope][] = [
      ['ops, every office', undefined],
      [`supervisor of ${circle.id}`, { within }],
    ];
    const now = new Date();
    const days = (d: number): TKpiPeriod => ({
      from: new Date(now.getTime() - d * 86_400_000),
      to: now,
      granularity: 'day',
    });
    const queries: [string, (db: Database, f: TKpiFilter) => Promise<unknown>][] = [
      ['sla groups (30 d)', (d, f) => kpis.slaGroups(d, days(30), f)],
      ['sla series (30 d, by day)', (d, f) => kpis.slaSeries(d, days(30), f)],
      ['sla series (7 d, by hour)', (d, f) => kpis.slaSeries(d, { ...days(7), granularity: 'hour' }, f)],
      ['sla groups (366 d)', (d, f) => kpis.slaGroups(d, days(366), f)],
      [
        'sla series (366 d, by month)',
        (d, f) => kpis.slaSeries(d, { ...days(366), granularity: 'month' }, f),
      ],
      ['breaches by level (30 d)', (d, f) => kpis.breachesByLevel(d, days(30), f)],
      ['backlog (now)', (d, f) => kpis.backlog(d, now, f)],
      ['unacknowledged emergencies', (d, f) => kpis.unacknowledgedEmergencies(d, f)],
      ['contacts by hour (7 d)', (d, f) => kpis.contactSeries(d, { ...days(7), granularity: 'hour' }, f)],
      ['contacts by day (30 d)', (d, f) => kpis.contactSeries(d, days(30), f)],
      ['contact kinds (30 d)', (d, f) => kpis.contactKinds(d, days(30), f)],
      ['notices by channel (30 d)', (d, f) => kpis.noticeChannels(d, days(30), f)],
      ['campaigns (90 d)', (d, f) => kpis.campaignKpis(d, days(90), f)],
    ];
    say(`each query ${N} times, one after the other; ${load()}`);
    const explained: string[] = [];
    for (const [who, scope] of scopes) {
      const filter: TKpiFilter = { scope, timeZone: config.profile.timeZone };
      for (const [name, run] of queries) {
        await run(db, filter); // warm
        const { p50, p95 } = await measure(() => run(db, filter));
        const plans: string[] = [];
        await run(explaining(db, plans), filter);
        const seq = BIG.filter((t) => plans.some((p) => new RegExp(`Seq Scan on ${t}\\b`).test(p)));
        const verdict = p95 <= 200 && seq.length === 0 ? 'ok' : 'OVER';
        if (verdict !== 'ok') failures.push(`${who}: ${name}`);
        say(
          `${who.padEnd(28)} ${name.padEnd(30)} p50 ${p50.toFixed(1).padStart(6)} ms  p95 ${p95.toFixed(1).padStart(6)} ms  ${seq.length ? `SEQ SCAN on ${seq.join(', ')}` : 'no seq scan of a big table'}  ${verdict}`,
        );
        const scans = [
          ...new Set(
            plans
              .join('\n')
              .match(/(Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan) (using \S+ )?on \S+/g) ?? [],
          ),
        ];
        say(`  plan: ${scans.join('; ')}`);
        explained.push(`--- ${who}: ${name}\n${plans.join('\n')}`);
      }
    }
    if (args.explain) console.log(explained.join('\n\n'));
    say(`done; ${load()}`);
    say(
      failures.length
        ? `OVER 200 ms or a seq scan: ${failures.join(' | ')}`
        : 'every KPI query ≤ 200 ms at p95, none scanning a big table',
    );
  } finally {
    await database.close();
    await postgres.stop();
    if (!keep) rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(failures.length ? 1 : 0);
}

await main();

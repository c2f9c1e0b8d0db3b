/**
 * `npm run chaos`: the door under fire, on loopback only. It starts the all-in-one stack
 * (`scripts/start.ts`, supervised: a killed child comes back) in a fresh data directory on free
 * ports, then sends reports by signed SMS webhook — one `NP <consumer number>` per consumer, from
 * the consumer's own phone — and service requests through the API with an Idempotency-Key, each
 * retried as a gateway would (the same message id or key, with backoff, on anything but success),
 * while it kills a worker with SIGKILL every few seconds, the Temporal dev server once and the
 * PostgreSQL postmaster once. Then it counts, from Temporal's own visibility and the database:
 * reports sent, complaints and requests that exist, lost (none for a report), duplicated (more
 * than one), senders without their number, claims stuck in `processing`, workflows promised in the
 * workflow inbox and never started, notices sent twice.
 *
 *   npm run chaos -- --reports 1000 --requests 100      (the defaults)
 *
 *   npm run chaos -- --profile production              (the same against `npm run stack:production`:
 *                                                       the Temporal server on PostgreSQL, two workers)
 *
 * Exit code 0 only when nothing was lost, duplicated or stuck.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { Webhook } from 'standardwebhooks';
import { DEV_CHANNEL_WEBHOOK_SECRET, loadConfig } from '../config';
import { createDatabase } from '../db/client';
import { consumers } from '../db/schema';
import { SA } from '../domain/search-attributes';
import { signDevToken } from '../lib/auth-tokens';
import { freePort } from './lib/ports';
import { freeTemporalServerBase } from './lib/temporal-server';

const { values: args } = parseArgs({
  options: {
    reports: { type: 'string', default: '1000' },
    requests: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '16' },
    'kill-every': { type: 'string', default: '4000' },
    profile: { type: 'string', default: 'all-in-one' },
  },
});
if (args.profile !== 'all-in-one' && args.profile !== 'production') {
  console.error(
    `--profile is all-in-one (npm start) or production (npm run stack:production), not ${args.profile}`,
  );
  process.exit(2);
}
/** The all-in-one stack (Temporal dev server on SQLite) or the production profile (the Temporal server on PostgreSQL, two workers, one API). */
const PRODUCTION = args.profile === 'production';
const REPORTS = Math.max(1, Number(args.reports));
const REQUESTS = Math.max(0, Number(args.requests));
const CONCURRENCY = Math.max(1, Number(args.concurrency));
const KILL_EVERY_MS = Math.max(500, Number(args['kill-every']));
const say = (m: string) => console.log(`[chaos ${((performance.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = performance.now();
const temporalName = PRODUCTION ? 'Temporal server' : 'Temporal dev server';

/** Processes whose command line or environment names this stack's data directory. */
function processesOf(dataDir: string, match: (cmdline: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if ((cmdline.includes(dataDir) || environ.includes(dataDir)) && match(cmdline))
        pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}
const kill = (pids: number[]) => {
  for (const pid of pids)
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
};

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'seva-chaos-'));
  chmodSync(dataDir, 0o755); // PostgreSQL runs as 'postgres' under root and must reach its data
  const [port, devTemporalPort, uiPort, pgPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const temporalPort = PRODUCTION ? await freeTemporalServerBase() : devTemporalPort;
  const env = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: tmpdir(),
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    DATA_DIR: dataDir,
    PORT: String(port),
    TEMPORAL_UI_PORT: String(uiPort),
    EMBEDDED_POSTGRES_PORT: String(pgPort),
    ...(PRODUCTION
      ? { STACK_TEMPORAL_PORT: String(temporalPort), STACK_WORKERS: '2' }
      : { TEMPORAL_DEV_PORT: String(temporalPort), WORKERS: '2' }),
    ...(loadConfig().temporal.cliPath ? { TEMPORAL_CLI: loadConfig().temporal.cliPath! } : {}),
  };
  const config = loadConfig(env);
  const base = `http://127.0.0.1:${port}`;
  say(`starting the ${args.profile} stack in ${dataDir} (API ${base})`);
  const script = PRODUCTION ? 'scripts/stack-production.ts' : 'scripts/start.ts';
  const upMarker = PRODUCTION ? 'Seva production profile is up' : 'Seva is up';
  const stack = spawn(process.execPath, ['--import', 'tsx', script], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  stack.stdout.on('data', (d: Buffer) => (output += d.toString()));
  stack.stderr.on('data', (d: Buffer) => (output += d.toString()));
  // Ctrl-C for the stack; one that has not stopped within 30 s is named and killed, so a run always
  // ends (a stack that hung on its way down after the kills has been seen: what hung is printed).
  const stopStack = () =>
    new Promise<void>((resolve) => {
      if (stack.exitCode !== null) return resolve();
      const hung = setTimeout(() => {
        const left = processesOf(dataDir, () => true);
        say(
          `the stack did not stop within 30 s of SIGINT; killing what is left:\n${left
            .map((pid) => {
              try {
                return `  ${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').slice(0, 160)}`;
              } catch {
                return `  ${pid}`;
              }
            })
            .join('\n')}`,
        );
        kill(left);
        stack.kill('SIGKILL');
      }, 30_000);
      // a second Ctrl-C after 10 s: the supervisor then exits at once (scripts/lib/seva-process.ts)
      const again = setTimeout(() => stack.kill('SIGINT'), 10_000);
      stack.once('exit', () => {
        clearTimeout(hung);
        clearTimeout(again);
        resolve();
      });
      stack.kill('SIGINT');
    });
  // Stopped from outside (a test past its time, Ctrl-C): the stack goes with it, nothing is left running.
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => {
      say(`${signal}: stopping the stack`);
      void stopStack().finally(() => process.exit(1));
    });
  try {
    for (let i = 0; !output.includes(upMarker); i += 1) {
      if (stack.exitCode !== null || i > 1800)
        throw new Error(`the stack did not come up:\n${output.slice(-3000)}`);
      await sleep(100);
    }
    say('stack up');
    const sql = postgres(`postgres://seva:seva-local-dev@127.0.0.1:${pgPort}/seva`, {
      max: 2,
      onnotice: () => {},
    });

    // Consumers of our own, each reporting once from their own phone.
    const people = Array.from({ length: REPORTS + REQUESTS }, (_, i) => ({
      consumerNumber: `1552191${String(i).padStart(6, '0')}`,
      phone: `+9196${String(10_000_000 + i).padStart(8, '0')}`,
    }));
    const database = createDatabase(`postgres://seva:seva-local-dev@127.0.0.1:${pgPort}/seva`, { max: 2 });
    for (let i = 0; i < people.length; i += 500)
      await database.db
        .insert(consumers)
        .values(
          people.slice(i, i + 500).map((p, k) => ({
            consumerNumber: p.consumerNumber,
            name: `Chaos Consumer ${i + k + 1}`,
            phone: p.phone,
            address: `Chaos street, house ${i + k + 1}`,
            sectionOfficeId: 'sec-kaloor',
            transformerId: ['dtr-kaloor-1', 'dtr-kaloor-2', 'dtr-kaloor-3'][(i + k) % 3]!,
            language: 'en',
          })),
        )
        .onConflictDoNothing();
    await database.close();
    const reporters = people.slice(0, REPORTS);
    const applicants = people.slice(REPORTS);

    const signer = new Webhook(DEV_CHANNEL_WEBHOOK_SECRET);
    const answers = new Map<string, string>(); // consumer → the Request Number the sender got
    let attempts = 0;
    let failedAttempts = 0;
    /** What a gateway does: the same message again until it gets an answer (up to 3 minutes). */
    const deliver = async (make: () => Promise<Response>, label: string) => {
      const until = Date.now() + 180_000;
      for (let wait = 500; ; wait = Math.min(wait * 2, 5_000)) {
        attempts += 1;
        try {
          const res = await make();
          const text = await res.text();
          if (res.status === 200 || res.status === 201) return JSON.parse(text) as { requestNumber: string };
          failedAttempts += 1;
          if (res.status < 500 && res.status !== 409 && res.status !== 429)
            throw new Error(`${label}: ${res.status} ${text.slice(0, 300)}`);
        } catch (error) {
          if (error instanceof Error && error.message.startsWith(label)) throw error;
          failedAttempts += 1; // the connection dropped: the API itself was killed or is restarting
        }
        if (Date.now() > until) throw new Error(`${label}: no answer within 3 minutes`);
        await sleep(wait);
      }
    };
    const sms = (p: (typeof people)[number]) => {
      const messageId = `chaos-${p.consumerNumber}`;
      const raw = JSON.stringify({ messageId, from: p.phone, text: `NP ${p.consumerNumber}` });
      return deliver(() => {
        const id = `wh-${Math.random().toString(36).slice(2)}`;
        const at = new Date();
        return fetch(`${base}/v1/webhooks/sms`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': signer.sign(id, at, raw),
          },
          body: raw,
          signal: AbortSignal.timeout(15_000),
        });
      }, `SMS ${messageId}`);
    };
    const apply = async (p: (typeof people)[number]) => {
      const token = await signDevToken(config.auth, { role: 'consumer', consumers: [p.consumerNumber] });
      return deliver(
        () =>
          fetch(`${base}/v1/service-requests`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'idempotency-key': `chaos-${p.consumerNumber}`,
            },
            body: JSON.stringify({
              type: 'meter-shifting',
              consumerNumber: p.consumerNumber,
              form: { newLocation: 'Beside the front gate' },
            }),
            signal: AbortSignal.timeout(15_000),
          }),
        `request for ${p.consumerNumber}`,
      );
    };

    // The chaos: a worker killed every few seconds; Temporal once, PostgreSQL once.
    let sending = true;
    const kills = { workers: 0, temporal: 0, postgres: 0 };
    const total = REPORTS + REQUESTS;
    let done = 0;
    const chaos = (async () => {
      let nextWorkerKill = Date.now() + KILL_EVERY_MS / 2;
      while (sending) {
        await sleep(100);
        if (Date.now() >= nextWorkerKill) {
          const workers = processesOf(dataDir, (c) => c.includes('scripts/worker.ts'));
          if (workers.length) {
            kill([workers[Math.floor(Math.random() * workers.length)]!]);
            kills.workers += 1;
          }
          nextWorkerKill = Date.now() + KILL_EVERY_MS / 2 + Math.random() * KILL_EVERY_MS;
        }
        if (kills.temporal === 0 && done > total * 0.3) {
          kill(
            processesOf(dataDir, (c) =>
              PRODUCTION ? /\/temporal-server .*--root .* start/.test(c) : c.includes('start-dev'),
            ),
          );
          kills.temporal += 1;
          say(`killed the ${temporalName} (SIGKILL)`);
        }
        if (kills.postgres === 0 && done > total * 0.6) {
          // the postmaster: the process whose command line is "postgres -D <data dir>…"
          kill(processesOf(dataDir, (c) => /postgres(\s|$)/.test(c) && c.includes(' -D ')));
          kills.postgres += 1;
          say('killed the PostgreSQL postmaster (SIGKILL)');
        }
      }
    })();

    const jobs = [
      ...reporters.map((p) => async () => answers.set(p.consumerNumber, (await sms(p)).requestNumber)),
      ...applicants.map((p) => async () => answers.set(p.consumerNumber, (await apply(p)).requestNumber)),
    ].sort(() => Math.random() - 0.5);
    let next = 0;
    const errors: string[] = [];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < jobs.length; i = next++) {
          await jobs[i]!().catch((error: unknown) => errors.push(String(error)));
          done += 1;
          if (done % 100 === 0) say(`${done} of ${total} answered`);
        }
      }),
    );
    sending = false;
    await chaos;
    say(
      `all ${total} answered (${attempts} attempts, ${failedAttempts} refused or dropped); letting it settle`,
    );

    // Count from Temporal's visibility: one workflow per report, no more, no less.
    const client = new Client({
      connection: await Connection.connect({ address: `127.0.0.1:${temporalPort}` }),
      namespace: config.temporal.namespace,
    });
    // The workflows the door promised (the workflow inbox) are started by the API's relay, which
    // backs off while Temporal is down: wait for it to empty first.
    let promised = -1;
    for (let settle = 0; settle < 60; settle += 1) {
      [{ promised } = { promised: -1 }] = await sql<{ promised: number }[]>`
        select count(*)::int as promised from workflow_inbox`;
      if (promised === 0) break;
      await sleep(1_000);
    }
    const byConsumer = new Map<string, string[]>();
    for (let settle = 0; settle < 30; settle += 1) {
      byConsumer.clear();
      for await (const wf of client.workflow.list({ query: `RequestKind IN ('complaint', 'service')` })) {
        const consumer = wf.typedSearchAttributes.get(SA.ConsumerNumber);
        if (typeof consumer === 'string' && consumer.startsWith('1552191'))
          byConsumer.set(consumer, [...(byConsumer.get(consumer) ?? []), wf.workflowId]);
      }
      if (byConsumer.size >= total) break;
      await sleep(2_000); // visibility catches up
    }
    const lost = people.filter((p) => !byConsumer.has(p.consumerNumber));
    const duplicated = [...byConsumer].filter(([, ids]) => ids.length > 1);
    const wrongAnswer = people.filter(
      (p) =>
        byConsumer.get(p.consumerNumber)?.length === 1 &&
        answers.get(p.consumerNumber) !== byConsumer.get(p.consumerNumber)![0],
    );
    const [{ stuck } = { stuck: -1 }] = await sql<{ stuck: number }[]>`
      select count(*)::int as stuck from channel_messages where status = 'processing' and message_id like 'chaos-%'`;
    const [{ twice } = { twice: -1 }] = await sql<{ twice: number }[]>`
      select count(*)::int as twice from (
        select recipient, body from dev_outbox where recipient like '+9196%' group by recipient, body having count(*) > 1) d`;
    // The reply to a new complaint is sent by its workflow: give the workers a moment to catch up.
    let replies: { n: number }[] = [];
    for (let settle = 0; settle < 60; settle += 1) {
      replies = await sql<{ n: number }[]>`
        select count(*)::int as n from dev_outbox where idempotency_key like 'reply/sms/chaos-%'`;
      if (replies[0]!.n >= REPORTS) break;
      await sleep(2_000);
    }
    await sql.end({ timeout: 5 });
    await client.connection.close();

    console.log(`
chaos: ${REPORTS} NP reports by SMS and ${REQUESTS} service requests, ${CONCURRENCY} at a time
  profile: ${args.profile}
  kills: ${kills.workers} workers (SIGKILL), ${temporalName} ${kills.temporal}, PostgreSQL ${kills.postgres}
  attempts: ${attempts} (${failedAttempts} refused with 409/503 or dropped, then retried)
  complaints and requests that exist: ${byConsumer.size} for ${total} reports
  lost: ${lost.length}${
    lost.length
      ? ` (${lost
          .slice(0, 5)
          .map((p) => p.consumerNumber)
          .join(', ')}…)`
      : ''
  }
  duplicated: ${duplicated.length}${
    duplicated.length
      ? ` (${duplicated
          .slice(0, 3)
          .map(([c, ids]) => `${c}: ${ids.join(' ')}`)
          .join('; ')})`
      : ''
  }
  senders told another number than the one that exists: ${wrongAnswer.length}
  SMS replies: ${replies[0]!.n} for ${REPORTS} reports
  claims stuck in processing: ${stuck}
  promised and never started (workflow inbox): ${promised}
  the same message sent twice to one phone: ${twice}
  gave up: ${errors.length}${errors.length ? ` (${errors.slice(0, 3).join(' | ')})` : ''}`);
    const bad =
      lost.length + duplicated.length + wrongAnswer.length + stuck + promised + twice + errors.length;
    if (bad > 0) process.exitCode = 1;
  } finally {
    await stopStack();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

/**
 * `npm run smoke:production`: brings the production profile up (`scripts/stack-production.ts`,
 * a fresh data dir and free ports, its own embedded PostgreSQL), runs a service request and a
 * complaint to completion through the API, checks that both workers poll the task queue and that
 * the server's visibility answers queries on Seva's custom search attributes, and tears it all
 * down. Exits 0 when everything held; prints what it did and how long each part took.
 * Builds the Temporal binaries first when .tools/bin lacks them (`npm run temporal:provision-server`).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { decisionMessage } from '../domain/decision-signature';
import { signDevToken, type TTokenRequest } from '../lib/auth-tokens';
import { generateEd25519, signEd25519 } from '../lib/ed25519';
import { assertPortFree, freePort } from './lib/ports';
import { freeTemporalServerBase } from './lib/temporal-server';
import { makePng } from './lib/sample-files';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (message: string) => console.log(`[smoke ${elapsed()}] ${message}`);

let passed = 0;
function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`smoke check failed: ${message}`);
  passed += 1;
}

async function waitFor<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`smoke: timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'seva-smoke-production-'));
  chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach its data dir
  const [port, uiPort, pgPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const temporalPort = await freeTemporalServerBase();
  const env: Record<string, string> = {
    PATH: `${process.env.PATH ?? ''}`, // eslint-disable-line no-restricted-properties -- the children need go and node on PATH
    HOME: process.env.HOME ?? tmpdir(), // eslint-disable-line no-restricted-properties -- go's caches live under HOME
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    DATA_DIR: dataDir,
    PORT: String(port),
    TEMPORAL_UI_PORT: String(uiPort),
    STACK_TEMPORAL_PORT: String(temporalPort),
    EMBEDDED_POSTGRES_PORT: String(pgPort),
    STACK_WORKERS: '2',
  };
  const config = loadConfig(env);
  const api = `http://127.0.0.1:${port}`;

  say(`starting the production profile (data ${dataDir})`);
  const stack = spawn(process.execPath, ['--import', 'tsx', 'scripts/stack-production.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (b: Buffer) => {
    output += b.toString();
    process.stderr.write(b);
  };
  stack.stdout.on('data', collect);
  stack.stderr.on('data', collect);
  const exited = new Promise<number | null>((r) => stack.once('exit', (code) => r(code)));
  let stopped = false;
  const stop = async () => {
    if (stopped) return exited;
    stopped = true;
    stack.kill('SIGTERM');
    const timer = setTimeout(() => stack.kill('SIGKILL'), 60_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };

  try {
    const up = await Promise.race([
      (async () => {
        while (!output.includes('Seva production profile is up'))
          await new Promise((r) => setTimeout(r, 250));
        return true;
      })(),
      exited.then(() => false),
    ]);
    check(up, `the production profile did not come up:\n${output.slice(-3000)}`);
    say('the production profile is up');

    const token = (request: TTokenRequest) => signDevToken(config.auth, request);
    const call = async (method: string, path: string, tokenValue: string, body?: unknown) => {
      const res = await fetch(`${api}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${tokenValue}`,
          ...(body instanceof FormData || body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json: Record<string, unknown> = {};
      try {
        json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        // not JSON
      }
      return { status: res.status, json, text };
    };

    // A service request: upload, submit, the executive's two signed decisions → completed.
    const consumerNumber = '1154600000010';
    const consumer = await token({ role: 'consumer', consumers: [consumerNumber] });
    const executive = await token({ role: 'executive', office: 'sec-pattom', subject: 'smoke-exec' });
    const form = new FormData();
    form.set('consumerNumber', consumerNumber);
    form.set('kind', 'address');
    form.set('file', new Blob([new Uint8Array(makePng(800, 600, 7))], { type: 'image/png' }), 'proof.png');
    const uploaded = await call('POST', '/v1/documents', consumer, form);
    check(uploaded.status < 300, `upload: ${uploaded.status} ${uploaded.text}`);
    const submitted = await call('POST', '/v1/service-requests', consumer, {
      type: 'address-change',
      consumerNumber,
      form: { newAddress: 'TC 25/1001, Kowdiar, Thiruvananthapuram', pinCode: '695003' },
      documents: [{ documentId: uploaded.json.documentId, kind: 'address', fileName: 'proof.png' }],
    });
    check(submitted.status === 201, `submit: ${submitted.status} ${submitted.text}`);
    const rn = String(submitted.json.requestNumber);
    say(`service request ${rn} submitted`);

    const { privateKey, x } = generateEd25519();
    const key = await call('POST', '/v1/signing-keys', executive, { publicKey: x, label: 'smoke' });
    check(key.status === 201, `signing key: ${key.status} ${key.text}`);
    const decide = async (action: string, body: Record<string, unknown>) => {
      const signedAt = new Date().toISOString();
      const value = signEd25519(privateKey, decisionMessage({ requestNumber: rn, action, body, signedAt }));
      return call('POST', `/v1/service-requests/${rn}/${action}`, executive, {
        ...body,
        signature: { keyId: key.json.keyId, signedAt, value },
      });
    };
    // The decision goes to the workflow as an Update: the first may come before a worker took it.
    const accepted = await waitFor(
      'the document decision',
      () => decide('decide-document', { documentId: uploaded.json.documentId, decision: 'accept' }),
      (r) => r.status === 200,
    );
    check(accepted.status === 200, 'document accepted');
    const done = await decide('approve-step', { stepId: 'document-review', note: 'smoke' });
    check(
      done.status === 200 && done.json.status === 'completed',
      `approve-step: ${done.status} ${done.text}`,
    );
    say(`service request ${rn} completed`);

    // A complaint: registered by an agent, crew assigned, resolved, confirmed by the consumer → closed.
    const complainant = '1154600000019';
    const agent = await token({ role: 'agent', office: 'sec-pattom', subject: 'smoke-agent' });
    const complainantToken = await token({ role: 'consumer', consumers: [complainant] });
    const registered = await call('POST', '/v1/complaints', agent, {
      type: 'low-voltage',
      consumerNumber: complainant,
      channel: 'agent',
      description: 'lights dim every evening (smoke test)',
    });
    check(registered.status === 201, `complaint: ${registered.status} ${registered.text}`);
    const cr = String(registered.json.requestNumber);
    const act = (action: string, who: string, body: unknown) =>
      call('POST', `/v1/complaints/${cr}/${action}`, who, body);
    const assigned = await waitFor(
      'the crew assignment',
      () => act('assign-crew', executive, { crew: 'Crew 4, Pattom' }),
      (r) => r.status === 200,
    );
    check(assigned.status === 200, 'crew assigned');
    const resolved = await act('resolve', executive, { resolution: 'loose neutral tightened' });
    check(resolved.json.status === 'resolved', `resolve: ${resolved.status} ${resolved.text}`);
    const closed = await act('confirm', complainantToken, { fixed: true });
    check(closed.json.status === 'closed', `confirm: ${closed.status} ${closed.text}`);
    say(`complaint ${cr} closed`);

    // The server's advanced visibility (PostgreSQL) answers queries on Seva's search attributes.
    const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
    try {
      const client = new Client({ connection, namespace: config.temporal.namespace });
      const list = async (query: string) => {
        const ids: string[] = [];
        for await (const w of client.workflow.list({ query })) ids.push(w.workflowId);
        return ids;
      };
      const byOffice = await waitFor(
        'visibility to show both',
        () => list(`OfficeId = 'sec-pattom' AND RequestNumber IN ('${rn}', '${cr}')`),
        (ids) => ids.length === 2,
      );
      say(`visibility: OfficeId = 'sec-pattom' AND RequestNumber IN (…) → ${byOffice.join(', ')}`);
      const completed = await waitFor(
        'RequestStatus in visibility',
        () =>
          list(
            `RequestStatus = 'completed' AND RequestType = 'address-change' AND ConsumerNumber = '${consumerNumber}'`,
          ),
        (ids) => ids.includes(rn),
      );
      say(
        `visibility: RequestStatus = 'completed' AND RequestType = 'address-change' → ${completed.join(', ')}`,
      );

      const { pollers } = await connection.workflowService.describeTaskQueue({
        namespace: config.temporal.namespace,
        taskQueue: { name: config.temporal.taskQueue },
        taskQueueType: 1, // workflow
      });
      const identities = new Set((pollers ?? []).map((p) => p.identity));
      check(
        identities.size >= 2,
        `two workers poll ${config.temporal.taskQueue}: ${[...identities].join(', ')}`,
      );
      say(
        `task queue ${config.temporal.taskQueue}: ${identities.size} workers polling (${[...identities].join(', ')})`,
      );
    } finally {
      await connection.close();
    }
  } finally {
    say('stopping the production profile');
    const code = await stop();
    for (const p of [port, uiPort, pgPort, temporalPort]) {
      await assertPortFree(p, 'a port of the profile', 'PORT').catch((error: unknown) => {
        throw new Error(`after the stop: ${(error as Error).message}`);
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
    say(`stopped (exit code ${code})`);
    check(code === 0, `the production profile exits 0 on SIGTERM, got ${code}`);
  }
  say('production profile smoke passed');
}

main().then(
  () => {
    console.log(`smoke: ${passed} passed, 0 failed`);
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    console.log(`smoke: ${passed} passed, 1 failed`);
    process.exit(1);
  },
);

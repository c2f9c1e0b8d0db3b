import { randomUUID, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { Client } from '@temporalio/client';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';
import { createApp } from '../../api/create-app';
import { loadConfig, type Config } from '../../config';
import { createDatabase } from '../../db/client';
import { createContentPool, type TContentPoolOptions } from '../../lib/content-pool';
import { createTokenVerifier, signDevToken, type TTokenRequest } from '../../lib/auth-tokens';
import { decisionMessage } from '../../domain/decision-signature';
import { generateEd25519, signEd25519 } from '../../lib/ed25519';
import { createLogger, type Logger } from '../../lib/logger';
import type { Tracing } from '../../lib/tracing';
import type { WorkerMetrics } from '../../worker/metrics';
import { connectClient, connectWorkerConnection } from '../../lib/temporal';
import { createActivityDeps } from '../../worker/activity-deps';
import { createWorker } from '../../worker/create-worker';
import { createApiMetrics } from '../../lib/metrics';
import { createWorkflowRelay } from '../../lib/workflow-relay';
import { installTemporalRuntime } from '../../worker/runtime';

/** Config for tests: the global setup's Temporal and Postgres, a task queue of its own, quiet logs. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    RECEIPT_SIGNING_P12_PATH: join(inject('keysDir'), 'receipt-signing.p12'),
    RECEIPT_TRUST_ANCHORS_PATH: join(inject('keysDir'), 'receipt-trust-anchors.pem'),
    EKYC_TRUST_ANCHORS_PATH: join(inject('keysDir'), 'ekyc-trust-anchors.pem'),
    ...env,
  });
}

let runtimeInstalled = false;

export type TestStack = Awaited<ReturnType<typeof startTestStack>>;

/**
 * The real thing for one test file: a pool on the shared Postgres, a client and a worker on the
 * shared Temporal server (own task queue), and the Hono app. Call `stop()` in afterAll.
 */
export async function startTestStack(
  options: {
    env?: Record<string, string>;
    worker?: boolean;
    codecUiSecret?: string;
    contentPool?: TContentPoolOptions;
    /** the Temporal SDK's Prometheus endpoint (host:port), when this file's stack installs the runtime */
    sdkMetricsAddress?: string;
    /** activity outcomes counted by the worker (worker/metrics.ts) */
    workerMetrics?: WorkerMetrics;
    /** traced client, worker and app; pass a bundle made with `bundleWorkflows({ traced: true })` */
    tracing?: Tracing;
    workflowBundlePath?: string;
    /** the logger the app, use cases and worker log to (default: the config's, silent) */
    logger?: Logger;
    /** false: no workflow relay runs (the inbox only fills); `stack.relay.start()` starts it */
    relay?: boolean;
  } = {},
) {
  const config = testConfig(options.env);
  const logger = options.logger ?? createLogger(config);
  if (!runtimeInstalled) {
    installTemporalRuntime(logger, { metricsAddress: options.sdkMetricsAddress });
    runtimeInstalled = true;
  }
  const database = createDatabase(config.database.url!, { max: 4 });
  const client: Client = await connectClient(config, { traced: options.tracing !== undefined });
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let workerConnection: Awaited<ReturnType<typeof connectWorkerConnection>> | undefined;
  const { deps, verifyReceipt, ekycTrustAnchorsPem, ekycDevSignerKeyPem } = await createActivityDeps(
    config,
    database.db,
    client,
  );
  /** `workflowBundle`: another build of the workflows (a bad deploy, in the repair tests) */
  const startWorker = async (workflowBundle?: WorkflowBundleWithSourceMap) => {
    workerConnection = await connectWorkerConnection(config);
    worker = await createWorker({
      config,
      connection: workerConnection,
      deps,
      workflowBundle: workflowBundle ?? {
        codePath: options.workflowBundlePath ?? inject('workflowBundlePath'),
      },
      metrics: options.workerMetrics,
      tracing: options.tracing,
    });
    workerRun = worker.run();
  };
  const stopWorker = async () => {
    if (!worker) return;
    worker.shutdown();
    await workerRun;
    await workerConnection?.close();
    worker = undefined;
  };
  if (options.worker !== false) await startWorker();
  // Small limits, so tests of hostile uploads run in seconds.
  const contentPool = createContentPool({ threads: 2, timeoutMs: 8_000, ...options.contentPool });
  // The workflow inbox's relay, as the API process runs it (scripts/api.ts).
  const metrics = createApiMetrics();
  const relay = createWorkflowRelay({ db: database.db, temporal: client, config, logger, metrics });
  if (options.relay !== false) relay.start();
  const app = createApp({
    relay,
    config,
    db: database.db,
    temporal: client,
    logger,
    verifyToken: createTokenVerifier(config.auth),
    verifyReceipt,
    ekycTrustAnchorsPem,
    codecUiSecret: options.codecUiSecret,
    contentPool,
    metrics,
    tracer: options.tracing?.tracer,
  });

  const token = (request: TTokenRequest) => signDevToken(config.auth, request);
  const call = async (
    method: string,
    path: string,
    init: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: string | Uint8Array | undefined;
    if (init.body !== undefined) {
      body =
        typeof init.body === 'string' || init.body instanceof Uint8Array
          ? init.body
          : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  };

  // Staff sign their decisions with an Ed25519 key of their own, registered on first use.
  const staffKeys = new Map<string, { keyId: string; privateKey: KeyObject }>();
  const keyFor = async (token: string) => {
    const subject = decodeJwt(token).sub!;
    let key = staffKeys.get(subject);
    if (!key) {
      const { privateKey, x } = generateEd25519();
      const res = await call('POST', '/v1/signing-keys', { token, body: { publicKey: x } });
      if (res.status !== 201) throw new Error(`key registration failed: ${res.status} ${res.text}`);
      key = { keyId: res.json.keyId as string, privateKey };
      staffKeys.set(subject, key);
    }
    return key;
  };
  /** The body with a signature, as an executive's client would send it. */
  const sign = async (
    token: string,
    requestNumber: string,
    action: string,
    body: Record<string, unknown>,
  ) => {
    const key = await keyFor(token);
    const signedAt = new Date().toISOString();
    const message = decisionMessage({ requestNumber, action, body, signedAt });
    return {
      ...body,
      signature: { keyId: key.keyId, signedAt, value: signEd25519(key.privateKey, message) },
    };
  };

  return {
    config,
    verifyReceipt,
    ekycTrustAnchorsPem,
    ekycDevSignerKeyPem: ekycDevSignerKeyPem!,
    keyFor,
    sign,
    app,
    db: database.db,
    sql: database.sql,
    client,
    relay,
    token,
    call,
    startWorker,
    stopWorker,
    contentPool,
    async stop() {
      await relay.stop();
      await contentPool.close();
      await stopWorker();
      await client.connection.close();
      await database.close();
    },
  };
}

import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import protos from '@temporalio/proto';
import postgres from 'postgres';
import { SA } from '../../domain/search-attributes';

// @temporalio/proto is CommonJS: take the namespace from the default export.
const { IndexedValueType } = protos.temporal.api.enums.v1;
import { assertPortFree } from './ports';
import { startProgram, type Running } from './supervisor';

/**
 * The production profile's Temporal: the server (go.temporal.io/server v1.29.1) on PostgreSQL,
 * with its schemas made by the server's own SQL tool, the namespace and Seva's search attributes
 * registered, and the UI server (ui-server v2.42.1). Binaries: scripts/lib/temporal-server-tools.ts.
 */

const TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));

/** Where a PostgreSQL URL points, as the Temporal config and SQL tool want it. */
export type PgTarget = { host: string; port: number; user: string; password: string; database: string };

export function pgTargetOf(url: string): PgTarget {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
  };
}

/** Fills `${NAME}` in a template; strings are written as YAML double-quoted scalars. */
export function renderTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder \${${name}} has no value`);
    return typeof value === 'number' ? String(value) : JSON.stringify(value);
  });
}

/**
 * The server's ports, laid out from the frontend's as Temporal's own development configs do
 * (7233 → history 7234, matching 7235, worker 7239, HTTP 7243, membership 6933…6939).
 */
export function temporalServerPorts(frontend: number) {
  return {
    frontend,
    frontendHttp: frontend + 10,
    history: frontend + 1,
    matching: frontend + 2,
    worker: frontend + 6,
    frontendMembership: frontend - 300,
    historyMembership: frontend - 299,
    matchingMembership: frontend - 298,
    workerMembership: frontend - 294,
  };
}

/**
 * A frontend port whose whole block (+1…+10, −300…−294) is free now, in 20000–32000: Temporal
 * stores its services' ports as SMALLINT, so a base above 32757 crashes the server.
 */
export async function freeTemporalServerBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await Promise.all(
      Object.values(temporalServerPorts(base)).map((p) =>
        assertPortFree(p, 'probe', 'STACK_TEMPORAL_PORT').then(
          () => true,
          () => false,
        ),
      ),
    );
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free block of ports for the Temporal server in 20000–32000');
}

export type TemporalServerSettings = {
  /** the server's root: config/ is written below it */
  root: string;
  pg: PgTarget;
  database: string;
  visibilityDatabase: string;
  historyShards: number;
  dbMaxConns: number;
  visibilityDbMaxConns: number;
  frontendPort: number;
};

/** Writes `<root>/config/seva.yaml` (and the dynamic config) from scripts/templates/. */
export function writeTemporalServerConfig(settings: TemporalServerSettings): string {
  const configDir = join(settings.root, 'config');
  mkdirSync(configDir, { recursive: true });
  const ports = temporalServerPorts(settings.frontendPort);
  const dynamicConfig = join(configDir, 'dynamic-config.yaml');
  copyFileSync(join(TEMPLATES, 'temporal-dynamic-config.yaml'), dynamicConfig);
  const file = join(configDir, 'seva.yaml');
  writeFileSync(
    file,
    renderTemplate(readFileSync(join(TEMPLATES, 'temporal-server.yaml'), 'utf8'), {
      HISTORY_SHARDS: settings.historyShards,
      DB_NAME: settings.database,
      VISIBILITY_DB_NAME: settings.visibilityDatabase,
      DB_ADDRESS: `${settings.pg.host}:${settings.pg.port}`,
      DB_USER: settings.pg.user,
      DB_PASSWORD: settings.pg.password,
      DB_MAX_CONNS: settings.dbMaxConns,
      VISIBILITY_DB_MAX_CONNS: settings.visibilityDbMaxConns,
      FRONTEND_PORT: ports.frontend,
      FRONTEND_HTTP_PORT: ports.frontendHttp,
      FRONTEND_MEMBERSHIP_PORT: ports.frontendMembership,
      HISTORY_PORT: ports.history,
      HISTORY_MEMBERSHIP_PORT: ports.historyMembership,
      MATCHING_PORT: ports.matching,
      MATCHING_MEMBERSHIP_PORT: ports.matchingMembership,
      WORKER_PORT: ports.worker,
      WORKER_MEMBERSHIP_PORT: ports.workerMembership,
      FRONTEND_ADDRESS: `127.0.0.1:${ports.frontend}`,
      DYNAMIC_CONFIG_FILE: dynamicConfig,
    }),
    { mode: 0o600 }, // it holds the database password
  );
  return file;
}

/** Runs `temporal-sql-tool`; the password goes by environment (SQL_PASSWORD), never on the command line. */
function runSqlTool(sqlTool: string, pg: PgTarget, database: string, args: string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(
      sqlTool,
      ['--plugin', 'postgres12', '--ep', pg.host, '--port', String(pg.port), '--db', database, ...args],
      {
        env: { PATH: '/usr/bin:/bin', SQL_USER: pg.user, SQL_PASSWORD: pg.password },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolveRun(output)
        : reject(new Error(`temporal-sql-tool ${args[0]} on ${database} exited with ${code}:\n${output}`)),
    );
  });
}

/**
 * The default store's and the visibility store's databases and schemas, made or brought up to
 * date with the server's SQL tool: create-database when missing, setup-schema (version tables)
 * once, update-schema to the newest embedded schema every time (a no-op when current).
 */
export async function setupTemporalSchemas(options: {
  sqlTool: string;
  pg: PgTarget;
  database: string;
  visibilityDatabase: string;
  log: (message: string) => void;
}): Promise<void> {
  const { sqlTool, pg, log } = options;
  const admin = postgres({ ...pg, max: 1, onnotice: () => {} });
  try {
    for (const [database, schemaName] of [
      [options.database, 'postgresql/v12/temporal'],
      [options.visibilityDatabase, 'postgresql/v12/visibility'],
    ] as const) {
      const exists = await admin`select 1 from pg_database where datname = ${database}`;
      if (exists.length === 0) {
        log(`creating database ${database}`);
        await runSqlTool(sqlTool, pg, database, ['create-database', '--defaultdb', pg.database]);
      }
      const db = postgres({ ...pg, database, max: 1, onnotice: () => {} });
      try {
        const [row] = await db<
          { table: string | null }[]
        >`select to_regclass('schema_version')::text as table`;
        if (!row?.table) await runSqlTool(sqlTool, pg, database, ['setup-schema', '-v', '0.0']);
      } finally {
        await db.end({ timeout: 5 });
      }
      await runSqlTool(sqlTool, pg, database, ['update-schema', '--schema-name', schemaName]);
      log(`schema of ${database} is current (${schemaName})`);
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
}

async function answers(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

/** One run of the Temporal server on the config written by writeTemporalServerConfig. */
export function startTemporalServer(options: {
  binary: string;
  root: string;
  frontendPort: number;
  onLog?: (line: string) => void;
  signal?: AbortSignal;
}): Promise<Running> {
  const address = `127.0.0.1:${options.frontendPort}`;
  return startProgram({
    name: 'Temporal server',
    command: options.binary,
    args: ['--root', options.root, '--config', 'config', '--env', 'seva', '--allow-no-auth', 'start'],
    env: { PATH: '/usr/bin:/bin' },
    ready: () => answers(address),
    readyTimeoutMs: 180_000,
    onLog: options.onLog,
    signal: options.signal,
  });
}

const INDEXED_VALUE_TYPE: Record<string, protos.temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

const GRPC_ALREADY_EXISTS = 6;

async function retrying<T>(what: string, timeoutMs: number, run: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await run();
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/**
 * The namespace (with its retention) and Seva's custom search attributes (domain/search-attributes.ts),
 * what `temporal server start-dev --search-attribute` does for the dev server. Idempotent. Waits
 * until a workflow start carrying every attribute is accepted: a new namespace and new attributes
 * reach the server's caches within seconds, not at once.
 */
export async function registerNamespace(options: {
  address: string;
  namespace: string;
  retentionDays: number;
  log: (message: string) => void;
}): Promise<void> {
  const { namespace, log } = options;
  const connection = await Connection.connect({ address: options.address });
  try {
    await retrying(`registering namespace ${namespace}`, 60_000, async () => {
      try {
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs(options.retentionDays * 86_400_000),
        });
        log(`namespace ${namespace} registered (retention ${options.retentionDays} days)`);
      } catch (error) {
        if ((error as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw error;
      }
    });
    await retrying(`adding search attributes to ${namespace}`, 60_000, async () => {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const missing = Object.values(SA).filter((key) => !customAttributes?.[key.name]);
      if (missing.length === 0) return;
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type]!])),
      });
      log(`search attributes added: ${missing.map((k) => k.name).join(', ')}`);
    });
    const client = new Client({ connection, namespace });
    const sample = {
      [SearchAttributeType.KEYWORD]: 'probe',
      [SearchAttributeType.DATETIME]: new Date(),
      [SearchAttributeType.INT]: 0,
    };
    await retrying("starting a workflow with Seva's search attributes", 90_000, async () => {
      const handle = await client.workflow.start('sevaStackProbe', {
        taskQueue: 'seva-stack-probe',
        workflowId: `seva-stack-probe-${Date.now()}`,
        typedSearchAttributes: Object.values(SA).map(
          (key) => ({ key, value: sample[key.type] }) as SearchAttributePair,
        ),
      });
      await handle.terminate('probe of the namespace and search attributes: nothing runs it');
    });
  } finally {
    await connection.close();
  }
}

/**
 * One run of the Temporal UI server (ui-server v2.42.1) in front of the server's frontend. Its
 * config (`<root>/config/seva.yaml`, JSON being YAML) points the UI's codec at Seva's API.
 */
export function startUiServer(options: {
  binary: string;
  root: string;
  port: number;
  temporalAddress: string;
  namespace: string;
  codec: { endpoint: string; passAccessToken: boolean };
  onLog?: (line: string) => void;
  signal?: AbortSignal;
}): Promise<Running> {
  const configDir = join(options.root, 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(
    join(configDir, 'seva.yaml'),
    JSON.stringify(
      {
        temporalGrpcAddress: options.temporalAddress,
        host: '127.0.0.1',
        port: options.port,
        enableUi: true,
        defaultNamespace: options.namespace,
        notifyOnNewVersion: false,
        codec: options.codec,
      },
      null,
      2,
    ),
    { mode: 0o600 }, // in development the codec endpoint carries the per-start secret
  );
  return startProgram({
    name: 'Temporal UI server',
    command: options.binary,
    args: ['--root', options.root, '--config', 'config', '--env', 'seva', 'start'],
    env: { PATH: '/usr/bin:/bin' },
    ready: async () => (await fetch(`http://127.0.0.1:${options.port}/`)).ok,
    onLog: options.onLog,
    signal: options.signal,
  });
}

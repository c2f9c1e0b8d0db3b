import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../lib/logger';
import { installTracing, type Tracing } from '../lib/tracing';
import { bundleWorkflows } from '../worker/create-worker';
import { makeOwnConsumers } from './helpers/own-consumers';
import { startTestStack, type TestStack } from './helpers/stack';
import { sleep } from './helpers/wait';

/**
 * One trace from the HTTP request to each activity, on the real stack: the API's server span, the
 * client's StartWorkflow, the workflow's RunWorkflow and StartActivity (from the traced bundle,
 * through the worker's sink) and the worker's RunActivity share one trace id, each the child of
 * the one before. Spans go to an in-memory exporter instead of OTLP; log lines carry the ids.
 */
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let stack: TestStack;
let agent: string;
let dir: string;
let tracedBundleSize: number;
const lines: string[] = [];

beforeAll(async () => {
  tracing = (await installTracing(
    { observability: { metricsToken: undefined, workerMetricsAddress: undefined, otlp: undefined } },
    'seva-test',
    { spanProcessor: new SimpleSpanProcessor(exporter) },
  ))!;
  dir = mkdtempSync(join(tmpdir(), 'seva-traced-bundle-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  const { code } = await bundleWorkflows({ traced: true });
  writeFileSync(bundlePath, code);
  tracedBundleSize = code.length;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  stack = await startTestStack({
    tracing,
    workflowBundlePath: bundlePath,
    logger: createLogger({ log: { level: 'info', pretty: false } }, 'api', sink),
  });
  agent = await stack.token({ role: 'agent', office: 'sec-pattom' });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  await tracing?.shutdown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const spanId = (s: ReadableSpan) => s.spanContext().spanId;
const traceId = (s: ReadableSpan) => s.spanContext().traceId;

async function spansUntil(done: (spans: ReadableSpan[]) => boolean, ms = 15_000) {
  const until = Date.now() + ms;
  for (;;) {
    const spans = exporter.getFinishedSpans();
    if (done(spans) || Date.now() > until) return spans;
    await sleep(100);
  }
}

describe('traces', () => {
  it('run from the HTTP request through the workflow to each activity under one trace id', async () => {
    exporter.reset();
    const res = await stack.call('POST', '/v1/pings', {
      token: agent,
      body: { consumerNumber: '1154600000007', message: 'trace me' },
      headers: { 'x-request-id': 'trace-test-request-1' },
    });
    expect(res.status).toBe(201);
    const spans = await spansUntil((s) =>
      ['RunActivity:recordPing', 'RunWorkflow:pingWorkflow', 'POST /v1/pings'].every((n) =>
        s.some((x) => x.name === n),
      ),
    );
    const one = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(
        found.map((s) => s.name),
        `spans: ${spans.map((s) => s.name).join(', ')}`,
      ).toEqual([name]);
      return found[0]!;
    };
    const http = one('POST /v1/pings');
    const start = one('StartWorkflow:pingWorkflow');
    const run = one('RunWorkflow:pingWorkflow');
    expect(http.kind).toBe(SpanKind.SERVER);
    expect(http.parentSpanId).toBeUndefined();
    expect(http.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/pings',
      'http.response.status_code': 201,
      'seva.request_id': 'trace-test-request-1',
    });
    expect(start.parentSpanId).toBe(spanId(http));
    expect(run.parentSpanId).toBe(spanId(start));
    for (const activity of ['lookupConsumer', 'recordPing']) {
      const scheduled = one(`StartActivity:${activity}`);
      const ran = one(`RunActivity:${activity}`);
      expect(scheduled.parentSpanId).toBe(spanId(run));
      expect(ran.parentSpanId).toBe(spanId(scheduled));
    }
    expect(new Set(spans.map(traceId))).toEqual(new Set([traceId(http)]));
    // no consumer number in any span name or attribute (the sink's copy of the search attributes is dropped)
    expect(JSON.stringify(spans.map((s) => [s.name, s.attributes]))).not.toContain('1154600000007');
    expect(run.attributes).toMatchObject({
      workflowType: 'pingWorkflow',
      taskQueue: stack.config.temporal.taskQueue,
    });
    for (const s of spans)
      for (const value of Object.values(s.attributes))
        expect(['string', 'number', 'boolean']).toContain(typeof value);

    // the access log line: the request id joined to the trace
    const access = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request' && l.requestId === 'trace-test-request-1');
    expect(access).toMatchObject({ traceId: traceId(http), spanId: spanId(http), path: '/v1/pings' });
  });

  it('a complaint started by the relay from the workflow inbox stays in the request’s trace', async () => {
    const consumerNumber = '1560233000099'; // this test's own (the inbox test's range)
    await makeOwnConsumers(stack, [consumerNumber]);
    exporter.reset();
    // Paused: the start runs later, outside the request (as after a crash, or a Temporal outage).
    stack.relay.pause();
    const res = await stack.call('POST', '/v1/complaints', {
      token: await stack.token({ role: 'agent', office: 'circle-ekm' }),
      body: { type: 'low-voltage', consumerNumber, description: 'dim lights, traced' },
      headers: { 'idempotency-key': `trace-complaint-${Date.now()}` },
    });
    expect(res.status, res.text).toBe(201);
    stack.relay.resume();
    const spans = await spansUntil((s) =>
      ['POST /v1/complaints', 'StartWorkflow:complaintWorkflow', 'RunActivity:saveComplaint'].every((n) =>
        s.some((x) => x.name === n),
      ),
    );
    const http = spans.find((s) => s.name === 'POST /v1/complaints')!;
    const start = spans.find((s) => s.name === 'StartWorkflow:complaintWorkflow')!;
    // The relay's start runs after the answer, under the context the door kept with the row; the
    // workflow (still running: its RunWorkflow span ends with it) and its activities follow.
    expect(start.parentSpanId).toBe(spanId(http));
    expect(new Set(spans.map(traceId))).toEqual(new Set([traceId(http)]));
  });

  it('continue a caller’s traceparent, and leave log lines outside a span without ids', async () => {
    exporter.reset();
    const parent = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await stack.call('GET', '/healthz', {
      headers: { traceparent: `00-${parent}-00f067aa0ba902b7-01` },
    });
    expect(res.status).toBe(200);
    const [http] = await spansUntil((s) => s.length > 0);
    expect(http!.name).toBe('GET /healthz');
    expect(traceId(http!)).toBe(parent);
    expect(http!.parentSpanId).toBe('00f067aa0ba902b7');
    const before = lines.length;
    createLogger({ log: { level: 'info', pretty: false } }, 'plain', {
      write: (l: string) => lines.push(l),
    }).info('outside');
    expect(JSON.parse(lines.at(-1)!)).not.toHaveProperty('traceId');
    expect(lines.length).toBe(before + 1);
  });

  it('keep the traced bundle zod-free, and say what tracing adds to it', () => {
    const code = readFileSync(join(dir, 'workflow-bundle.js'), 'utf8');
    expect(code).not.toMatch(/node_modules\/zod\//);
    expect(code).toContain('OpenTelemetryInboundInterceptor');
    const plain = readFileSync(inject('workflowBundlePath'), 'utf8').length;
    console.log(
      `workflow bundle: ${plain} bytes plain, ${tracedBundleSize} traced (+${tracedBundleSize - plain})`,
    );
    // OpenTelemetry's api, core, sdk-trace-base and semantic-conventions: about +0.7 MB of code
    // (+1.7 MB with the source map), in the bundle only when tracing is on
    expect(tracedBundleSize - plain).toBeLessThan(2_000_000);
  });
});

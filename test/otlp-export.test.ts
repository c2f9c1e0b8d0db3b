import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { installTracing } from '../lib/tracing';

/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT set, spans leave the process over OTLP http/protobuf: a
 * collector stand-in on loopback receives POST /v1/traces with the configured headers.
 */
const received: { url: string; type: string; apiKey: string; body: Buffer }[] = [];
const collector = createServer((req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({
      url: req.url ?? '',
      type: req.headers['content-type'] ?? '',
      apiKey: String(req.headers['x-api-key'] ?? ''),
      body: Buffer.concat(chunks),
    });
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
afterAll(() => new Promise((r) => collector.close(r)));

describe('OTLP export', () => {
  it('is off without an endpoint, and sends protobuf spans to <endpoint>/v1/traces with one', async () => {
    expect(await installTracing(loadConfig({}), 'seva-test')).toBeUndefined();
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const { port } = collector.address() as AddressInfo;
    const config = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/`,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=collector-key',
    });
    const tracing = (await installTracing(config, 'seva-otlp-test'))!;
    trace.getTracer('test').startActiveSpan('GET /healthz', (span) => span.end());
    await tracing.shutdown(); // flushes the batch
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      url: '/v1/traces',
      type: 'application/x-protobuf',
      apiKey: 'collector-key',
    });
    const body = received[0]!.body.toString('latin1');
    expect(body).toContain('GET /healthz');
    expect(body).toContain('seva-otlp-test');
  });
});

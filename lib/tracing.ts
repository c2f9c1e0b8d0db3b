import type { Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config';

/**
 * OpenTelemetry traces: HTTP request → StartWorkflow → RunWorkflow → StartActivity → RunActivity,
 * one trace id (api/tracing.ts, the Temporal interceptors in lib/temporal.ts and worker/). Off
 * unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set: then nothing is registered, no interceptor
 * installed and no span made (the OpenTelemetry API's no-op tracer answers the rest).
 */
export type Tracing = {
  tracer: Tracer;
  resource: Resource;
  /** where the worker's workflow-span sink hands its spans (the same pipeline as everyone else's) */
  spanProcessor: SpanProcessor;
  /** flushes what is buffered, then stops */
  shutdown(): Promise<void>;
};

/**
 * Registers the process-wide tracer provider (once per process): spans go through a batch
 * processor to OTLP over http/protobuf (`<endpoint>/v1/traces`), or to the given processor (tests
 * pass a SimpleSpanProcessor with an InMemorySpanExporter). Undefined when tracing is off; the
 * SDK and the exporter are loaded only then.
 */
export async function installTracing(
  config: Pick<Config, 'observability'>,
  serviceName: string,
  options: { spanProcessor?: SpanProcessor } = {},
): Promise<Tracing | undefined> {
  const otlp = config.observability.otlp;
  if (!otlp && !options.spanProcessor) return undefined;
  const [{ AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { Resource }, sdk] =
    await Promise.all([
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace-base'),
    ]);
  const { OTLPTraceExporter } = otlp
    ? await import('@opentelemetry/exporter-trace-otlp-proto')
    : { OTLPTraceExporter: undefined };
  const spanProcessor =
    options.spanProcessor ??
    new sdk.BatchSpanProcessor(
      new OTLPTraceExporter!({ url: `${otlp!.endpoint}/v1/traces`, headers: otlp!.headers }),
    );
  const resource = new Resource({ 'service.name': serviceName });
  const provider = new sdk.BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager().enable(),
    propagator: new W3CTraceContextPropagator(),
  });
  return {
    tracer: provider.getTracer('seva'),
    resource,
    spanProcessor,
    shutdown: () => provider.shutdown(),
  };
}

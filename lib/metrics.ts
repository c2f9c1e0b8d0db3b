import { timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics (prom-client), every series prefixed `seva_`. Each process holds its own
 * registry: the API one (`createApiMetrics`) and a worker's (`createWorkerMetrics`, in
 * worker/metrics.ts). Labels carry route patterns, statuses, channels and activity types — never
 * a consumer number, a Request Number or anything else a caller chose. The README lists them all.
 */

/** What the complaint intake decided, per report (use-cases/register-complaint.ts). */
export const INTAKE_OUTCOMES = ['new', 'retry', 'join', 'refused', 'unavailable', 'failed'] as const;
export type TIntakeOutcome = (typeof INTAKE_OUTCOMES)[number];

/** What a channel webhook did with a message it answers once per message id (api/routes/channels.ts). */
export const CHANNEL_MESSAGE_OUTCOMES = ['handled', 'duplicate', 'busy'] as const;
export type TChannelMessageOutcome = (typeof CHANNEL_MESSAGE_OUTCOMES)[number];

/** The intake's view of the metrics: use cases count through this and know nothing of prom-client. */
export type IntakeMetrics = {
  intake(channel: string, outcome: TIntakeOutcome): void;
};

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Latency buckets (seconds): from a cached page (a few ms) to an intake waiting out its deadline. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type BusinessFigures = {
  open: { kind: 'service_request' | 'complaint'; status: string; n: number }[];
  breached: { kind: 'service_request' | 'complaint'; n: number }[];
  stuckClaims: { channel: string; n: number }[];
  /** workflows the intake promised and no relay has started yet (db/workflow-inbox.ts) */
  inbox: { depth: number; oldestSeconds: number };
};

/** `processMetrics`: prom-client's default process series too (seva_process_*, seva_nodejs_*), once per process. */
export function createApiMetrics(options: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'seva_' });
  const requests = new Counter({
    name: 'seva_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'seva_http_request_duration_seconds',
    help: 'Time from a request reaching the app to its response, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  const intake = new Counter({
    name: 'seva_complaint_intake_total',
    help: 'Complaint reports by channel and what the intake made of them (new, retry, join, refused, unavailable, failed)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const channelMessages = new Counter({
    name: 'seva_channel_messages_total',
    help: 'Channel messages other than reports (look-ups, menus, links), answered once per message id: handled, duplicate (the stored answer again) or busy (409, another delivery holds the claim)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const open = new Gauge({
    name: 'seva_open_items',
    help: 'Service requests and complaints not closed, by kind and status (read models, at scrape time)',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
  });
  const breached = new Gauge({
    name: 'seva_tat_breaches_open',
    help: 'Open items past their turnaround time (TAT) and still waiting on the utility, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const stuck = new Gauge({
    name: 'seva_intake_claims_stuck',
    help: 'Channel messages claimed for handling (status processing) for longer than the claim lease, by channel: a handler died or hangs',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  const inboxDepth = new Gauge({
    name: 'seva_workflow_inbox_depth',
    help: 'Workflows the intake has promised (answered the sender) and no relay has started yet; grows while Temporal is unreachable',
    registers: [registry],
  });
  const inboxOldest = new Gauge({
    name: 'seva_workflow_inbox_oldest_seconds',
    help: 'Age of the oldest row in the workflow inbox (0 when empty)',
    registers: [registry],
  });
  const relayStarts = new Counter({
    name: 'seva_workflow_relay_starts_total',
    help: "Workflow starts by this process's inbox relay: started (or found running), existing (already closed), failed (Temporal did not take it; the row stays and is retried)",
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const figuresUp = new Gauge({
    name: 'seva_business_gauges_up',
    help: '1 when the last scrape read the business gauges from PostgreSQL, 0 when that failed (they keep their previous values)',
    registers: [registry],
  });
  const figuresSeconds = new Gauge({
    name: 'seva_business_gauges_duration_seconds',
    help: 'How long the last scrape took to read the business gauges',
    registers: [registry],
  });

  return {
    registry,
    /** one answered request; `route` is the Hono route pattern, never the path */
    observeRequest(method: string, route: string, status: number, seconds: number) {
      const labels = { method: HTTP_METHODS.has(method) ? method : 'OTHER', route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
    intake(channel: string, outcome: TIntakeOutcome) {
      intake.inc({ channel, outcome });
    },
    relayStart(outcome: 'started' | 'existing' | 'failed') {
      relayStarts.inc({ outcome });
    },
    channelMessage(channel: string, outcome: TChannelMessageOutcome) {
      channelMessages.inc({ channel, outcome });
    },
    /** Reads the business figures (a failure leaves the old values and says so in seva_business_gauges_up). */
    async collectBusiness(read: () => Promise<BusinessFigures>) {
      const started = performance.now();
      try {
        const figures = await read();
        open.reset();
        for (const r of figures.open) open.set({ kind: r.kind, status: r.status }, r.n);
        breached.reset();
        for (const kind of ['service_request', 'complaint'] as const)
          breached.set({ kind }, figures.breached.find((b) => b.kind === kind)?.n ?? 0);
        stuck.reset();
        for (const r of figures.stuckClaims) stuck.set({ channel: r.channel }, r.n);
        inboxDepth.set(figures.inbox.depth);
        inboxOldest.set(figures.inbox.oldestSeconds);
        figuresUp.set(1);
      } catch (error) {
        figuresUp.set(0);
        throw error;
      } finally {
        figuresSeconds.set((performance.now() - started) / 1000);
      }
    },
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

/** Who may scrape: the bearer `METRICS_TOKEN` when set, compared in constant time. */
export function metricsTokenMatches(expected: string, header: string | undefined): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!);
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** A loopback address (127.0.0.0/8, ::1, or an in-process request with no socket at all). */
export const isLoopback = (address: string) =>
  address === 'local' || address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address);

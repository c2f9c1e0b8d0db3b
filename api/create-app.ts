import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { DomainProblem, type TFailureType } from '../domain/failures';
import { redactPath } from '../lib/redact';
import { isUnreachable } from '../lib/unreachable';
import { authenticate, identify } from './auth';
import { createRouter } from './create-router';
import { domainProblemResponse, FAILURE_STATUS, HttpProblem, problemResponse } from './problem';
import { createApiMetrics } from '../lib/metrics';
import { measureRequests, metricsHandler } from './metrics';
import { rateLimit } from './rate-limit';
import { traceRequests } from './tracing';
import { guardText } from './text-guard';
import { createCodecRoutes } from './routes/codec';
import { createDocsRoutes } from './routes/docs';
import { createHealthRoutes } from './routes/health';
import { createBulkPaymentRoutes } from './routes/bulk-payments';
import { createCatalogueRoutes } from './routes/catalogue';
import { createComplaintRoutes } from './routes/complaints';
import { createChannelRoutes } from './routes/channels';
import { createDocumentRoutes } from './routes/documents';
import { createCompensationRoutes } from './routes/compensation';
import { createLedgerRoutes } from './routes/ledger';
import { createFeedbackRoutes } from './routes/feedback';
import { createPingRoutes } from './routes/pings';
import { createNoticeRoutes } from './routes/notices';
import { createOfficeRoutes } from './routes/offices';
import { createOutageRoutes } from './routes/outages';
import { createCampaignRoutes } from './routes/campaigns';
import { createRepairRoutes } from './routes/repair';
import { createPreferenceRoutes } from './routes/preferences';
import { createPrintQueueRoutes } from './routes/print-queue';
import { createReceiptRoutes } from './routes/receipts';
import { createSelfServiceRoutes } from './routes/self-service';
import { createServiceRequestRoutes } from './routes/service-requests';
import { createSigningKeyRoutes } from './routes/signing-keys';
import { createStaffRoutes } from './routes/staff';
import { createWorkItemRoutes } from './routes/work-items';
import { createKpiRoutes } from './routes/kpis';
import type { AppDeps } from './types';
import { isPortalUpload } from '../web/paths';
import { createPortalRoutes } from '../web/portal';
import { createConsoleRoutes } from '../web/console/app';
import { isConsoleUpload } from '../web/console/paths';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Routes that take files, and the media types they take them in. Both the body limit and the
 * media-type check read this one table: uploads get the larger limit, and only here is a
 * non-JSON body accepted (besides HTML forms); the portal's forms with files are named in
 * web/paths.ts, the console's in web/console/paths.ts.
 */
const UPLOADS: Record<string, RegExp> = {
  '/v1/documents': /^multipart\/form-data\b/i,
  '/v1/service-requests': /^multipart\/form-data\b/i,
  '/v1/receipts/verify': /^(multipart\/form-data|application\/pdf)\b/i,
  '/v1/bulk-payments': /^multipart\/form-data\b/i,
};
const isUpload = (path: string, type: string) =>
  (
    UPLOADS[path] ?? (isPortalUpload(path) || isConsoleUpload(path) ? /^multipart\/form-data\b/i : undefined)
  )?.test(type) ?? false;

/** The whole HTTP surface. Dependencies come in; nothing here reads the environment or opens connections. */
export function createApp(appDeps: AppDeps) {
  const app = createRouter();
  const metrics = appDeps.metrics ?? createApiMetrics();
  // Routes and pages hand `deps` to the use cases, which count the intake's outcomes through it.
  const deps: AppDeps = { ...appDeps, metrics };

  app.use(
    requestId({
      headerName: 'X-Request-Id',
      limitLength: 128,
    }),
  );
  // Before everything else but the request id: no access log line, rate limit or JWT for a scraper.
  app.get('/metrics', metricsHandler(deps, metrics));
  // The workflow relay yields to the door: a start it was handed waits while requests are answered.
  const relay = deps.relay;
  if (relay?.busy)
    app.use(async (_c, next) => {
      const release = relay.busy!();
      try {
        await next();
      } finally {
        release();
      }
    });
  if (deps.tracer) app.use(traceRequests(deps.tracer));
  app.use(measureRequests(metrics));
  app.use(async (c, next) => {
    const started = performance.now();
    const log = deps.logger.child({ requestId: c.get('requestId') });
    c.set('logger', log);
    await next();
    const principal = c.get('principal');
    log.info(
      {
        method: c.req.method,
        path: redactPath(c.req.path),
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        ...(principal ? { sub: principal.subject, role: principal.role } : {}),
      },
      'request',
    );
  });
  app.use(secureHeaders({ crossOriginResourcePolicy: false }));
  app.use(identify(deps.verifyToken));
  app.use(
    rateLimit({
      perMinute: deps.config.http.rateLimitPerMinute,
      webhooksPerMinute: deps.config.http.webhookRateLimitPerMinute,
      trustedProxies: deps.config.http.trustedProxies,
    }),
  );
  // JSON bodies are small; uploads (documents, multipart submissions, receipts to verify) may be
  // larger, and each file is then judged against the document limits.
  const limit = (maxSize: number) =>
    bodyLimit({ maxSize, onError: (c) => problemResponse(c, 413, `body exceeds ${maxSize} bytes`) });
  const jsonLimit = limit(deps.config.http.bodyLimitBytes);
  const uploadLimit = limit(deps.config.http.uploadLimitBytes);
  app.use((c, next) =>
    isUpload(c.req.path, c.req.header('content-type') ?? '') ? uploadLimit(c, next) : jsonLimit(c, next),
  );
  app.use(async (c, next) => {
    const hasBody =
      c.req.header('content-length') !== undefined || c.req.header('transfer-encoding') !== undefined;
    const type = c.req.header('content-type') ?? '';
    if (
      BODY_METHODS.has(c.req.method) &&
      hasBody &&
      c.req.header('content-length') !== '0' &&
      !/^(application\/(.+\+)?json|application\/x-www-form-urlencoded)\b/i.test(type) &&
      !isUpload(c.req.path, type)
    ) {
      throw new HttpProblem(
        415,
        `send JSON (application/json)${UPLOADS[c.req.path] ? ', or the files as multipart/form-data' : ''} (got "${type || 'none'}")`,
      );
    }
    await next();
  });
  app.use(authenticate());
  app.use(guardText());

  app.route('/', createHealthRoutes(deps));
  app.route('/', createDocsRoutes());
  app.route('/', createCodecRoutes(deps));
  app.route('/', createPingRoutes(deps));
  app.route('/', createCatalogueRoutes(deps));
  app.route('/', createDocumentRoutes(deps));
  app.route('/', createSigningKeyRoutes(deps));
  app.route('/', createServiceRequestRoutes(deps));
  app.route('/', createWorkItemRoutes(deps));
  app.route('/', createKpiRoutes(deps));
  app.route('/', createFeedbackRoutes(deps));
  app.route('/', createReceiptRoutes(deps));
  app.route('/', createNoticeRoutes(deps));
  app.route('/', createPrintQueueRoutes(deps));
  app.route('/', createPreferenceRoutes(deps));
  app.route('/', createSelfServiceRoutes(deps));
  app.route('/', createOfficeRoutes(deps));
  app.route('/', createOutageRoutes(deps));
  app.route('/', createCampaignRoutes(deps));
  app.route('/', createComplaintRoutes(deps));
  app.route('/', createChannelRoutes(deps));
  app.route('/', createStaffRoutes(deps));
  app.route('/', createLedgerRoutes(deps));
  app.route('/', createCompensationRoutes(deps));
  app.route('/', createBulkPaymentRoutes(deps));
  app.route('/', createRepairRoutes(deps));
  // The consumer portal: server-rendered pages (web/), with their own session and CSRF checks.
  app.route('/', createPortalRoutes(deps));
  // The back-office console (web/console/): staff sessions of its own, the same use cases.
  app.route('/console', createConsoleRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Dev tokens: `npm run token -- --role executive --office <officeId>`',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Seva API',
      version: '0.1.0',
      description:
        'Service requests and complaints for an electricity utility. Every error is application/problem+json (RFC 9457). ' +
        'Each operation lists the roles that may call it in `x-roles`. ' +
        'Beyond the schemas: no string or object key may contain U+0000 or an unpaired surrogate, and bodies are UTF-8 (400 names the field); ' +
        'Request Numbers end in a Verhoeff check digit; rules across fields are in the field descriptions.',
    },
    servers: [{ url: deps.config.http.publicUrl }],
  });

  // A known path asked with a method it does not take: 405 with the methods it does take.
  let routeTable: { method: string; pattern: RegExp }[] | undefined;
  const allowedMethods = (path: string) => {
    routeTable ??= app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({
        method: r.method,
        pattern: new RegExp(
          `^${r.path
            .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
            .replace(/:\w+/g, '[^/]+')
            .replace(/\*/g, '.*')}$`,
        ),
      }));
    const methods = new Set(routeTable.filter((r) => r.pattern.test(path)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD'); // hono answers HEAD wherever GET is routed
    return [...methods];
  };
  app.notFound((c) => {
    const allow = allowedMethods(c.req.path);
    if (allow.length > 0)
      return problemResponse(
        c,
        405,
        `${redactPath(c.req.path)} takes ${allow.join(', ')}, not ${c.req.method}`,
        {
          headers: { allow: allow.join(', ') },
        },
      );
    return problemResponse(c, 404, `no route ${c.req.method} ${redactPath(c.req.path)}`);
  });
  app.onError((error, c) => {
    if (error instanceof HttpProblem) return problemResponse(c, error.status, error.detail, error.extra);
    // Temporal or PostgreSQL did not answer: the outcome is unknown, so the caller is told to
    // retry (the intake's keys make that safe) rather than given a 500.
    if (isUnreachable(error)) {
      (c.get('logger') ?? deps.logger).warn(
        { err: error, path: redactPath(c.req.path) },
        'a dependency did not answer: 503',
      );
      return problemResponse(
        c,
        503,
        'Seva could not reach its workflow engine or database in time; try again shortly',
        {
          headers: { 'retry-after': '5' },
        },
      );
    }
    // A use case's refusal (domain/failures.ts): same table as the workflows' failures below.
    if (error instanceof DomainProblem) return domainProblemResponse(c, error);
    // Business failures from a workflow run or from an Update's validator/handler: one table.
    if (error instanceof WorkflowFailedError || error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause;
      if (cause instanceof ApplicationFailure && cause.type && cause.type in FAILURE_STATUS) {
        return problemResponse(c, FAILURE_STATUS[cause.type as TFailureType], cause.message);
      }
    }
    if (error instanceof HTTPException) {
      // Hono's own validators: say what to send, and name the body as the bad field.
      if (error.status === 415)
        return problemResponse(
          c,
          415,
          `send application/json (got "${c.req.header('content-type') ?? 'none'}")`,
        );
      if (error.status === 400)
        return problemResponse(c, 400, error.message || undefined, {
          errors: [{ field: '(body)', message: error.message || 'unreadable body' }],
        });
      return problemResponse(c, error.status, error.message || undefined);
    }
    (c.get('logger') ?? deps.logger).error({ err: error, path: redactPath(c.req.path) }, 'unhandled error');
    return problemResponse(
      c,
      500,
      'something went wrong on our side; quote the request id when reporting it',
    );
  });
  return app;
}

export type App = ReturnType<typeof createApp>;

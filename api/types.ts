import type { Tracer } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { InboxHandOff } from '../lib/workflow-relay';
import type { Database } from '../db/client';
import type { TPrincipal } from '../domain/roles';
import type { TokenVerifier } from '../lib/auth-tokens';
import type { ContentPool } from '../lib/content-pool';
import type { TReceiptVerdict } from '../lib/receipt-pdf';
import type { Logger } from '../lib/logger';
import type { ApiMetrics } from '../lib/metrics';
import type { HttpProblem } from './problem';

export type AppDeps = {
  config: Pick<
    Config,
    | 'http'
    | 'temporal'
    | 'auth'
    | 'payloadCodec'
    | 'env'
    | 'decisions'
    | 'notices'
    | 'channels'
    | 'complaints'
    | 'intake'
    | 'bulkPayments'
    | 'campaigns'
    | 'utilityName'
    | 'profile'
    | 'pdfFonts'
    | 'oidc'
    | 'observability'
  >;
  db: Database;
  temporal: Client;
  logger: Logger;
  verifyToken: TokenVerifier;
  /** checks a receipt PDF against the configured trust anchors */
  verifyReceipt: (pdf: Buffer) => Promise<TReceiptVerdict>;
  /** PEM certificates offline e-KYC signatures must verify against */
  ekycTrustAnchorsPem: string;
  /** development only: the per-start secret in the Temporal UI's codec URL (`/codec/ui/<secret>/…`) */
  codecUiSecret?: string;
  /** worker threads that parse uploads (PDF, ZIP, XML signatures) off the request thread; one is made when absent */
  contentPool?: ContentPool;
  now?: () => Date;
  /** the process's API metrics (GET /metrics); createApp makes one when absent */
  metrics?: ApiMetrics;
  /** tracing is on (lib/tracing.ts): one server span per request */
  tracer?: Tracer;
  /** this process's workflow relay (lib/workflow-relay.ts): the intake hands it what it committed */
  relay?: InboxHandOff;
};

export type AppEnv = {
  Variables: {
    requestId: string;
    logger: Logger;
    principal: TPrincipal;
    /** why the bearer token was refused, for `authenticate` to answer after the rate limit */
    authProblem?: HttpProblem;
  };
};

import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Database } from '../db/client';
import type { ContentPool } from '../lib/content-pool';
import type { IntakeMetrics } from '../lib/metrics';
import type { InboxHandOff } from '../lib/workflow-relay';

/**
 * What use cases are given: the same objects the HTTP app receives (`AppDeps` is a superset), so
 * a route and a page pass theirs along unchanged. Each use case picks what it needs.
 */
export type UseCaseDeps = {
  config: Pick<
    Config,
    'temporal' | 'payloadCodec' | 'decisions' | 'complaints' | 'intake' | 'profile' | 'campaigns'
  >;
  db: Database;
  temporal: Client;
  /** PEM certificates offline e-KYC signatures must verify against */
  ekycTrustAnchorsPem: string;
  /** worker threads that parse uploads off the calling thread; one is made when absent */
  contentPool?: ContentPool;
  now?: () => Date;
  /** counts what the intake decides (GET /metrics); absent: nothing is counted */
  metrics?: IntakeMetrics;
  /**
   * this process's workflow relay: the intake hands it each start it has committed to the inbox;
   * absent, the rows are due at once for any relay polling the inbox
   */
  relay?: InboxHandOff;
};

export const clockOf = (deps: Pick<UseCaseDeps, 'now'>) => deps.now ?? (() => new Date());

/**
 * A Temporal call of the intake, bounded: past the deadline it fails as DEADLINE_EXCEEDED (the
 * caller answers 503 + Retry-After) instead of the client's retries holding the request for 20 s.
 */
export const withinDeadline = <T>(
  deps: Pick<UseCaseDeps, 'temporal' | 'config'>,
  fn: () => Promise<T>,
): Promise<T> => deps.temporal.connection.withDeadline(Date.now() + deps.config.intake.deadlineMs, fn);

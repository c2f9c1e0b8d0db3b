import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { Config } from '../config';
import type { Database } from '../db/client';
import {
  claimDueRows,
  deferInboxRows,
  deleteInboxRows,
  readInboxRow,
  type TInboxStart,
} from '../db/workflow-inbox';
import { SA } from '../domain/search-attributes';
import type { Logger } from './logger';
import { isUnreachable } from './unreachable';

/** What a relay counts (GET /metrics): a workflow started (or found started), or a start that failed. */
export type RelayMetrics = { relayStart(outcome: 'started' | 'existing' | 'failed'): void };

/**
 * The local relay as the door sees it: the start it has just committed, to be started from memory;
 * and each request the door is answering (`busy`, released when answered), for the relay to yield to.
 */
export type InboxHandOff = { handOff(start: TInboxStart): void; busy?(): () => void };

type TRelayDeps = {
  db: Database;
  temporal: Client;
  config: Pick<Config, 'temporal' | 'payloadCodec' | 'intake'>;
};

const typedSearchAttributes = (attributes: TInboxStart['searchAttributes']): SearchAttributePair[] =>
  Object.entries(attributes).map(([name, value]) => {
    const key = SA[name as keyof typeof SA];
    if (!key) throw new Error(`unknown search attribute ${name}`);
    // JSON kept a Datetime as its ISO text
    const typed = key.type === SearchAttributeType.DATETIME ? new Date(value) : value;
    return { key, value: typed } as SearchAttributePair;
  });

/** The active trace context, to keep with a start (empty when tracing is off). */
export function traceCarrier(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

/**
 * Starts the workflow a row promised: its id is the row's (a Request Number), `USE_EXISTING` finds
 * the run an earlier start made, and `WorkflowExecutionAlreadyStartedError` (it ran and closed) is
 * "started" too. Answers 'started' or 'existing'; throws when Temporal did not take it.
 */
export async function startInboxWorkflow(
  deps: Pick<TRelayDeps, 'temporal' | 'config'>,
  start: TInboxStart,
): Promise<'started' | 'existing'> {
  // Under the door's trace context: the client interceptor carries it into the workflow's headers.
  const within = start.trace ? propagation.extract(ROOT_CONTEXT, start.trace) : context.active();
  try {
    await context.with(within, () =>
      deps.temporal.connection.withDeadline(Date.now() + deps.config.intake.deadlineMs, () =>
        deps.temporal.workflow.start(start.workflowType, {
          workflowId: start.workflowId,
          taskQueue: start.taskQueue,
          args: start.args,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'USE_EXISTING',
          typedSearchAttributes: typedSearchAttributes(start.searchAttributes),
        }),
      ),
    );
    return 'started';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'existing';
    throw error;
  }
}

/**
 * A workflow that may still wait in the inbox, started now (a join to it, a read of it, right after
 * its report was answered). Answers false when no row holds it: it was started before (or never promised).
 */
export async function startFromInbox(deps: TRelayDeps, workflowId: string): Promise<boolean> {
  const row = await readInboxRow(deps.db, deps.config.payloadCodec, workflowId);
  if (!row) return false;
  await startInboxWorkflow(deps, row);
  await deleteInboxRows(deps.db, [workflowId]);
  return true;
}

/**
 * The relay of one API process: starts the workflows of the inbox (db/workflow-inbox.ts). The door
 * hands it each start it commits (`handOff`: no wait, no query), and every `pollMs` it claims the
 * due rows of its namespace and task queue — those of a process that died, of a relay that backed
 * off, of a writer without a relay — in batches (`FOR UPDATE SKIP LOCKED`, a lease of `leaseMs`).
 * Up to `concurrency` starts run at once; a started row is deleted (batched). When Temporal cannot
 * be reached the relay backs off (0.5 s doubling to 10 s), the failed rows are deferred as long and
 * the rest stay where they are: nothing is lost, and the next round catches up.
 */
export function createWorkflowRelay(
  deps: TRelayDeps & { logger?: Logger; metrics?: RelayMetrics },
): InboxHandOff & {
  start(): void;
  stop(): Promise<void>;
  pause(): void;
  resume(): void;
  /** claims due rows now (tests, and after a pause) */
  poll(): Promise<void>;
} {
  const { leaseMs, pollMs, concurrency, batch } = deps.config.intake.relay;
  // A start held back past its row's lease would be taken (and started again) by another API's relay.
  const yieldMs = Math.min(deps.config.intake.relay.yieldMs, leaseMs / 2);
  const where = { namespace: deps.config.temporal.namespace, taskQueue: deps.config.temporal.taskQueue };
  // each with when it may start: a hand-off waits while the door answers requests, up to yieldMs
  const queue: { start: TInboxStart; notBefore: number }[] = [];
  const known = new Set<string>(); // queued or in flight
  const started: string[] = []; // to delete
  const failed: string[] = []; // to defer
  let inFlight = 0;
  let paused = false;
  let stopped = true;
  let backoffMs = 0;
  let backoffUntil = 0;
  let lastError = '';
  let flushing: Promise<void> | undefined;
  let polling: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let idle: (() => void) | undefined;
  let door = 0; // requests the door is answering now
  let wake: NodeJS.Timeout | undefined;
  let lastPollFull = false;

  const enqueue = (start: TInboxStart, notBefore = 0) => {
    // A bounded memory: past it the row waits in PostgreSQL for its lease to end and a poll.
    if (known.has(start.workflowId) || queue.length >= batch * 5) return;
    known.add(start.workflowId);
    queue.push({ start, notBefore });
  };

  /**
   * The next start may go: the door is idle, or it has waited its yield. While the door answers
   * requests, their CPU comes first (a start costs the API, Temporal and then the worker far more
   * than the answer did); the relay wakes when the door goes idle or the first wait ends.
   */
  const mayStart = () => {
    if (door === 0 || queue[0]!.notBefore <= Date.now()) return true;
    if (!wake) {
      wake = setTimeout(() => {
        wake = undefined;
        pump();
      }, queue[0]!.notBefore - Date.now());
      wake.unref();
    }
    return false;
  };

  const flush = () => {
    if (flushing || (started.length === 0 && failed.length === 0)) return;
    const done = started.splice(0);
    const deferred = failed.splice(0);
    flushing = (async () => {
      try {
        await deleteInboxRows(deps.db, done);
        await deferInboxRows(deps.db, deferred, Math.max(backoffMs, 1_000), lastError);
      } catch (error) {
        // PostgreSQL did not answer: a started row left behind is started again (a no-op) later.
        deps.logger?.warn({ err: error }, 'workflow relay could not update the inbox');
      } finally {
        flushing = undefined;
        flush();
        if (inFlight === 0 && !flushing) idle?.();
      }
    })();
  };

  const pump = () => {
    while (
      !stopped &&
      !paused &&
      inFlight < concurrency &&
      queue.length > 0 &&
      Date.now() >= backoffUntil &&
      mayStart()
    ) {
      const { start } = queue.shift()!;
      inFlight += 1;
      void startInboxWorkflow(deps, start)
        .then((outcome) => {
          deps.metrics?.relayStart(outcome);
          started.push(start.workflowId);
          backoffMs = 0;
        })
        .catch((error: unknown) => {
          deps.metrics?.relayStart('failed');
          failed.push(start.workflowId);
          lastError = error instanceof Error ? error.message : String(error);
          backoffMs = Math.min(backoffMs === 0 ? 500 : backoffMs * 2, 10_000);
          backoffUntil = Date.now() + backoffMs;
          const level = isUnreachable(error) ? 'warn' : 'error';
          deps.logger?.[level](
            { err: error, workflowId: start.workflowId, backoffMs },
            'workflow relay: start failed',
          );
        })
        .finally(() => {
          inFlight -= 1;
          known.delete(start.workflowId);
          flush();
          if (queue.length > 0 && Date.now() < backoffUntil) {
            // Backing off: what waits in memory goes back to PostgreSQL's care (deferred as long).
            for (const { start: waiting } of queue.splice(0)) {
              known.delete(waiting.workflowId);
              failed.push(waiting.workflowId);
            }
            flush();
          }
          pump();
          // A claim that took a full batch left more due behind it: the next one at once, not at the tick.
          if (queue.length === 0 && lastPollFull) void poll();
        });
    }
  };

  const poll = async (): Promise<void> => {
    if (polling) return polling;
    if (stopped || paused || Date.now() < backoffUntil || queue.length >= batch) return;
    polling = (async () => {
      try {
        const claimed = await claimDueRows(
          deps.db,
          deps.config.payloadCodec,
          where,
          batch - queue.length,
          leaseMs,
        );
        lastPollFull = claimed.length > 0 && claimed.length >= batch - queue.length;
        for (const row of claimed) enqueue(row);
      } catch (error) {
        deps.logger?.warn({ err: error }, 'workflow relay could not claim due rows');
      } finally {
        polling = undefined;
      }
      pump();
    })();
    return polling;
  };

  const tick = () => {
    timer = setTimeout(() => {
      pump();
      void poll().finally(() => {
        if (!stopped) tick();
      });
    }, pollMs);
    timer.unref();
  };

  return {
    handOff(start) {
      if (stopped) return;
      enqueue(start, door > 0 ? Date.now() + yieldMs : 0);
      pump();
    },
    busy() {
      door += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        door -= 1;
        if (door === 0 && queue.length > 0) pump();
      };
    },
    start() {
      if (!stopped) return;
      stopped = false;
      tick();
      void poll();
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      pump();
      void poll();
    },
    poll,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (wake) clearTimeout(wake);
      wake = undefined;
      await polling;
      // Starts already sent finish; their rows are deleted. What is queued stays in the inbox.
      queue.splice(0).forEach((q) => known.delete(q.start.workflowId));
      if (inFlight > 0 || flushing)
        await new Promise<void>((resolve) => {
          idle = resolve;
        });
      flush();
      await flushing;
    },
  };
}

import { Context } from '@temporalio/activity';
import { eq, sql } from 'drizzle-orm';
import { consumers, feedback, requestDecisions, serviceRequests } from '../db/schema';
import type { FeedbackLinks } from '../lib/feedback-links';
import type { TApply } from '../domain/catalogue';
import type { TActor, TServiceRequestState } from '../domain/service-request';
import { createNotificationActivities, type NotificationActivityDeps } from './notifications';

export type ServiceRequestActivityDeps = NotificationActivityDeps & {
  now: () => Date;
  feedbackLinks: FeedbackLinks;
};

/** Stable across retries of one activity, distinct across activities and runs. */
function activityKey(): string {
  const { workflowExecution, activityId } = Context.current().info;
  return `${workflowExecution?.workflowId}/${workflowExecution?.runId}/${activityId}`;
}

export function createServiceRequestActivities(deps: ServiceRequestActivityDeps) {
  const { db, now } = deps;
  return {
    ...createNotificationActivities(deps),

    async recordDecision(input: {
      requestNumber: string;
      action: string;
      actor: TActor;
      detail: Record<string, unknown>;
    }) {
      await db
        .insert(requestDecisions)
        .values({
          id: activityKey(),
          requestNumber: input.requestNumber,
          action: input.action,
          actorSubject: input.actor.subject,
          actorRole: input.actor.role,
          actorOfficeId: input.actor.officeId ?? null,
          detail: input.detail,
          signatureKeyId: input.actor.signature?.keyId ?? null,
          signedMessage: input.actor.signature?.message ?? null,
          signature: input.actor.signature?.value ?? null,
          decidedAt: now(),
        })
        .onConflictDoNothing({ target: requestDecisions.id });
    },

    /** Applies the catalogue's completion change to the consumer account (setting values: safe to repeat). */
    async applyCompletion(input: {
      requestNumber: string;
      consumerNumber: string;
      apply: TApply;
      form: Record<string, unknown>;
    }) {
      if (input.apply.kind === 'none') return;
      const values: Partial<typeof consumers.$inferInsert> = {};
      for (const [column, field] of Object.entries(input.apply.set)) {
        const value = input.form[field];
        // eForm values are validated scalars (strings, numbers); anything else is not applied.
        if (typeof value !== 'string' && typeof value !== 'number') continue;
        if (value === '') continue;
        if (column === 'sanctionedLoadKw') values.sanctionedLoadKw = String(value);
        else values[column as 'name' | 'address' | 'phone' | 'email' | 'category'] = String(value);
      }
      if (Object.keys(values).length === 0) return;
      await db
        .update(consumers)
        .set({ ...values, updatedAt: now() })
        .where(eq(consumers.consumerNumber, input.consumerNumber));
    },

    async createFeedbackLink(input: {
      requestNumber: string;
      consumerNumber: string;
      ttlSeconds: number;
    }): Promise<string> {
      return deps.feedbackLinks.create(input);
    },

    async recordFeedback(input: {
      requestNumber: string;
      consumerNumber: string;
      rating: number;
      category: string;
      comment?: string;
      reopened: boolean;
    }) {
      await db
        .insert(feedback)
        .values({
          ...input,
          comment: input.comment ?? null,
          reopened: input.reopened ? 'yes' : 'no',
          receivedAt: now(),
        })
        .onConflictDoNothing({ target: feedback.requestNumber });
    },

    /** Upserts the read model; a write older than what is stored (fewer timeline entries) is ignored. */
    async saveReadModel({ state }: { state: TServiceRequestState }) {
      const row = {
        requestNumber: state.requestNumber,
        typeCode: state.typeCode,
        consumerNumber: state.consumerNumber,
        officeId: state.officeId,
        escalationOfficeId: state.escalationOfficeId ?? null,
        escalationLevel: state.escalationLevel,
        status: state.status,
        currentStep: state.currentStepId ?? null,
        dueAt: state.clock.dueAt ? new Date(state.clock.dueAt) : null,
        channel: state.channel,
        submittedBy: state.submittedBy,
        submittedAt: new Date(state.submittedAt),
        closedAt: state.closedAt ? new Date(state.closedAt) : null,
        breached: state.breached,
        state,
        version: state.timeline.length,
        updatedAt: now(),
      };
      await db
        .insert(serviceRequests)
        .values(row)
        .onConflictDoUpdate({
          target: serviceRequests.requestNumber,
          set: {
            escalationOfficeId: row.escalationOfficeId,
            escalationLevel: row.escalationLevel,
            status: row.status,
            currentStep: row.currentStep,
            dueAt: row.dueAt,
            closedAt: row.closedAt,
            breached: row.breached,
            state: row.state,
            version: row.version,
            updatedAt: row.updatedAt,
          },
          setWhere: sql`${serviceRequests.version} <= excluded.version`,
        });
    },
  };
}

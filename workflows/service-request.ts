import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createCompensationActivities } from '../activities/compensation';
import type { createReceiptActivities } from '../activities/receipts';
import type { createServiceRequestActivities } from '../activities/service-requests';
import { addBusinessTime, businessTimeBetween, parseBusinessDuration } from '../domain/calendar';
import { withServiceTypeDefaults } from '../domain/catalogue-defaults';
import { compensationPhrase, type TCompensationCredit } from '../domain/compensation';
import { localised } from '../domain/localised';
import { FailureType } from '../domain/failures';
import { UNSCOPED_ROLES, type TRole } from '../domain/roles';
import type { TNoticeInput, TNoticeParam } from '../domain/notices';
import { SA } from '../domain/search-attributes';
import {
  addDocumentsUpdate,
  approveStepUpdate,
  CLOSED_STATUSES,
  decideDocumentUpdate,
  reassignUpdate,
  rejectRequestUpdate,
  reportDelayUpdate,
  requestDocumentsUpdate,
  statusQuery,
  submitFeedbackUpdate,
  isNegativeFeedback,
  withdrawUpdate,
  type TActor,
  type TAddDocuments,
  type TApproveStep,
  type TDecideDocument,
  type TReassign,
  type TRejectRequest,
  type TReportDelay,
  type TRequestDocuments,
  type TWithdraw,
  type TRequestStatus,
  type TSubmitFeedback,
  type TServiceRequestInput,
  type TServiceRequestState,
} from '../domain/service-request-contract';
import { creditIfLate } from './compensation';
import { startNotice } from './start-notice';
import { trackState } from './state-tracker';

const acts = proxyActivities<
  ReturnType<typeof createServiceRequestActivities> &
    ReturnType<typeof createReceiptActivities> &
    ReturnType<typeof createCompensationActivities>
>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20 },
});

type TContinued = { input: TServiceRequestInput; state: TServiceRequestState };

/**
 * One service request, from intake to completion. The workflow id is the Request Number.
 * Back-office and consumer actions arrive as Updates whose validators check role, office and
 * state, so a refused action changes nothing. The TAT clock runs on the office's business
 * calendar and pauses while the request waits on the consumer.
 */
export async function serviceRequestWorkflow(
  input: TServiceRequestInput,
  continued?: TContinued,
): Promise<TServiceRequestState> {
  // Runs started under an older catalogue schema carry a snapshot without newer fields:
  // re-parsing fills today's defaults (pure and deterministic, so safe in replay).
  const type = withServiceTypeDefaults(input.type);
  /** the service's name in each reader's language (notices are rendered per reader) */
  const serviceName = localised(type.receiptName, type.translations, (t) => t.receiptName);
  const now = () => new Date();
  const iso = (d: Date) => d.toISOString();
  const state: TServiceRequestState = continued?.state ?? initialState(input);
  let dirty = false;
  // The read model follows every change of state (runs before this patch kept a hand-set flag
  // and a partial key, which missed the step activated after an Update's await).
  const tracked = patched('read-model-follows-state') ? trackState(state) : undefined;

  // ---------- helpers ----------
  // Notices are child workflows (send, await the receipt, fall back); runs recorded before that
  // still call the `notify` activity at the points they already passed.
  // Not `async`: the legacy path must hand back the activity's own promise, or the extra
  // microtask ticks reorder commands against concurrently running handlers on replay.
  const notify = (notice: TNoticeInput): Promise<unknown> => {
    if (!patched('notice-child-workflow')) return acts.notify(notice);
    return startNotice(notice);
  };
  const log = (event: string, by?: string, detail?: string) => {
    state.timeline.push({ at: iso(now()), event, by, detail });
    dirty = true;
  };
  const refuse = (message: string): never => {
    throw ApplicationFailure.create({ type: FailureType.Forbidden, message, nonRetryable: true });
  };
  const conflict = (message: string): never => {
    throw ApplicationFailure.create({ type: FailureType.Conflict, message, nonRetryable: true });
  };
  const invalid = (message: string): never => {
    throw ApplicationFailure.create({ type: FailureType.InvalidInput, message, nonRetryable: true });
  };
  const inScope = (actor: TActor): boolean =>
    UNSCOPED_ROLES.has(actor.role) ||
    (actor.officeId !== undefined &&
      (input.officePath.split('/').includes(actor.officeId) || actor.officeId === state.escalationOfficeId));
  const assertStaff = (actor: TActor, roles: readonly TRole[]) => {
    if (actor.role === 'consumer') refuse('back-office action: consumers may not do this');
    // The API verifies the signature against the registered key; the workflow refuses unsigned decisions.
    if (!actor.signature) refuse('a back-office decision must be signed with your registered key');
    if (!roles.includes(actor.role) && !UNSCOPED_ROLES.has(actor.role))
      refuse(`role "${actor.role}" may not do this; allowed: ${roles.join(', ')}`);
    if (!inScope(actor))
      refuse(
        `request ${input.requestNumber} belongs to office ${state.officeId}, outside your office ${actor.officeId}`,
      );
  };
  const assertConsumer = (actor: TActor) => {
    if (actor.role === 'consumer' && !actor.consumerNumbers?.includes(input.consumerNumber))
      refuse('this request is not yours');
    if (actor.role !== 'consumer' && !inScope(actor))
      refuse(`request ${input.requestNumber} is outside your office`);
  };
  const assertOpen = () => {
    if (CLOSED_STATUSES.has(state.status)) conflict(`request is ${state.status}`);
  };
  const activeStep = () => state.steps.find((s) => s.id === state.currentStepId);

  // ---------- TAT clock ----------
  const tatMs = state.clock.tatMs;
  const warnShareMs = Math.round(tatMs * type.warnAtShare);
  const startClock = (at?: Date) => {
    const t = at ?? now();
    state.clock.runningSince = iso(t);
    state.clock.paused = false;
    state.clock.dueAt = iso(addBusinessTime(t, tatMs - state.clock.consumedMs, input.calendar));
    state.clock.warnAt =
      !state.warned && state.clock.consumedMs < warnShareMs
        ? iso(addBusinessTime(t, warnShareMs - state.clock.consumedMs, input.calendar))
        : undefined;
  };
  const pauseClock = () => {
    if (state.clock.paused || !state.clock.runningSince) return;
    state.clock.consumedMs += businessTimeBetween(new Date(state.clock.runningSince), now(), input.calendar);
    state.clock.runningSince = undefined;
    state.clock.dueAt = undefined;
    state.clock.warnAt = undefined;
    state.clock.paused = true;
  };

  const setStatus = (status: TRequestStatus) => {
    state.status = status;
    dirty = true;
  };

  const activateStep = (index: number, at?: Date) => {
    const step = state.steps[index];
    if (!step) return;
    step.status = 'active';
    state.currentStepId = step.id;
    if (step.performer === 'consumer') {
      pauseClock();
      setStatus('awaiting-consumer');
    } else if (state.status !== 'in-progress' || state.clock.paused) {
      setStatus('in-progress');
      startClock(at);
    }
  };

  const close = (status: TRequestStatus, reason: string, by?: string) => {
    pauseClock();
    state.clock.paused = false;
    state.status = status;
    state.closedAt = iso(now());
    state.closeReason = reason;
    state.currentStepId = undefined;
    state.documentRequest = undefined;
    log(status, by, reason);
  };

  /**
   * What the standard of performance owes for the time the TAT clock ran (paused while waiting on
   * the consumer, so delays they caused are left out), credited to the ledger once.
   */
  const creditCompensation = async (): Promise<TCompensationCredit | undefined> => {
    const credit = await creditIfLate(acts, {
      source: 'service-request',
      standard: type.standard!,
      elapsedMs: state.clock.consumedMs,
      requestNumber: input.requestNumber,
      typeCode: type.code,
      consumerNumber: input.consumerNumber,
      officeId: state.officeId,
    });
    if (credit) log('compensation-credited', undefined, `${credit.amountText} — ${credit.citation}`);
    return credit;
  };

  // ---------- intake state, before any handler is set ----------
  // An Update delivered with the first workflow task is validated as soon as its handler is set,
  // so the first step must be active by then. (Pure state: moving it here emits no new command.)
  if (!continued) {
    state.timeline.push({
      at: input.submittedAt,
      event: 'submitted',
      by: input.submittedBy,
      detail: `${type.name} via ${input.channel}`,
    });
    activateStep(0, new Date(input.submittedAt));
  }

  // ---------- handlers ----------
  setHandler(statusQuery, () => state);

  setHandler(
    decideDocumentUpdate,
    async ({ documentId, decision, reason, actor }) => {
      const doc = state.documents.find((d) => d.documentId === documentId)!;
      doc.status = decision === 'accept' ? 'accepted' : 'rejected';
      doc.reason = reason;
      doc.decidedBy = actor.subject;
      log(
        `document-${doc.status}`,
        actor.subject,
        `${doc.kind}: ${doc.fileName}${reason ? ` — ${reason}` : ''}`,
      );
      await acts.recordDecision({
        requestNumber: input.requestNumber,
        action: `document-${decision}`,
        actor,
        detail: { documentId, reason },
      });
      return state;
    },
    {
      validator: ({ documentId, decision, reason, actor }: TDecideDocument) => {
        assertOpen();
        assertStaff(actor, ['executive', 'supervisor']);
        const doc = state.documents.find((d) => d.documentId === documentId);
        if (!doc) invalid(`no document ${documentId} on this request`);
        if (decision === 'reject' && !reason) invalid('a rejection needs a reason');
      },
    },
  );

  setHandler(
    requestDocumentsUpdate,
    async ({ kinds, message, actor }) => {
      pauseClock();
      const t = now();
      const limitMs = parseBusinessDuration(type.consumerResponseLimit);
      state.documentRequest = {
        kinds,
        message,
        requestedAt: iso(t),
        remindAt: iso(addBusinessTime(t, Math.round(limitMs / 2), input.calendar)),
        abandonAt: iso(addBusinessTime(t, limitMs, input.calendar)),
        reminded: false,
      };
      setStatus('awaiting-consumer');
      log('documents-requested', actor.subject, `${kinds.join(', ')}: ${message}`);
      await acts.recordDecision({
        requestNumber: input.requestNumber,
        action: 'request-documents',
        actor,
        detail: { kinds, message },
      });
      await notify({
        key: `${input.requestNumber}/documents-requested/${state.timeline.length}`,
        to: { consumerNumber: input.consumerNumber },
        template: 'documents-requested',
        params: {
          requestNumber: input.requestNumber,
          kinds: { documentKinds: kinds },
          message: { officeWords: message },
          respondBy: state.documentRequest.abandonAt,
        },
      });
      return state;
    },
    {
      validator: ({ actor }: TRequestDocuments) => {
        assertOpen();
        assertStaff(actor, ['executive', 'supervisor']);
        if (state.documentRequest) conflict('documents have already been requested and not yet supplied');
      },
    },
  );

  setHandler(
    addDocumentsUpdate,
    async ({ documents, actor }) => {
      for (const d of documents) state.documents.push({ ...d, status: 'pending', addedAt: iso(now()) });
      log('documents-added', actor.subject, documents.map((d) => `${d.kind}: ${d.fileName}`).join('; '));
      if (state.documentRequest) {
        state.documentRequest = undefined;
        const step = activeStep();
        if (!step || step.performer !== 'consumer') {
          setStatus('in-progress');
          startClock();
        }
      }
      return state;
    },
    {
      validator: ({ documents, actor }: TAddDocuments) => {
        assertOpen();
        assertConsumer(actor);
        if (documents.length === 0) invalid('send at least one document');
        const known = new Set(state.documents.map((d) => d.documentId));
        const dup = documents.find((d) => known.has(d.documentId));
        if (dup) conflict(`document ${dup.documentId} is already on this request`);
      },
    },
  );

  setHandler(
    approveStepUpdate,
    async ({ stepId, note, actor }) => {
      const index = state.steps.findIndex((s) => s.id === stepId);
      const step = state.steps[index]!;
      step.status = 'done';
      step.doneBy = actor.subject;
      step.doneAt = iso(now());
      step.note = note;
      log('step-done', actor.subject, `${step.name}${note ? ` — ${note}` : ''}`);
      await acts.recordDecision({
        requestNumber: input.requestNumber,
        action: `step-${stepId}`,
        actor,
        detail: { note },
      });
      if (index + 1 < state.steps.length) {
        activateStep(index + 1);
        return state;
      }
      if (!state.completionApplied) {
        await acts.applyCompletion({
          requestNumber: input.requestNumber,
          consumerNumber: input.consumerNumber,
          apply: type.apply,
          form: input.form,
        });
        state.completionApplied = true;
      }
      close('completed', `The requested service — ${type.receiptName} — is processed`, actor.subject);
      // Statutory compensation for a missed standard of performance, once per request (runs
      // recorded before it complete without; a later completion after a reopening keeps the first).
      if (type.standard && !state.compensation && patched('statutory-compensation'))
        state.compensation = await creditCompensation();
      // Runs recorded before receipts existed complete without one (replay-safe).
      if (patched('completion-receipt')) {
        state.receipt = await acts.issueReceipt({
          requestNumber: input.requestNumber,
          revision: state.reopenCount,
          // in the consumer's language on the receipt
          service: serviceName,
          outcome: { phrase: 'service-processed', values: { service: serviceName } },
          stepNames: Object.fromEntries(
            type.steps.map((st) => [st.id, localised(st.name, type.translations, (t) => t.steps?.[st.id])]),
          ),
          consumerNumber: input.consumerNumber,
          officeId: state.officeId,
          submittedAt: input.submittedAt,
          completedAt: state.closedAt!,
          ...(state.compensation ? { compensation: compensationPhrase(state.compensation) } : {}),
        });
      }
      if (!state.feedbackUrl && !state.feedback) {
        state.feedbackUrl = await acts.createFeedbackLink({
          requestNumber: input.requestNumber,
          consumerNumber: input.consumerNumber,
          ttlSeconds: Math.round(parseBusinessDuration(type.feedbackWindow) / 1000),
        });
      }
      await notify({
        key: `${input.requestNumber}/completed/${state.reopenCount}`,
        to: { consumerNumber: input.consumerNumber },
        template: 'request-completed',
        params: {
          requestNumber: input.requestNumber,
          service: serviceName,
          ...(state.receipt ? { receiptUrl: state.receipt.url } : {}),
          ...(state.feedback ? {} : { feedbackUrl: state.feedbackUrl ?? '' }),
          ...(state.compensation ? { compensation: compensationPhrase(state.compensation) } : {}),
        },
      });
      return state;
    },
    {
      validator: ({ stepId, actor }: TApproveStep) => {
        assertOpen();
        const step = state.steps.find((s) => s.id === stepId);
        if (!step) return invalid(`no step "${stepId}"; steps: ${state.steps.map((s) => s.id).join(', ')}`);
        if (step.id !== state.currentStepId)
          conflict(`step "${stepId}" is not the current step (${state.currentStepId ?? 'none'})`);
        if (step.performer === 'consumer') {
          assertConsumer(actor);
        } else {
          assertStaff(actor, [step.performer, 'supervisor']);
          if (state.documentRequest) conflict('waiting for documents from the consumer');
          const undecided = state.documents.filter((d) => d.status === 'pending');
          if (undecided.length > 0)
            conflict(`decide every document first: ${undecided.map((d) => d.documentId).join(', ')}`);
          const missing = type.documents.filter(
            (r) =>
              r.required &&
              !state.documents.some((d) => (d.kinds ?? [d.kind]).includes(r.kind) && d.status === 'accepted'),
          );
          if (missing.length > 0)
            conflict(
              `no accepted ${missing.map((m) => m.kind).join(', ')} document; request it from the consumer`,
            );
        }
      },
    },
  );

  setHandler(
    rejectRequestUpdate,
    async ({ reason, actor }) => {
      close('rejected', reason, actor.subject);
      await acts.recordDecision({
        requestNumber: input.requestNumber,
        action: 'reject',
        actor,
        detail: { reason },
      });
      await notify({
        key: `${input.requestNumber}/rejected`,
        to: { consumerNumber: input.consumerNumber },
        template: 'request-rejected',
        params: { requestNumber: input.requestNumber, service: serviceName, reason: { officeWords: reason } },
      });
      return state;
    },
    {
      validator: ({ actor }: TRejectRequest) => {
        assertOpen();
        assertStaff(actor, ['executive', 'supervisor']);
      },
    },
  );

  setHandler(
    reportDelayUpdate,
    async ({ reason, expectedBy, actor }) => {
      state.delay = { reason, expectedBy, reportedBy: actor.subject };
      log('delay-reported', actor.subject, `${reason} (expected by ${expectedBy})`);
      await acts.recordDecision({
        requestNumber: input.requestNumber,
        action: 'report-delay',
        actor,
        detail: { reason, expectedBy },
      });
      return state;
    },
    {
      validator: ({ expectedBy, actor }: TReportDelay) => {
        assertOpen();
        assertStaff(actor, ['executive', 'supervisor']);
        if (new Date(expectedBy) <= now()) invalid('expectedBy must be in the future');
      },
    },
  );

  setHandler(
    reassignUpdate,
    async ({ assignee, actor }) => {
      state.assignee = assignee;
      log('reassigned', actor.subject, assignee);
      await acts.recordDecision({
        requestNumber: input.requestNumber,
        action: 'reassign',
        actor,
        detail: { assignee },
      });
      return state;
    },
    {
      validator: ({ actor }: TReassign) => {
        assertOpen();
        assertStaff(actor, ['supervisor']);
      },
    },
  );

  setHandler(
    withdrawUpdate,
    async ({ reason, actor }) => {
      close('withdrawn', reason ?? 'withdrawn by the consumer', actor.subject);
      return state;
    },
    {
      validator: ({ actor }: TWithdraw) => {
        assertOpen();
        assertConsumer(actor);
      },
    },
  );

  setHandler(
    submitFeedbackUpdate,
    async ({ rating, category, comment, actor }) => {
      state.feedback = { rating, category, comment, at: iso(now()) };
      const negative = isNegativeFeedback({ rating, category });
      log('feedback', actor.subject, `${rating}/5 ${category}${comment ? `: ${comment}` : ''}`);
      await acts.recordFeedback({
        requestNumber: input.requestNumber,
        consumerNumber: input.consumerNumber,
        rating,
        category,
        comment,
        reopened: negative,
      });
      if (!negative) return state;
      // Negative feedback reopens the request to the first escalation level's supervisor.
      const spec = type.escalation[0]!;
      const office = input.escalationOffices.find((o) => o.level === spec.level);
      state.reopenCount += 1;
      state.steps.push({
        id: `review-${state.reopenCount}`,
        name: 'Review after negative feedback',
        performer: spec.role,
        status: 'active',
      });
      state.currentStepId = `review-${state.reopenCount}`;
      state.status = 'in-progress';
      state.closedAt = undefined;
      state.closeReason = undefined;
      state.warned = true;
      state.breached = true;
      state.escalationLevel = Math.max(state.escalationLevel, spec.level);
      state.escalationOfficeId = office?.officeId;
      state.escalationDueAt = iso(
        addBusinessTime(now(), parseBusinessDuration(spec.deadline), input.calendar),
      );
      log('reopened', actor.subject, `to the ${spec.role} of ${office?.officeId ?? spec.officeLevel}`);
      await notify({
        key: `${input.requestNumber}/reopened/${state.reopenCount}`,
        to: { officeId: office?.officeId ?? state.officeId, role: spec.role },
        template: 'request-reopened',
        params: {
          requestNumber: input.requestNumber,
          service: serviceName,
          rating: String(rating),
          category: { phrase: `feedback-category.${category}` },
          comment: comment ?? '',
        },
      });
      // The consumer learns who has it now, and by when they will hear.
      if (patched('feedback-reopen-tells-consumer'))
        await notify({
          key: `${input.requestNumber}/reopened-consumer/${state.reopenCount}`,
          to: { consumerNumber: input.consumerNumber },
          template: 'request-reopened-consumer',
          params: {
            requestNumber: input.requestNumber,
            service: serviceName,
            handler: {
              phrase: 'role-of-office',
              values: {
                role: { phrase: `role.${spec.role}` },
                office: { office: office?.officeId ?? state.officeId },
              },
            },
            dueAt: state.escalationDueAt,
          },
        });
      return state;
    },
    {
      validator: ({ actor }: TSubmitFeedback) => {
        assertConsumer(actor);
        if (state.status !== 'completed')
          conflict(`feedback is taken once the request is completed; it is ${state.status}`);
        if (state.feedback) conflict('feedback for this request has already been given');
      },
    },
  );

  // ---------- intake ----------
  if (!continued) {
    await notify({
      key: `${input.requestNumber}/received`,
      to: { consumerNumber: input.consumerNumber },
      template: 'request-received',
      params: {
        requestNumber: input.requestNumber,
        service: serviceName,
        dueAt: state.clock.dueAt ?? '',
      },
    });
  }

  // ---------- timers and bookkeeping ----------
  const syncedKey = { value: '' };
  const sync = async () => {
    upsertSearchAttributes([
      { key: SA.RequestStatus, value: state.status },
      { key: SA.OfficeId, value: state.officeId },
      { key: SA.EscalationLevel, value: state.escalationLevel },
      { key: SA.SlaDueAt, value: state.clock.dueAt ? new Date(state.clock.dueAt) : null },
    ]);
    if (tracked) {
      if (tracked.take()) await acts.saveReadModel({ state });
      return;
    }
    const key = JSON.stringify([
      state.status,
      state.currentStepId,
      state.clock.dueAt,
      state.escalationLevel,
      state.timeline.length,
    ]);
    if (key === syncedKey.value) return;
    syncedKey.value = key;
    await acts.saveReadModel({ state });
  };

  const nextDeadline = (): Date | undefined => {
    const candidates = [
      state.clock.warnAt && !state.warned ? state.clock.warnAt : undefined,
      state.clock.dueAt && !state.breached ? state.clock.dueAt : undefined,
      state.escalationDueAt,
      state.documentRequest && !state.documentRequest.reminded ? state.documentRequest.remindAt : undefined,
      state.documentRequest?.abandonAt,
    ].filter((d): d is string => Boolean(d));
    if (candidates.length === 0) return undefined;
    return new Date(Math.min(...candidates.map((d) => new Date(d).getTime())));
  };

  const escalate = async (level: number) => {
    const spec = type.escalation.find((e) => e.level === level);
    if (!spec) return;
    const office = input.escalationOffices.find((o) => o.level === level);
    state.escalationLevel = level;
    state.escalationOfficeId = office?.officeId;
    state.escalationDueAt = iso(addBusinessTime(now(), parseBusinessDuration(spec.deadline), input.calendar));
    log('escalated', undefined, `level ${level}: ${spec.role} of ${office?.officeId ?? spec.officeLevel}`);
    await notify({
      key: `${input.requestNumber}/escalated/${level}`,
      to: { officeId: office?.officeId ?? state.officeId, role: spec.role },
      template: 'escalation-alert',
      params: {
        requestNumber: input.requestNumber,
        service: serviceName,
        level: String(level),
        dueAt: state.escalationDueAt,
      },
    });
  };

  const fireDueTimers = async () => {
    const t = now();
    if (state.clock.warnAt && !state.warned && t >= new Date(state.clock.warnAt)) {
      state.warned = true;
      log('tat-warning', undefined, `${Math.round(type.warnAtShare * 100)}% of the turnaround time used`);
      await notify({
        key: `${input.requestNumber}/tat-warning`,
        to: { officeId: state.officeId, role: 'executive' },
        template: 'tat-warning',
        params: {
          requestNumber: input.requestNumber,
          service: serviceName,
          dueAt: state.clock.dueAt ?? '',
        },
      });
    }
    if (state.clock.dueAt && !state.breached && t >= new Date(state.clock.dueAt)) {
      state.breached = true;
      // An officer's reason goes as typed, marked as theirs; else the default, in the consumer's language.
      const reason: TNoticeParam = state.delay
        ? { officeWords: state.delay.reason }
        : { phrase: 'default-delay-reason' };
      const newDate =
        state.delay?.expectedBy ??
        iso(addBusinessTime(t, parseBusinessDuration(type.escalation[0]!.deadline), input.calendar));
      log(
        'tat-breached',
        undefined,
        state.delay?.reason ?? 'a higher than usual number of requests at your section office',
      );
      await notify({
        key: `${input.requestNumber}/delay-notice`,
        to: { consumerNumber: input.consumerNumber },
        template: 'delay-notice',
        params: { requestNumber: input.requestNumber, service: serviceName, reason, newDate },
      });
      await escalate(1);
    } else if (state.escalationDueAt && t >= new Date(state.escalationDueAt)) {
      const next = state.escalationLevel + 1;
      if (type.escalation.some((e) => e.level === next)) await escalate(next);
      else state.escalationDueAt = undefined; // top of the matrix: stays with the last level
    }
    const request = state.documentRequest;
    if (request && !request.reminded && t >= new Date(request.remindAt)) {
      request.reminded = true;
      log('reminder-sent', undefined, 'documents still awaited');
      await notify({
        key: `${input.requestNumber}/documents-reminder/${request.requestedAt}`,
        to: { consumerNumber: input.consumerNumber },
        template: 'documents-reminder',
        params: {
          requestNumber: input.requestNumber,
          kinds: { documentKinds: request.kinds },
          respondBy: request.abandonAt,
        },
      });
    }
    if (request && t >= new Date(request.abandonAt)) {
      close('abandoned', 'the documents asked for did not arrive in time');
      await notify({
        key: `${input.requestNumber}/abandoned`,
        to: { consumerNumber: input.consumerNumber },
        template: 'request-abandoned',
        params: { requestNumber: input.requestNumber, service: serviceName },
      });
    }
  };

  for (;;) {
    while (!CLOSED_STATUSES.has(state.status)) {
      await sync();
      const deadline = nextDeadline();
      const timeout = deadline ? Math.max(1, deadline.getTime() - Date.now()) : undefined;
      dirty = false;
      const woken = () => dirty || (tracked?.changed() ?? false);
      if (timeout === undefined) await condition(woken);
      else await condition(woken, timeout);
      await fireDueTimers();
      if (workflowInfo().continueAsNewSuggested && !CLOSED_STATUSES.has(state.status)) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof serviceRequestWorkflow>(input, { input, state });
      }
    }
    // Handlers still running (or started while we awaited) may reopen the request: settle first.
    const reopened = async () => {
      await condition(allHandlersFinished);
      return !CLOSED_STATUSES.has(state.status);
    };
    if (await reopened()) continue;
    await sync();
    if (await reopened()) continue;
    // A completed request waits for its feedback (once); negative feedback reopens it.
    if (state.status !== 'completed' || !state.feedbackUrl) break;
    if (!state.feedback)
      await condition(() => state.feedback !== undefined, parseBusinessDuration(type.feedbackWindow));
    if (await reopened()) continue;
    break;
  }
  await sync();
  return state;
}

function initialState(input: TServiceRequestInput): TServiceRequestState {
  const t = input.submittedAt;
  return {
    requestNumber: input.requestNumber,
    typeCode: input.type.code,
    typeName: input.type.name,
    consumerNumber: input.consumerNumber,
    officeId: input.officeId,
    status: 'in-progress',
    steps: input.type.steps.map((s) => ({
      id: s.id,
      name: s.name,
      performer: s.performer,
      status: 'pending' as const,
    })),
    documents: input.documents.map((d) => ({ ...d, status: 'pending' as const, addedAt: t })),
    clock: { tatMs: parseBusinessDuration(input.type.tat), consumedMs: 0, paused: true },
    warned: false,
    breached: false,
    escalationLevel: 0,
    reopenCount: 0,
    channel: input.channel,
    submittedBy: input.submittedBy,
    submittedAt: t,
    timeline: [],
  };
}

import {
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  allHandlersFinished,
} from '@temporalio/workflow';
import type { createComplaintActivities } from '../activities/complaints';
import type { createNotificationActivities } from '../activities/notifications';
import { addBusinessTime, parseBusinessDuration } from '../domain/calendar';
import {
  assignCrewUpdate,
  complaintStatusQuery,
  confirmUpdate,
  reportAgainUpdate,
  resolveUpdate,
  type TComplaintInput,
  type TComplaintState,
} from '../domain/complaint-contract';
import { withComplaintTypeDefaults } from '../domain/catalogue-defaults';
import { FailureType } from '../domain/failures';
import { UNSCOPED_ROLES } from '../domain/roles';
import { SA } from '../domain/search-attributes';
import type { TActor } from '../domain/service-request-contract';

const acts = proxyActivities<
  ReturnType<typeof createComplaintActivities> &
    Pick<ReturnType<typeof createNotificationActivities>, 'notify'>
>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20 },
});

/**
 * The first release of the complaint workflow (no timers, escalation, emergencies or outage
 * links). Kept so complaints started by it replay and finish unchanged; `complaintWorkflow` runs
 * it for histories without the `complaint-v2` marker. Do not change its commands.
 */
export async function complaintWorkflowV1(input: TComplaintInput): Promise<TComplaintState> {
  const type = withComplaintTypeDefaults(input.type);
  const iso = (d: Date) => d.toISOString();
  const state: TComplaintState = {
    requestNumber: input.requestNumber,
    typeCode: type.code,
    typeName: type.name,
    priority: type.priority,
    consumerNumber: input.consumerNumber,
    officeId: input.officeId,
    status: 'open',
    dueAt: iso(addBusinessTime(new Date(input.submittedAt), parseBusinessDuration(type.tat), input.calendar)),
    reopenCount: 0,
    breached: false,
    escalationLevel: 0,
    reports: [{ channel: input.channel, at: input.submittedAt, by: input.submittedBy }],
    timeline: [
      {
        at: input.submittedAt,
        event: 'registered',
        by: input.submittedBy,
        detail: `${type.name} via ${input.channel}`,
      },
    ],
  };
  const log = (event: string, by?: string, detail?: string) =>
    state.timeline.push({ at: iso(new Date()), event, by, detail });
  const fail = (type_: string, message: string): never => {
    throw ApplicationFailure.create({ type: type_, message, nonRetryable: true });
  };
  const assertStaff = (actor: TActor) => {
    if (actor.role === 'consumer')
      fail(FailureType.Forbidden, 'back-office action: consumers may not do this');
    const inScope =
      UNSCOPED_ROLES.has(actor.role) ||
      (actor.officeId !== undefined && input.officePath.split('/').includes(actor.officeId));
    if (!inScope) fail(FailureType.Forbidden, `complaint ${input.requestNumber} is outside your office`);
  };
  const assertConsumer = (actor: TActor) => {
    if (actor.role === 'consumer' && !actor.consumerNumbers?.includes(input.consumerNumber))
      fail(FailureType.Forbidden, 'this complaint is not yours');
  };
  const assertStatus = (...allowed: TComplaintState['status'][]) => {
    if (!allowed.includes(state.status)) fail(FailureType.Conflict, `the complaint is ${state.status}`);
  };

  setHandler(complaintStatusQuery, () => state);
  setHandler(
    assignCrewUpdate,
    ({ crew, actor }) => {
      state.crew = crew;
      state.status = 'assigned';
      log('crew-assigned', actor.subject, crew);
      return state;
    },
    { validator: ({ actor }: { actor: TActor }) => (assertStaff(actor), assertStatus('open', 'assigned')) },
  );
  setHandler(
    resolveUpdate,
    async ({ resolution, actor }) => {
      state.resolution = resolution;
      state.status = 'resolved';
      log('resolved', actor.subject, resolution);
      await acts.notify({
        key: `${input.requestNumber}/resolved/${state.reopenCount}`,
        to: { consumerNumber: input.consumerNumber },
        template: 'complaint-resolved',
        params: { requestNumber: input.requestNumber, complaintType: type.name },
      });
      return state;
    },
    { validator: ({ actor }: { actor: TActor }) => (assertStaff(actor), assertStatus('open', 'assigned')) },
  );
  setHandler(
    confirmUpdate,
    ({ fixed, actor }) => {
      if (fixed) {
        state.status = 'closed';
        state.closedAt = iso(new Date());
        log('confirmed-fixed', actor.subject);
      } else {
        state.status = 'open';
        state.reopenCount += 1;
        state.resolution = undefined;
        log('reopened', actor.subject, 'the consumer says it is still not fixed');
      }
      return state;
    },
    { validator: ({ actor }: { actor: TActor }) => (assertConsumer(actor), assertStatus('resolved')) },
  );
  setHandler(
    reportAgainUpdate,
    ({ channel, actor }) => {
      state.reports.push({ channel, at: iso(new Date()), by: actor.subject });
      log('reported-again', actor.subject, `via ${channel}`);
      return state;
    },
    {
      validator: ({ actor }: { actor: TActor }) => (
        assertConsumer(actor),
        assertStatus('open', 'assigned', 'resolved')
      ),
    },
  );

  await acts.notify({
    key: `${input.requestNumber}/registered`,
    to: { consumerNumber: input.consumerNumber },
    template: 'complaint-registered',
    params: { requestNumber: input.requestNumber, complaintType: type.name, dueAt: state.dueAt },
  });

  const confirmWindowMs = parseBusinessDuration(type.confirmWindow);
  let synced = '';
  while (state.status !== 'closed') {
    if (synced !== state.status) {
      upsertSearchAttributes([{ key: SA.RequestStatus, value: state.status }]);
      synced = state.status;
    }
    if (state.status === 'resolved') {
      // No answer within the window counts as fixed.
      const answered = await condition(() => state.status !== 'resolved', confirmWindowMs);
      if (!answered) {
        state.status = 'closed';
        state.closedAt = iso(new Date());
        log('closed', undefined, 'no answer from the consumer: taken as fixed');
      }
    } else {
      const seen = state.status;
      await condition(() => state.status !== seen);
    }
  }
  await condition(allHandlersFinished);
  upsertSearchAttributes([{ key: SA.RequestStatus, value: 'closed' }]);
  await acts.releaseComplaintSlot({
    consumerNumber: input.consumerNumber,
    typeCode: type.code,
    requestNumber: input.requestNumber,
  });
  return state;
}

import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createCompensationActivities } from '../activities/compensation';
import type { createComplaintActivities } from '../activities/complaints';
import { addBusinessTime, parseBusinessDuration } from '../domain/calendar';
import {
  acknowledgeUpdate,
  assignCrewUpdate,
  complaintStatusQuery,
  confirmUpdate,
  outageEtrChangedSignal,
  outageRestoredSignal,
  reportAgainUpdate,
  resolveUpdate,
  type TComplaintInput,
  type TComplaintState,
  type TComplaintStatus,
} from '../domain/complaint-contract';
import {
  compensationPhrase,
  complaintClockEvents,
  runningTime,
  type TCompensationCredit,
} from '../domain/compensation';
import { localised } from '../domain/localised';
import { withComplaintTypeDefaults } from '../domain/catalogue-defaults';
import { FailureType } from '../domain/failures';
import type { TNoticeInput } from '../domain/notices';
import { UNSCOPED_ROLES } from '../domain/roles';
import { SA } from '../domain/search-attributes';
import type { TActor } from '../domain/service-request-contract';
import { complaintWorkflowV1 } from './complaint-v1';
import { creditIfLate } from './compensation';
import { startNotice } from './start-notice';
import { trackState } from './state-tracker';

const acts = proxyActivities<
  ReturnType<typeof createComplaintActivities> & ReturnType<typeof createCompensationActivities>
>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20 },
});

/**
 * The channel reply is tried for a few minutes (a send takes seconds: an attempt lost with its
 * worker is given up after 10 s, not 30); after that the registration notice tells the consumer.
 */
const replyActs = proxyActivities<ReturnType<typeof createComplaintActivities>>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '20 seconds',
    maximumAttempts: 20,
  },
});

/**
 * One complaint, from registration to the consumer's confirmation; the workflow id is its Request
 * Number. Field work runs against the turnaround time and escalates up the matrix when it is
 * missed. An emergency alerts the emergency desk and the section office at once and again, one
 * level higher each time, until somebody acknowledges it. A no-power complaint inside a known
 * outage waits for the restoration instead of sending a crew. A repeat report joins; "still not
 * fixed" reopens.
 */
export async function complaintWorkflow(input: TComplaintInput): Promise<TComplaintState> {
  if (!patched('complaint-v2')) return complaintWorkflowV1(input);

  const type = withComplaintTypeDefaults(input.type);
  /** the type's name in each reader's language (notices are rendered per reader) */
  const complaintName = localised(type.name, type.translations, (t) => t.name);
  const now = () => new Date();
  const iso = (d: Date) => d.toISOString();
  const tatMs = parseBusinessDuration(type.tat);
  const dueFrom = (from: Date) => iso(addBusinessTime(from, tatMs, input.calendar));
  const state: TComplaintState = {
    requestNumber: input.requestNumber,
    typeCode: type.code,
    typeName: type.name,
    priority: type.priority,
    consumerNumber: input.consumerNumber,
    officeId: input.officeId,
    status: input.outage ? 'awaiting-restoration' : 'open',
    dueAt: dueFrom(new Date(input.submittedAt)),
    breached: false,
    escalationLevel: 0,
    reopenCount: 0,
    reports: [{ channel: input.channel, at: input.submittedAt, by: input.submittedBy }],
    outage: input.outage,
    emergency: input.emergency ? { alerts: 0, nextAlertAt: input.submittedAt } : undefined,
    channel: input.channel,
    submittedAt: input.submittedAt,
    timeline: [
      {
        at: input.submittedAt,
        event: 'registered',
        by: input.submittedBy,
        detail: `${type.name} via ${input.channel}`,
      },
    ],
  };
  /** Where the emergency is (name, address, transformer and feeder): read once, before the first alert. */
  // (Declared before any handler: an Update may run as soon as its handler is set.)
  let site: { consumer: string; address: string; supply: string } | undefined;
  let dirty = false;
  // The read model follows every change of state, not only changes that set the flag.
  const tracked = patched('read-model-follows-state') ? trackState(state) : undefined;
  const log = (event: string, by?: string, detail?: string) => {
    state.timeline.push({ at: iso(now()), event, by, detail });
    dirty = true;
  };
  const setStatus = (status: TComplaintStatus) => {
    state.status = status;
    dirty = true;
  };
  const notify = (notice: TNoticeInput) => startNotice(notice);
  const fail = (failureType: string, message: string): never => {
    throw ApplicationFailure.create({ type: failureType, message, nonRetryable: true });
  };
  const escalationOffice = (level: number) =>
    input.escalationOffices?.find((o) => o.level === level)?.officeId;
  const assertStaff = (actor: TActor) => {
    if (actor.role === 'consumer')
      fail(FailureType.Forbidden, 'back-office action: consumers may not do this');
    const inScope =
      UNSCOPED_ROLES.has(actor.role) ||
      (actor.officeId !== undefined &&
        (input.officePath.split('/').includes(actor.officeId) ||
          actor.officeId === state.escalationOfficeId ||
          actor.officeId === input.emergency?.deskOfficeId));
    if (!inScope) fail(FailureType.Forbidden, `complaint ${input.requestNumber} is outside your office`);
  };
  const assertConsumer = (actor: TActor) => {
    if (actor.role === 'consumer' && !actor.consumerNumbers?.includes(input.consumerNumber))
      fail(FailureType.Forbidden, 'this complaint is not yours');
  };
  const assertStatus = (...allowed: TComplaintStatus[]) => {
    if (!allowed.includes(state.status)) fail(FailureType.Conflict, `the complaint is ${state.status}`);
  };
  /** The turnaround clock runs while field work is pending. */
  const clockRuns = () => state.status === 'open' || state.status === 'assigned';
  const restartClock = () => {
    state.dueAt = dueFrom(now());
    state.breached = false;
    state.escalationDueAt = undefined;
  };

  // ---------- what staff and consumers do ----------
  /** Crew and resolution: staff in scope, while the complaint still needs work. */
  const staffOnPendingWork = ({ actor }: { actor: TActor }) => {
    assertStaff(actor);
    assertStatus('open', 'assigned', 'awaiting-restoration');
  };
  setHandler(complaintStatusQuery, () => state);
  setHandler(
    assignCrewUpdate,
    ({ crew, actor }) => {
      if (state.status === 'awaiting-restoration') unlink('staff sent a crew');
      state.crew = crew;
      setStatus('assigned');
      log('crew-assigned', actor.subject, crew);
      return state;
    },
    { validator: staffOnPendingWork },
  );
  setHandler(
    resolveUpdate,
    async ({ resolution, actor }) => {
      markResolved(resolution, actor.subject);
      await notify({
        key: `${input.requestNumber}/resolved/${state.reopenCount}`,
        to: { consumerNumber: input.consumerNumber },
        template: 'complaint-resolved',
        params: { requestNumber: input.requestNumber, complaintType: complaintName, ...howToReopen() },
      });
      return state;
    },
    { validator: staffOnPendingWork },
  );
  setHandler(
    confirmUpdate,
    ({ fixed, actor }) => {
      if (fixed) {
        close('confirmed-fixed', actor.subject);
      } else {
        reopen(actor.subject, 'the consumer says it is still not fixed');
      }
      return state;
    },
    {
      validator: ({ actor }: { actor: TActor }) => {
        assertConsumer(actor);
        if (state.status !== 'resolved')
          fail(
            FailureType.Conflict,
            `only a resolved complaint can be confirmed; this one is ${state.status}`,
          );
      },
    },
  );
  setHandler(
    reportAgainUpdate,
    async ({ channel, actor, outage, answeredInWriting }) => {
      state.reports.push({ channel, at: iso(now()), by: actor.subject });
      log('reported-again', actor.subject, `via ${channel}`);
      // Reporting the same problem after it was resolved means it is not fixed.
      if (state.status === 'resolved' && patched('report-again-reopens'))
        reopen(actor.subject, `reported again via ${channel} after it was resolved`, answeredInWriting);
      // An outage has since cut the consumer's whole area: wait for it instead of sending a crew.
      if (outage && clockRuns() && patched('report-again-links-outage')) {
        state.outage = outage;
        setStatus('awaiting-restoration');
        log('linked-to-outage', undefined, `${outage.id}, ETR ${outage.etr}`);
        // The consumer hears the ETR once: the answer to this report said it already, in writing.
        if (!(answeredInWriting && patched('answered-in-writing')))
          void notify({
            key: `${input.requestNumber}/linked/${outage.id}`,
            to: { consumerNumber: input.consumerNumber },
            template: 'complaint-linked-outage',
            params: { requestNumber: input.requestNumber, area: outage.area, etr: outage.etr },
          });
        // Restored between the intake's look and this link? The registry would not have told us.
        const current = await acts.outageState({ outageId: outage.id });
        if (current.restoredAt && state.status === 'awaiting-restoration' && state.outage === outage)
          restored(current.restoredAt);
      }
      return state;
    },
    {
      validator: ({ actor }: { actor: TActor }) => (
        assertConsumer(actor),
        assertStatus('open', 'assigned', 'awaiting-restoration', 'resolved')
      ),
    },
  );
  setHandler(
    acknowledgeUpdate,
    ({ note, actor }) => {
      state.emergency = {
        ...state.emergency!,
        acknowledgedAt: iso(now()),
        acknowledgedBy: actor.subject,
        nextAlertAt: undefined,
      };
      log('acknowledged', actor.subject, note || undefined);
      // Everybody alerted so far learns that someone has it (runs with the detailed alerts).
      if (site)
        for (const to of alertedBefore(state.emergency.alerts))
          void notify({
            key: `${input.requestNumber}/emergency-acknowledged/${to.officeId}/${to.role}`,
            to,
            template: 'emergency-acknowledged',
            params: { requestNumber: input.requestNumber, by: actor.subject, note: note ?? '' },
          });
      return state;
    },
    {
      validator: ({ actor }: { actor: TActor }) => {
        assertStaff(actor);
        if (!state.emergency) fail(FailureType.Conflict, 'only emergencies are acknowledged');
        if (state.emergency?.acknowledgedAt)
          fail(FailureType.Conflict, `already acknowledged by ${state.emergency.acknowledgedBy}`);
        assertStatus('open', 'assigned');
      },
    },
  );

  // ---------- what the outage registry tells a linked complaint ----------
  setHandler(outageEtrChangedSignal, ({ outageId, etr }) => {
    if (state.status !== 'awaiting-restoration' || state.outage?.id !== outageId || state.outage.etr === etr)
      return;
    state.outage.etr = etr;
    log('etr-changed', undefined, etr);
    void notify({
      key: `${input.requestNumber}/etr/${etr}`,
      to: { consumerNumber: input.consumerNumber },
      template: 'outage-etr-changed',
      params: { area: state.outage.area, etr },
    });
  });
  setHandler(outageRestoredSignal, ({ outageId, restoredAt }) => {
    if (state.status !== 'awaiting-restoration' || state.outage?.id !== outageId) return;
    restored(restoredAt);
  });

  // ---------- transitions ----------
  function markResolved(resolution: string, by?: string) {
    state.resolution = resolution;
    state.resolvedAt = iso(now());
    setStatus('resolved');
    log('resolved', by, resolution);
  }
  function close(event: string, by?: string, detail?: string) {
    state.closedAt = iso(now());
    setStatus('closed');
    log(event, by, detail);
  }
  /** What the consumer does if it is not fixed, and by when (for the "resolved" notices). */
  function howToReopen() {
    return {
      confirmBy: confirmBy() ?? '',
      // the SMS keyword reports no power; other complaints come back by phone, WhatsApp or the portal
      ...(type.code === 'no-power' ? { smsKeyword: `NP ${input.consumerNumber}` } : {}),
    };
  }
  /** `answered`: the report that reopened it was answered in writing with the new time already. */
  function reopen(by: string, why: string, answered = false) {
    state.reopenCount += 1;
    state.crew = undefined; // the timeline keeps who went before
    state.resolution = undefined;
    state.resolvedAt = undefined;
    if (state.outage && !state.outage.unlinkedAt) state.outage.unlinkedAt = iso(now());
    restartClock();
    setStatus('open');
    log('reopened', by, why);
    // The consumer learns the new expected time (unless the answer to their report said it).
    if (!answered && patched('reopen-tells-consumer'))
      void notify({
        key: `${input.requestNumber}/reopened/${state.reopenCount}`,
        to: { consumerNumber: input.consumerNumber },
        template: 'complaint-reopened',
        params: { requestNumber: input.requestNumber, complaintType: complaintName, dueAt: state.dueAt },
      });
  }
  function unlink(why: string) {
    state.outage!.unlinkedAt = iso(now());
    restartClock();
    log('unlinked-from-outage', undefined, why);
  }
  function restored(restoredAt: string) {
    state.outage!.restoredAt = restoredAt;
    markResolved(`power restored (outage ${state.outage!.id})`);
    void notify({
      // One notice per restoration: a complaint linked to a second outage is told again.
      key: patched('restored-notice-per-outage')
        ? `${input.requestNumber}/restored/${state.outage!.id}`
        : `${input.requestNumber}/restored`,
      to: { consumerNumber: input.consumerNumber },
      template: 'complaint-power-restored',
      params: { requestNumber: input.requestNumber, area: state.outage!.area, ...howToReopen() },
    });
  }

  // ---------- timers ----------
  const escalate = (level: number) => {
    const spec = type.escalation.find((e) => e.level === level);
    if (!spec) {
      state.escalationDueAt = undefined; // top of the matrix: it stays there
      return;
    }
    state.escalationLevel = level;
    state.escalationOfficeId = escalationOffice(level) ?? state.officeId;
    state.escalationDueAt = iso(addBusinessTime(now(), parseBusinessDuration(spec.deadline), input.calendar));
    log('escalated', undefined, `level ${level}: ${spec.role} of ${state.escalationOfficeId}`);
    const key = `${input.requestNumber}/escalated/${state.reopenCount}/${level}`;
    const to = { officeId: state.escalationOfficeId, role: spec.role };
    // A complaint's own words, and the new level's deadline rather than the breached one.
    void notify(
      patched('complaint-escalation-wording')
        ? {
            key,
            to,
            template: 'complaint-escalation-alert',
            params: {
              requestNumber: input.requestNumber,
              complaintType: complaintName,
              level: String(level),
              resolveBy: state.escalationDueAt,
            },
          }
        : {
            key,
            to,
            template: 'escalation-alert',
            params: {
              requestNumber: input.requestNumber,
              service: complaintName,
              level: String(level),
              dueAt: state.dueAt,
            },
          },
    );
  };
  /** Alert 0 goes to the emergency desk and the section office; alert n to escalation level n, then the top. */
  /** Who alert `n` goes to: the emergency desk and the section office, then one level higher each time. */
  const alertTargets = (n: number) => {
    const top = Math.max(0, ...type.escalation.map((s) => s.level));
    return n === 0
      ? [
          { officeId: input.emergency!.deskOfficeId, role: 'dispatcher' },
          { officeId: input.officeId, role: 'executive' },
        ]
      : [{ officeId: escalationOffice(Math.min(n, top)) ?? input.officeId, role: 'supervisor' }];
  };
  const alertedBefore = (n: number) =>
    Array.from({ length: n }, (_, i) => alertTargets(i))
      .flat()
      .filter((t, i, all) => all.findIndex((o) => o.officeId === t.officeId && o.role === t.role) === i);
  const alertEmergency = () => {
    const e = state.emergency!;
    const targets = alertTargets(e.alerts);
    for (const to of targets)
      void notify({
        key: `${input.requestNumber}/emergency/${e.alerts}/${to.officeId}`,
        to,
        ...(site
          ? {
              // What the person needs to act on it; a re-alert says so, and who else was told.
              template: e.alerts === 0 ? 'emergency-alert-site' : 'emergency-realert',
              params: {
                requestNumber: input.requestNumber,
                consumer: site.consumer,
                address: site.address,
                supply: site.supply,
                reported: input.description || complaintName,
                channel: { phrase: `channel.${input.channel}` },
                reportedAt: input.submittedAt,
                ...(e.alerts === 0
                  ? {}
                  : {
                      waiting: String(
                        Math.max(
                          0,
                          Math.round((now().getTime() - new Date(input.submittedAt).getTime()) / 60_000),
                        ),
                      ),
                      alert: String(e.alerts + 1),
                      alerted: {
                        list: alertedBefore(e.alerts).map((t) => ({
                          phrase: 'role-of-office',
                          values: { role: { phrase: `role.${t.role}` }, office: t.officeId },
                        })),
                      },
                    }),
              },
            }
          : {
              template: 'emergency-alert',
              params: {
                requestNumber: input.requestNumber,
                location: `consumer ${input.consumerNumber}${input.description ? `: ${input.description}` : ''}`,
                reportedAt: input.submittedAt,
              },
            }),
      });
    log(
      e.alerts === 0 ? 'emergency-alerted' : 'emergency-realerted',
      undefined,
      targets.map((t) => `${t.role} of ${t.officeId}`).join(', '),
    );
    e.alerts += 1;
    e.nextAlertAt = iso(new Date(now().getTime() + input.emergency!.realertEveryMs));
  };
  /** Until when a resolved complaint can be reported not fixed (a declaration: the handlers use it). */
  function confirmBy() {
    return state.resolvedAt
      ? new Date(
          addBusinessTime(
            new Date(state.resolvedAt),
            parseBusinessDuration(type.confirmWindow),
            input.calendar,
          ),
        ).toISOString()
      : undefined;
  }
  const nextDeadline = (): number | undefined => {
    const candidates = [
      clockRuns() && !state.breached ? state.dueAt : undefined,
      clockRuns() ? state.escalationDueAt : undefined,
      state.emergency && !state.emergency.acknowledgedAt && clockRuns()
        ? state.emergency.nextAlertAt
        : undefined,
      state.status === 'resolved' ? confirmBy() : undefined,
    ].filter((d): d is string => Boolean(d));
    return candidates.length ? Math.min(...candidates.map((d) => new Date(d).getTime())) : undefined;
  };
  const fireDueTimers = () => {
    const t = now().getTime();
    const due = (d: string | undefined) => d !== undefined && t >= new Date(d).getTime();
    if (state.emergency && !state.emergency.acknowledgedAt && clockRuns() && due(state.emergency.nextAlertAt))
      alertEmergency();
    if (clockRuns() && !state.breached && due(state.dueAt)) {
      state.breached = true;
      log('tat-breached', undefined, `not resolved within ${type.tat}`);
      escalate(1);
      // The consumer is told too, with the new level's deadline, as service requests do.
      if (patched('complaint-delay-notice'))
        void notify({
          key: `${input.requestNumber}/delayed/${state.reopenCount}`,
          to: { consumerNumber: input.consumerNumber },
          template: 'complaint-delayed',
          params: {
            requestNumber: input.requestNumber,
            complaintType: complaintName,
            newDate: state.escalationDueAt ?? state.dueAt,
          },
        });
    } else if (clockRuns() && due(state.escalationDueAt)) {
      escalate(state.escalationLevel + 1);
    }
    if (state.status === 'resolved' && due(confirmBy()))
      close('closed', undefined, 'no answer from the consumer: taken as fixed');
  };

  // ---------- statutory compensation ----------
  /**
   * What the standard of performance owes for the restoration: the clock runs from the report
   * (and each reopening) until it was resolved; the time it stood resolved is not counted.
   * Credited to the ledger once, at closure, when the resolution is final.
   */
  const creditCompensation = async (): Promise<TCompensationCredit | undefined> => {
    const until = state.resolvedAt ?? state.closedAt ?? iso(now());
    const credit = await creditIfLate(acts, {
      source: 'complaint',
      standard: type.standard!,
      elapsedMs: runningTime(complaintClockEvents(state.timeline), until, input.calendar),
      requestNumber: input.requestNumber,
      typeCode: type.code,
      consumerNumber: input.consumerNumber,
      officeId: state.officeId,
    });
    if (!credit) return undefined;
    log('compensation-credited', undefined, `${credit.amountText} — ${credit.citation}`);
    await notify({
      key: `${input.requestNumber}/compensated`,
      to: { consumerNumber: input.consumerNumber },
      template: 'complaint-compensated',
      params: {
        requestNumber: input.requestNumber,
        complaintType: complaintName,
        compensation: compensationPhrase(credit),
      },
    });
    return credit;
  };

  // ---------- bookkeeping ----------
  let syncedKey = '';
  const sync = async () => {
    if (tracked) {
      if (!tracked.take()) return;
    } else {
      const key = JSON.stringify([state.status, state.dueAt, state.escalationLevel, state.timeline.length]);
      if (key === syncedKey) return;
      syncedKey = key;
    }
    upsertSearchAttributes([
      { key: SA.RequestStatus, value: state.status },
      { key: SA.EscalationLevel, value: state.escalationLevel },
      { key: SA.SlaDueAt, value: clockRuns() ? new Date(state.dueAt) : null },
    ]);
    await acts.saveComplaint({ state });
  };

  /** The consumer's notice of the registration: its number and due time, or the outage's ETR. */
  const registeredNotice = () =>
    notify(
      state.outage
        ? {
            key: `${input.requestNumber}/registered`,
            to: { consumerNumber: input.consumerNumber },
            template: 'complaint-linked-outage',
            params: { requestNumber: input.requestNumber, area: state.outage.area, etr: state.outage.etr },
          }
        : {
            key: `${input.requestNumber}/registered`,
            to: { consumerNumber: input.consumerNumber },
            template: 'complaint-registered',
            params: { requestNumber: input.requestNumber, complaintType: complaintName, dueAt: state.dueAt },
          },
    );

  // ---------- the run ----------
  // The channel's written answer to this report (its number, due time or ETR) goes first, beside
  // everything else: the intake hands it over instead of waiting for the gateway.
  /** whether the report's written answer stands for the registration notice (decided below) */
  let answered: boolean | undefined = undefined;
  let replied: Promise<void> | undefined;
  let replyWent = false;
  if (input.reply && patched('reply-in-workflow'))
    replied = replyActs.sendChannelReply(input.reply).then(
      () => {
        replyWent = true;
      },
      // Never sent (refused, or the gateway down for good): the registration notice tells them.
      async () => {
        await condition(() => answered !== undefined);
        if (answered) await registeredNotice();
      },
    );
  if (state.emergency && patched('emergency-alert-detail'))
    site = await acts.emergencySite({ consumerNumber: input.consumerNumber });
  if (state.outage) {
    // Restored between intake and now? The registry could not signal a workflow not yet started.
    const outage = await acts.outageState({ outageId: state.outage.id });
    if (outage.restoredAt) restored(outage.restoredAt);
    else if (outage.etr !== state.outage.etr) {
      state.outage.etr = outage.etr;
      // A new ETR while the report waited in the workflow inbox: a consumer answered in writing
      // was given the old one, and hears the new one as everyone already linked does — after
      // that answer has gone, not before it. An answer that never went is followed by the
      // registration notice, which carries the new ETR (as it does for everyone else).
      if (input.answeredInWriting && patched('etr-changed-before-start')) {
        const etr = outage.etr;
        const area = state.outage.area;
        log('etr-changed', undefined, etr);
        void (replied ?? Promise.resolve()).then(() => {
          if (replied && !replyWent) return;
          void notify({
            key: `${input.requestNumber}/etr/${etr}`,
            to: { consumerNumber: input.consumerNumber },
            template: 'outage-etr-changed',
            params: { area, etr },
          });
        });
      }
    }
  }
  // The consumer hears it once: a written answer to their own report already gave the number,
  // the expected time or the outage's ETR.
  answered = Boolean(input.answeredInWriting) && patched('answered-in-writing');
  if (!answered) await registeredNotice();
  if (state.outage) log('linked-to-outage', undefined, `${state.outage.id}, ETR ${state.outage.etr}`);

  for (;;) {
    while (state.status !== 'closed') {
      fireDueTimers();
      await sync();
      const deadline = nextDeadline();
      dirty = false;
      const woken = () => dirty || (tracked?.changed() ?? false);
      if (deadline === undefined) await condition(woken);
      else await condition(woken, Math.max(1, deadline - now().getTime()));
    }
    // An update admitted just before closing may still be running: settle, then look again.
    await condition(allHandlersFinished);
    if (state.status === 'closed') break;
  }
  // Runs recorded before statutory compensation close without it.
  if (type.standard && !state.compensation && patched('statutory-compensation'))
    state.compensation = await creditCompensation();
  await sync();
  await replied;
  await acts.releaseComplaintSlot({
    consumerNumber: input.consumerNumber,
    typeCode: type.code,
    requestNumber: input.requestNumber,
  });
  return state;
}

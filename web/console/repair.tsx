/** @jsxImportSource hono/jsx */
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps } from '../../api/types';
import type { TFieldError } from '../../domain/failures';
import type { TPrincipal } from '../../domain/roles';
import { PHRASES } from '../../domain/notice-templates';
import { ZRequestNumber } from '../../domain/request-number';
import { scopeIdempotencyKey } from '../../lib/idempotency';
import { Notice } from '../components';
import {
  inspectRequest,
  listRepairLog,
  REASON_MAX,
  REPAIR_ACTIONS,
  REPAIR_ROLES,
  repairRequest,
  type TRepairAction,
  type TRepairRecord,
  type TRepairView,
} from '../../use-cases/repair';
import type { ConsoleEnv } from './env';
import { ConsoleLayout, Csrf, type TConsolePage } from './layout';
import { consoleTranslator } from './messages';
import { FieldFailure, Flag, FormFailure, Panel, When, type TFormFailure } from './parts';

export { REPAIR_ROLES };

export type TRepairPageView = {
  /** what was typed in the look-up (shown back only when it is a valid number) */
  requestNumber?: string;
  view?: TRepairView;
  log: TRepairRecord[];
  failure?: TFormFailure;
  done?: TRepairAction;
};

/** One reason field and the submit button of an action form. */
function ReasonAndSubmit(props: {
  page: TConsolePage;
  form: string;
  action: TRepairAction;
  failure?: TFormFailure;
  danger?: boolean;
}) {
  const { t } = props.page;
  const id = `${props.form}-reason`;
  return (
    <>
      <input type="hidden" name="key" value={randomUUID()} />
      <div class="c-field">
        <label for={id}>{t('repair.reason')}</label>
        <input
          type="text"
          id={id}
          name="reason"
          maxlength={REASON_MAX}
          required
          aria-describedby={`${props.form}-reason-error`}
        />
        <FieldFailure failure={props.failure} form={props.form} field="reason" />
      </div>
      <button
        type="submit"
        class={props.danger ? 'c-button c-button-small c-button-danger' : 'c-button c-button-small'}
      >
        {t(`repair.do-${props.action}`)}
      </button>
    </>
  );
}

function Activities({ page, rv }: { page: TConsolePage; rv: TRepairPageView & { view: TRepairView } }) {
  const { t } = page;
  const { view } = rv;
  if (view.pendingActivities.length === 0) return <p class="c-empty">{t('repair.noActivities')}</p>;
  return (
    <table class="c-table c-repair-activities">
      <thead>
        <tr>
          <th scope="col">{t('repair.activity')}</th>
          <th scope="col">{t('repair.attempt')}</th>
          <th scope="col">{t('repair.lastFailure')}</th>
          <th scope="col">{t('repair.nextAttempt')}</th>
          <th scope="col">{t('repair.action')}</th>
        </tr>
      </thead>
      <tbody>
        {view.pendingActivities.map((a) => {
          const form = `retry-${a.activityId}`;
          return (
            <tr data-activity={a.type} class={a.lastFailure ? 'c-row-breach' : undefined}>
              <td data-label={t('repair.activity')}>
                <strong class="c-mono">{a.type}</strong>
                <br />
                <Flag tone={a.paused ? 'paused' : a.lastFailure ? 'warn' : 'ok'}>
                  {t(`repair.state-${a.paused ? 'paused' : a.state}`)}
                </Flag>
              </td>
              <td data-label={t('repair.attempt')}>
                {a.maximumAttempts
                  ? t('repair.attemptOf', { attempt: a.attempt, of: a.maximumAttempts })
                  : t('repair.attemptNoLimit', { attempt: a.attempt })}
              </td>
              <td data-label={t('repair.lastFailure')}>
                {a.lastFailure ? (
                  <code class="c-repair-failure">{a.lastFailure.message}</code>
                ) : (
                  <span class="c-muted">—</span>
                )}
              </td>
              <td data-label={t('repair.nextAttempt')}>
                <When page={page} at={a.nextAttemptAt} />
              </td>
              <td data-label={t('repair.action')}>
                <FormFailure failure={rv.failure} form={form} />
                <form
                  method="post"
                  action={`/console/repair/${view.requestNumber}/retry`}
                  class="c-form c-repair-form"
                >
                  <Csrf page={page} />
                  <input type="hidden" name="activityId" value={a.activityId} />
                  <input type="hidden" name="form" value={form} />
                  <ReasonAndSubmit page={page} form={form} action="retry" failure={rv.failure} />
                </form>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function WorkflowTask({ page, rv }: { page: TConsolePage; rv: TRepairPageView & { view: TRepairView } }) {
  const { t } = page;
  const { view } = rv;
  const failure = view.lastWorkflowTaskFailure;
  const failing = (view.pendingWorkflowTask?.attempt ?? 1) > 1;
  return (
    <>
      {failure ? (
        <dl class="c-facts">
          <dt>{t('repair.taskFailedAt')}</dt>
          <dd>
            <When page={page} at={failure.at} /> · {t('repair.event', { id: failure.eventId })}
          </dd>
          <dt>{t('repair.taskCause')}</dt>
          <dd class="c-mono">{failure.cause}</dd>
          <dt>{t('repair.taskMessage')}</dt>
          <dd>
            <code class="c-repair-failure">{failure.message}</code>
          </dd>
          {view.pendingWorkflowTask ? (
            <>
              <dt>{t('repair.taskAttempt')}</dt>
              <dd>
                {failing ? <Flag tone="breach">{t('repair.taskFailing')}</Flag> : null}{' '}
                {t('repair.attemptNoLimit', { attempt: view.pendingWorkflowTask.attempt })}
              </dd>
            </>
          ) : null}
        </dl>
      ) : (
        <p class="c-empty">{t('repair.noTaskFailure')}</p>
      )}
      {view.resetPoint && view.status === 'running' ? (
        <>
          <p class="c-muted">{t('repair.resetHelp', { id: view.resetPoint.eventId })}</p>
          <FormFailure failure={rv.failure} form="reset" />
          <form
            method="post"
            action={`/console/repair/${view.requestNumber}/reset`}
            class="c-form c-repair-form"
          >
            <Csrf page={page} />
            <input type="hidden" name="form" value="reset" />
            <ReasonAndSubmit page={page} form="reset" action="reset" failure={rv.failure} />
          </form>
        </>
      ) : null}
    </>
  );
}

function Log({ page, log }: { page: TConsolePage; log: TRepairRecord[] }) {
  const { t } = page;
  if (log.length === 0) return <p class="c-empty">{t('repair.noLog')}</p>;
  return (
    <table class="c-table c-repair-log">
      <thead>
        <tr>
          <th scope="col">{t('repair.when')}</th>
          <th scope="col">{t('repair.who')}</th>
          <th scope="col">{t('repair.action')}</th>
          <th scope="col">{t('repair.reason')}</th>
          <th scope="col">{t('repair.outcome')}</th>
        </tr>
      </thead>
      <tbody>
        {log.map((r) => (
          <tr data-action={r.id}>
            <td data-label={t('repair.when')}>
              <When page={page} at={r.at} />
            </td>
            <td data-label={t('repair.who')}>
              {r.actor.subject}
              <br />
              <span class="c-muted">
                {PHRASES.format(page.language, `role.${r.actor.role}`)} · {r.actor.officeId}
              </span>
            </td>
            <td data-label={t('repair.action')}>
              {t(`repair.do-${r.action}`)}
              {r.dryRun ? <span class="c-muted"> ({t('repair.dryRun')})</span> : null}
              <br />
              <span class="c-mono c-muted c-repair-target">{r.target}</span>
            </td>
            <td data-label={t('repair.reason')}>{r.reason}</td>
            <td data-label={t('repair.outcome')}>
              <Flag tone={r.outcome === 'done' ? 'ok' : r.outcome === 'failed' ? 'breach' : 'level'}>
                {t(`repair.outcome-${r.outcome}`)}
              </Flag>
              {r.outcome === 'failed' && typeof r.result.error === 'string' ? (
                <>
                  <br />
                  <span class="c-muted">{r.result.error}</span>
                </>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Repair for ops and admin: open a Request Number, see what its workflow waits on (activities
 * failing and retrying, a workflow task failing after a bad deploy, its timers), retry an activity
 * now, reset, cancel or terminate with a reason; and the log of every repair action.
 */
export function RepairPage({ page, rv }: { page: TConsolePage; rv: TRepairPageView }) {
  const { t } = page;
  const view = rv.view;
  return (
    <ConsoleLayout page={page} title={view ? t('repair.one', { rn: view.requestNumber }) : t('repair.title')}>
      <div class="c-title-row">
        <div>
          <h1>{view ? t('repair.one', { rn: view.requestNumber }) : t('repair.title')}</h1>
          <p class="c-muted c-lead">{t('repair.lead')}</p>
        </div>
      </div>
      {rv.done ? (
        <Notice kind="success" id="done">
          {t(`repair.done-${rv.done}`)}
        </Notice>
      ) : null}
      <form method="get" action="/console/repair" class="c-form c-repair-find" role="search">
        <div class="c-field">
          <label for="rn">{t('repair.find')}</label>
          <input
            type="text"
            id="rn"
            name="rn"
            value={rv.requestNumber ?? ''}
            placeholder="CR-2026-000123-4"
            class="c-mono"
            aria-describedby="find-rn-error"
          />
          <FieldFailure failure={rv.failure} form="find" field="rn" />
        </div>
        <button type="submit" class="c-button c-button-small">
          {t('repair.open')}
        </button>
      </form>
      {rv.failure && !['find'].includes(rv.failure.form) && !view ? (
        <FormFailure failure={rv.failure} form={rv.failure.form} />
      ) : null}
      {view ? (
        <>
          <Panel
            title={t('repair.workflow')}
            id="workflow"
            actions={
              <Flag
                tone={view.status === 'running' ? 'level' : view.status === 'completed' ? 'ok' : 'breach'}
              >
                {t(`repair.status-${view.status}`)}
              </Flag>
            }
          >
            <dl class="c-facts">
              <dt>{t('repair.type')}</dt>
              <dd class="c-mono">{view.workflowType}</dd>
              <dt>{t('repair.started')}</dt>
              <dd>
                <When page={page} at={view.startedAt} />
              </dd>
              {view.closedAt ? (
                <>
                  <dt>{t('repair.closed')}</dt>
                  <dd>
                    <When page={page} at={view.closedAt} />
                  </dd>
                </>
              ) : null}
              <dt>{t('repair.run')}</dt>
              <dd class="c-mono">{view.runId}</dd>
              <dt>{t('repair.events')}</dt>
              <dd>{view.historyLength}</dd>
              {Object.entries(view.searchAttributes)
                .filter(([, v]) => v !== null)
                .map(([k, v]) => (
                  <>
                    <dt class="c-mono">{k}</dt>
                    <dd class="c-mono">{String(v)}</dd>
                  </>
                ))}
            </dl>
          </Panel>
          <Panel title={t('repair.activities')} id="activities">
            <Activities page={page} rv={{ ...rv, view }} />
          </Panel>
          <Panel title={t('repair.workflowTask')} id="workflow-task">
            <WorkflowTask page={page} rv={{ ...rv, view }} />
          </Panel>
          <Panel title={t('repair.timers')} id="timers">
            {view.timers.length ? (
              <ul class="c-repair-timers">
                {view.timers.map((x) => (
                  <li>
                    <span class="c-mono">{t('repair.timer', { id: x.timerId })}</span> ·{' '}
                    <When page={page} at={x.firesAt} />
                  </li>
                ))}
              </ul>
            ) : (
              <p class="c-empty">{t('repair.noTimers')}</p>
            )}
          </Panel>
          {view.status === 'running' ? (
            <Panel title={t('repair.stop')} id="stop">
              <p class="c-muted">{t('repair.stopHelp')}</p>
              {(['cancel', 'terminate'] as const).map((action) => (
                <>
                  <FormFailure failure={rv.failure} form={action} />
                  <form
                    method="post"
                    action={`/console/repair/${view.requestNumber}/${action}`}
                    class="c-form c-repair-form"
                  >
                    <Csrf page={page} />
                    <input type="hidden" name="form" value={action} />
                    <ReasonAndSubmit
                      page={page}
                      form={action}
                      action={action}
                      failure={rv.failure}
                      danger={action === 'terminate'}
                    />
                  </form>
                </>
              ))}
            </Panel>
          ) : null}
        </>
      ) : null}
      <Panel title={view ? t('repair.logOne') : t('repair.log')} id="log">
        <Log page={page} log={rv.log} />
      </Panel>
    </ConsoleLayout>
  );
}

type TStaff = TPrincipal & { kind: 'staff' };

/** The console's routes for the repair page; app.tsx passes the frame's helpers. */
export function addRepairPages(
  app: Hono<ConsoleEnv>,
  deps: AppDeps,
  helpers: {
    staffOf: (c: Context<ConsoleEnv>) => TStaff | undefined;
    toSignIn: (c: Context) => Response;
    pageOf: (c: Context<ConsoleEnv>, path?: string) => Promise<TConsolePage>;
    html: (c: Context, element: unknown, status?: ContentfulStatusCode) => Response | Promise<Response>;
    refusalOf: (
      error: unknown,
    ) => { status: ContentfulStatusCode; message: string; errors: TFieldError[] } | undefined;
  },
) {
  const { staffOf, toSignIn, pageOf, html, refusalOf } = helpers;

  const render = async (
    c: Context<ConsoleEnv>,
    principal: TStaff,
    input: { raw?: string; failure?: TFormFailure; done?: TRepairAction },
    status: ContentfulStatusCode = 200,
  ) => {
    let failure = input.failure;
    let view: TRepairView | undefined;
    let requestNumber: string | undefined;
    const raw = input.raw?.trim();
    if (raw) {
      const parsed = ZRequestNumber.safeParse(raw);
      if (!parsed.success) {
        failure ??= {
          form: 'find',
          message: consoleTranslator(c.get('language'))('failure.fields'),
          errors: [{ field: 'rn', message: parsed.error.issues[0]?.message ?? 'invalid' }],
        };
        status = 400;
      } else {
        requestNumber = parsed.data;
        try {
          view = await inspectRequest(deps, principal, { requestNumber });
        } catch (error) {
          const refusal = refusalOf(error);
          if (!refusal || refusal.status !== 404) throw error;
          failure ??= {
            form: 'find',
            message: refusal.message,
            errors: [{ field: 'rn', message: refusal.message }],
          };
          status = 404;
        }
      }
    }
    const log = await listRepairLog(deps, principal, { target: view?.requestNumber, limit: 20 });
    const page = await pageOf(
      c,
      view ? `/console/repair?rn=${encodeURIComponent(view.requestNumber)}` : '/console/repair',
    );
    return html(
      c,
      <RepairPage
        page={page}
        rv={{
          requestNumber: requestNumber ?? (raw && !failure ? raw : undefined),
          view,
          log,
          failure,
          done: input.done,
        }}
      />,
      status,
    );
  };

  app.get('/repair', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const done = REPAIR_ACTIONS.find((a) => a === c.req.query('done'));
    // Page use case: the role is checked by the use cases the page calls (the log first).
    await listRepairLog(deps, principal, { limit: 1 });
    return render(c, principal, { raw: c.req.query('rn'), done });
  });

  app.post('/repair/:rn/:action', async (c) => {
    const principal = staffOf(c);
    if (!principal) return toSignIn(c);
    const action = REPAIR_ACTIONS.find((a) => a === c.req.param('action'));
    const parsed = ZRequestNumber.safeParse(c.req.param('rn'));
    if (!action || !parsed.success) return c.notFound();
    const rn = parsed.data;
    const form = await c.req.parseBody();
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const formId = /^(retry-[A-Za-z0-9._-]{1,100}|reset|cancel|terminate)$/.test(text(form.form) ?? '')
      ? text(form.form)!
      : action;
    const key = text(form.key);
    try {
      await repairRequest(deps, principal, {
        requestNumber: rn,
        action,
        reason: text(form.reason),
        activityId: text(form.activityId) || undefined,
        requestKey:
          key && /^[0-9a-f-]{36}$/.test(key)
            ? `repair:${scopeIdempotencyKey(principal.subject, `console:${key}`)}`
            : undefined,
      });
      return c.redirect(`/console/repair?rn=${encodeURIComponent(rn)}&done=${action}#done`, 303);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || refusal.status === 403) throw error;
      const t = consoleTranslator(c.get('language'));
      return render(
        c,
        principal,
        {
          raw: rn,
          failure: {
            form: formId,
            message:
              refusal.status === 400 && refusal.errors.length
                ? t('failure.fields')
                : t('failure.refused', { reason: refusal.message }),
            errors: refusal.errors,
          },
        },
        refusal.status,
      );
    }
  });
}

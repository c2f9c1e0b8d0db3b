/** @jsxImportSource hono/jsx */
import { Notice, StatusBadge } from '../components';
import type { TComplaintState } from '../../domain/complaint';
import { describeEntry, timelineReader } from '../timeline';
import { ConsoleLayout, Csrf, type TConsolePage } from './layout';
import { consoleMessages, wordsOr } from './messages';
import { FieldFailure, Flag, FormFailure, Panel, When, type TFormFailure } from './parts';

export type TComplaintView = {
  state: TComplaintState;
  typeName: string;
  may: Set<string>;
  failure?: TFormFailure;
  done?: string;
};

const ActionForm = (props: { page: TConsolePage; rn: string; action: string; children: unknown }) => (
  <form
    method="post"
    action={`/console/complaints/${props.rn}/${props.action}`}
    id={props.action}
    class="c-form"
  >
    <Csrf page={props.page} />
    {props.children}
  </form>
);

/** One complaint: status, emergency alerts, outage, crew, timeline; assign a crew, resolve, acknowledge. */
export function ComplaintPage({ page, view }: { page: TConsolePage; view: TComplaintView }) {
  const { t } = page;
  const s = view.state;
  const f = view.failure;
  const open = s.status !== 'closed';
  const emergency = s.emergency;
  return (
    <ConsoleLayout page={page} title={s.requestNumber}>
      <p class="c-crumbs">
        <a href="/console/queue?kind=complaints">← {t('layout.queue')}</a>
      </p>
      <div class="c-title-row">
        <div>
          <h1>
            <span class="c-rn">{s.requestNumber}</span> <span>{view.typeName}</span>
          </h1>
          <p class="c-muted">
            {t('request.meta', { consumer: s.consumerNumber, office: s.officeId, channel: s.channel ?? '' })}
            {s.submittedAt ? (
              <>
                {' '}
                · {t('request.submitted')} <When page={page} at={s.submittedAt} />
              </>
            ) : null}
          </p>
        </div>
        <div class="c-badges">
          <StatusBadge status={s.status} label={wordsOr(t, `status.${s.status}`, s.status)} />
          {s.priority === 'emergency' ? <Flag tone="emergency">{t('flag.emergency')}</Flag> : null}
          {s.breached ? <Flag tone="breach">{t('flag.breached')}</Flag> : null}
        </div>
      </div>
      {view.done ? (
        <Notice kind="success" id="done">
          {t('request.done', { action: wordsOr(t, `actionDone.${view.done}`, view.done) })}
        </Notice>
      ) : null}
      <div class="c-columns">
        <div class="c-column-main">
          <Panel title={t('complaint.facts')} id="facts">
            <dl class="c-facts">
              <dt>{t('complaint.priority')}</dt>
              <dd>{wordsOr(t, `priority.${s.priority}`, s.priority)}</dd>
              <dt>{t('clock.due')}</dt>
              <dd>
                <When page={page} at={s.dueAt} />
              </dd>
              <dt>{t('queue.level')}</dt>
              <dd>{s.escalationLevel}</dd>
              <dt>{t('queue.crew')}</dt>
              <dd>{s.crew ?? '—'}</dd>
              <dt>{t('complaint.reports')}</dt>
              <dd>{s.reports.length}</dd>
              {s.resolution ? (
                <>
                  <dt>{t('complaint.resolution')}</dt>
                  <dd>{s.resolution}</dd>
                </>
              ) : null}
              {s.outage ? (
                <>
                  <dt>{t('complaint.outage')}</dt>
                  <dd>
                    {s.outage.area} · {t('complaint.etr')} <When page={page} at={s.outage.etr} />
                  </dd>
                </>
              ) : null}
            </dl>
          </Panel>
          {emergency ? (
            <Panel title={t('complaint.emergency')} id="emergency" class="c-panel-emergency">
              <p id="realerts">{t('complaint.alerts', { count: emergency.alerts })}</p>
              {emergency.acknowledgedAt ? (
                <p>
                  {t('complaint.acknowledgedBy', { by: emergency.acknowledgedBy ?? '' })}{' '}
                  <When page={page} at={emergency.acknowledgedAt} />
                </p>
              ) : emergency.nextAlertAt ? (
                <p>
                  {t('complaint.nextAlert')} <When page={page} at={emergency.nextAlertAt} />
                </p>
              ) : null}
            </Panel>
          ) : null}
          <Panel title={t('complaint.timeline')} id="timeline">
            <ol class="c-timeline">
              {s.timeline.map((e) => {
                // In the reader's language from the entry's kind and values (web/timeline.tsx).
                const words = describeEntry(timelineReader(page.language, consoleMessages), e);
                return (
                  <li class={`event-${e.event}`}>
                    <When page={page} at={e.at} /> <strong>{words.event}</strong>
                    {e.by ? <span class="c-muted"> · {e.by}</span> : null}
                    {words.detail ? <span class="c-muted"> — {words.detail}</span> : null}
                  </li>
                );
              })}
            </ol>
          </Panel>
        </div>
        <div class="c-column-side">
          {open ? (
            <Panel title={t('request.actions')} id="actions">
              {view.may.has('acknowledge') && emergency && !emergency.acknowledgedAt ? (
                <ActionForm page={page} rn={s.requestNumber} action="acknowledge">
                  <h3>{t('complaint.acknowledgeTitle')}</h3>
                  <FormFailure failure={f} form="acknowledge" />
                  <div class="c-field">
                    <label for="ack-note">{t('action.note')}</label>
                    <input type="text" id="ack-note" name="note" maxlength={500} />
                  </div>
                  <button type="submit" class="c-button c-button-danger">
                    {t('complaint.acknowledge')}
                  </button>
                </ActionForm>
              ) : null}
              {view.may.has('assign-crew') && ['open', 'assigned'].includes(s.status) ? (
                <ActionForm page={page} rn={s.requestNumber} action="assign-crew">
                  <h3>{t('complaint.assignTitle')}</h3>
                  <FormFailure failure={f} form="assign-crew" />
                  <div class="c-field">
                    <label for="crew">{t('queue.crew')}</label>
                    <FieldFailure failure={f} form="assign-crew" field="crew" />
                    <input type="text" id="crew" name="crew" maxlength={100} value={s.crew ?? ''} />
                  </div>
                  <button type="submit" class="c-button">
                    {t('complaint.assign')}
                  </button>
                </ActionForm>
              ) : null}
              {view.may.has('resolve') && ['open', 'assigned'].includes(s.status) ? (
                <ActionForm page={page} rn={s.requestNumber} action="resolve">
                  <h3>{t('complaint.resolveTitle')}</h3>
                  <FormFailure failure={f} form="resolve" />
                  <div class="c-field">
                    <label for="resolution">{t('complaint.resolution')}</label>
                    <FieldFailure failure={f} form="resolve" field="resolution" />
                    <textarea id="resolution" name="resolution" rows={2} maxlength={1000}></textarea>
                  </div>
                  <button type="submit" class="c-button c-button-ok">
                    {t('complaint.resolve')}
                  </button>
                </ActionForm>
              ) : null}
            </Panel>
          ) : null}
        </div>
      </div>
    </ConsoleLayout>
  );
}

/** @jsxImportSource hono/jsx */
import { Notice } from '../components';
import type { TCallListEntry } from '../../db/campaigns';
import type { TOutage } from '../../db/outages';
import { CALL_NOTE_MAX, CALL_OUTCOMES } from '../../domain/campaign-contract';
import { isLanguage } from '../../domain/languages';
import { PHRASES } from '../../domain/notice-templates';
import type { TCampaignSummary } from '../../use-cases/campaigns';
import { ConsoleLayout, Csrf, type TConsolePage } from './layout';
import { consoleMessages } from './messages';
import { Flag, FormFailure, Panel, When, type TFormFailure } from './parts';
import { CampaignActions } from './campaign-forms';

export type TCampaignsView = {
  campaigns: TCampaignSummary[];
  /** the campaign opened, when the page shows one */
  campaign?: TCampaignSummary;
  calls: TCallListEntry[];
  /** may the signed-in person work the call list */
  canCall: boolean;
  /** may they compose and cancel campaigns (and move a planned outage) */
  canCompose: boolean;
  /** the campaign's outage, when it has one */
  outage?: TOutage;
  failure?: TFormFailure;
  done?:
    | { action: 'claimed' | 'recorded'; consumer: string }
    | { action: 'launched' | 'cancelled' | 'rescheduled'; consumer?: undefined };
};

/** A campaign by its name: the outage's, the operator's title, or the reminders of a circle. */
export const campaignName = (page: TConsolePage, c: TCampaignSummary) =>
  c.kind === 'manual'
    ? (c.title ?? c.id)
    : c.kind === 'reminders'
      ? page.t('campaigns.kind-reminders', { office: c.officeId })
      : page.t('campaigns.one', { id: c.outageId ?? c.id });

/** A stage in words: `remind-<date>-<n>d` is the reminder n days before that date. */
const stageName = (page: TConsolePage, stage: string) => {
  const reminder = /^remind-(\d{4}-\d{2}-\d{2})-(\d+)d$/.exec(stage);
  return reminder
    ? page.t('campaigns.stage-remind', { days: Number(reminder[2]), date: `${reminder[1]}T12:00:00Z` })
    : page.t(`campaigns.stage-${stage.split('-')[0]}`);
};

const reasonWords = (page: TConsolePage, reason: string | null) =>
  PHRASES.format(page.language, `call-reason.${reason ?? 'life-support'}`);

/** Progress as "done of all". */
const Progress = ({ page, done, of }: { page: TConsolePage; done: number; of: number }) => (
  <span class="c-progress">
    {page.t('campaigns.progress', { done, of })}
    <meter min={0} max={Math.max(of, 1)} value={done} />
  </span>
);

/** One call-list entry: who, why, their phone, the calls so far, and the action the caller may take. */
function CallRow({ page, view, e }: { page: TConsolePage; view: TCampaignsView; e: TCallListEntry }) {
  const { t } = page;
  const mine = e.status === 'claimed' && e.claimedBy === page.staff?.subject;
  const due = Date.parse(e.dueAt) <= Date.now();
  return (
    <tr data-entry={e.id} class={e.escalatedAt ? 'c-row-breach' : undefined}>
      <td data-label={t('campaigns.consumer')}>
        <strong>{e.name}</strong>
        <span class="c-mono c-muted"> {e.consumerNumber}</span>
        <br />
        <span class="c-muted">{e.address}</span>
      </td>
      <td data-label={t('campaigns.reason')}>
        <Flag tone="emergency">{reasonWords(page, e.reason)}</Flag>
        <br />
        <span class="c-muted">
          {e.area} · {stageName(page, e.stage)}
        </span>
      </td>
      <td data-label={t('campaigns.phone')}>
        <a href={`tel:${e.phone}`} class="c-mono">
          {e.phone}
        </a>
        <br />
        <span class="c-muted" lang={e.language}>
          {isLanguage(e.language) ? consoleMessages.format(e.language, 'layout.languageName') : e.language}
        </span>
      </td>
      <td data-label={t('campaigns.calls')}>
        {t('campaigns.callCount', { count: e.calls })}
        {e.lastOutcome ? (
          <>
            <br />
            <span class="c-muted">
              {t(`campaigns.outcome-${e.lastOutcome}`)}
              {e.lastNote ? `: ${e.lastNote}` : ''}
            </span>
          </>
        ) : null}
        {e.escalatedAt ? (
          <>
            <br />
            <Flag tone="breach">{t('campaigns.escalated')}</Flag>
          </>
        ) : null}
      </td>
      <td data-label={t('campaigns.action')}>
        <FormFailure failure={view.failure} form={`call-${e.id}`} />
        {!view.canCall ? (
          <span class="c-muted">{t(`campaigns.status-${e.status}`)}</span>
        ) : mine ? (
          <form method="post" action={`/console/call-list/${e.id}/outcome`} class="c-form c-call-form">
            <Csrf page={page} />
            {view.campaign ? <input type="hidden" name="campaign" value={view.campaign.id} /> : null}
            <fieldset class="c-choices">
              <legend>{t('campaigns.outcome')}</legend>
              {CALL_OUTCOMES.map((o, i) => (
                <label class="c-choice">
                  <input type="radio" name="outcome" value={o} checked={i === 0} required />{' '}
                  {t(`campaigns.outcome-${o}`)}
                </label>
              ))}
            </fieldset>
            <div class="c-field">
              <label for={`note-${e.id}`}>{t('campaigns.note')}</label>
              <input type="text" id={`note-${e.id}`} name="note" maxlength={CALL_NOTE_MAX} />
            </div>
            <button type="submit" class="c-button c-button-small">
              {t('campaigns.record')}
            </button>
          </form>
        ) : e.status === 'claimed' ? (
          <span class="c-muted">{t('campaigns.calledBy', { who: e.claimedBy ?? '' })}</span>
        ) : e.status === 'calling' && due ? (
          <form method="post" action={`/console/call-list/${e.id}/claim`}>
            <Csrf page={page} />
            {view.campaign ? <input type="hidden" name="campaign" value={view.campaign.id} /> : null}
            <button type="submit" class="c-button c-button-small">
              {t('campaigns.claim')}
            </button>
          </form>
        ) : e.status === 'calling' ? (
          <span class="c-muted">
            {t('campaigns.callAgain')} <When page={page} at={e.dueAt} />
          </span>
        ) : (
          <span class="c-muted">{t(`campaigns.status-${e.status}`)}</span>
        )}
      </td>
    </tr>
  );
}

function CallList({ page, view }: { page: TConsolePage; view: TCampaignsView }) {
  const { t } = page;
  if (view.calls.length === 0) return <p class="c-empty">{t('campaigns.noCalls')}</p>;
  return (
    <table class="c-table c-call-list">
      <thead>
        <tr>
          <th scope="col">{t('campaigns.consumer')}</th>
          <th scope="col">{t('campaigns.reason')}</th>
          <th scope="col">{t('campaigns.phone')}</th>
          <th scope="col">{t('campaigns.calls')}</th>
          <th scope="col">{t('campaigns.action')}</th>
        </tr>
      </thead>
      <tbody>
        {view.calls.map((e) => (
          <CallRow page={page} view={view} e={e} />
        ))}
      </tbody>
    </table>
  );
}

/** A campaign's figures: stages, channels, calls, complaints. */
function Figures({ page, c }: { page: TConsolePage; c: TCampaignSummary }) {
  const { t } = page;
  const f = c.figures;
  return (
    <div class="c-figures">
      <dl class="c-facts">
        <dt>{t('campaigns.targeted')}</dt>
        <dd class="c-targeted">{f.targeted}</dd>
        <dt>{t('campaigns.callList')}</dt>
        <dd>
          <Progress page={page} done={f.calls.reached + f.calls.fellBack} of={f.calls.total} />
        </dd>
        <dt>{t('campaigns.complaints')}</dt>
        <dd>{f.complaintsLinked}</dd>
        <dt>{t('campaigns.contacts')}</dt>
        <dd>{f.inboundContacts}</dd>
      </dl>
      <table class="c-table c-stages">
        <thead>
          <tr>
            <th scope="col">{t('campaigns.stage')}</th>
            <th scope="col">{t('campaigns.delivered')}</th>
            <th scope="col">{t('campaigns.open')}</th>
            <th scope="col">{t('campaigns.cancelledCount')}</th>
            <th scope="col">{t('campaigns.byComplaint')}</th>
          </tr>
        </thead>
        <tbody>
          {f.stages.map((s) => (
            <tr data-stage={s.stage}>
              <td data-label={t('campaigns.stage')}>{stageName(page, s.stage)}</td>
              <td data-label={t('campaigns.delivered')}>
                <Progress page={page} done={s.delivered} of={s.planned - s.toldByComplaint - s.cancelled} />
              </td>
              <td data-label={t('campaigns.open')}>{s.open}</td>
              <td data-label={t('campaigns.cancelledCount')} class="c-cancelled">
                {s.cancelled}
              </td>
              <td data-label={t('campaigns.byComplaint')}>{s.toldByComplaint}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table class="c-table c-channels">
        <thead>
          <tr>
            <th scope="col">{t('campaigns.channel')}</th>
            <th scope="col">{t('campaigns.sent')}</th>
            <th scope="col">{t('campaigns.delivered')}</th>
            <th scope="col">{t('campaigns.failed')}</th>
          </tr>
        </thead>
        <tbody>
          {f.channels.map((ch) => (
            <tr data-channel={ch.channel}>
              <td data-label={t('campaigns.channel')}>{t(`campaigns.channel-${ch.channel}`)}</td>
              <td data-label={t('campaigns.sent')}>{ch.sent}</td>
              <td data-label={t('campaigns.delivered')}>{ch.delivered}</td>
              <td data-label={t('campaigns.failed')}>{ch.failed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Outage campaigns for dispatchers and operators: the call list of the office to work (claim an
 * entry, call, record what came of it), and each campaign's figures. One campaign opened shows
 * its own call list, worked entries included.
 */
export function CampaignsPage({ page, view }: { page: TConsolePage; view: TCampaignsView }) {
  const { t } = page;
  const c = view.campaign;
  return (
    <ConsoleLayout page={page} title={c ? campaignName(page, c) : t('campaigns.title')}>
      <div class="c-title-row">
        <div>
          <h1>{c ? campaignName(page, c) : t('campaigns.title')}</h1>
          <p class="c-muted c-lead">
            {t(
              c?.kind === 'manual'
                ? 'campaigns.leadManual'
                : c?.kind === 'reminders'
                  ? 'campaigns.leadReminders'
                  : 'campaigns.lead',
            )}
          </p>
        </div>
        {c ? (
          <a href="/console/campaigns" class="c-button c-button-small">
            {t('campaigns.all')}
          </a>
        ) : view.canCompose ? (
          <a href="/console/campaigns/new" class="c-button c-button-ok" id="new-campaign-link">
            {t('campaigns.new')}
          </a>
        ) : null}
      </div>
      {view.done ? (
        <Notice kind="success" id="done">
          {t(`campaigns.done-${view.done.action}`, { consumer: view.done.consumer ?? '' })}
        </Notice>
      ) : null}
      {/* A refusal about an entry no longer on the list is shown at the top. */}
      {view.failure &&
      !['cancel', 'reschedule'].includes(view.failure.form) &&
      !view.calls.some((e) => view.failure?.form === `call-${e.id}`) ? (
        <FormFailure failure={{ ...view.failure, form: 'call' }} form="call" />
      ) : null}
      {c ? (
        <>
          <Panel
            title={t('campaigns.figures')}
            id="figures"
            actions={
              <Flag tone={c.status === 'done' ? 'ok' : 'level'}>{t(`campaigns.campaign-${c.status}`)}</Flag>
            }
          >
            {c.kind === 'manual' ? (
              <dl class="c-facts">
                <dt>{t('campaigns.by')}</dt>
                <dd>{c.createdBy ?? '—'}</dd>
                <dt>{t('campaigns.scheduledAt')}</dt>
                <dd>
                  <When page={page} at={(c.scheduledAt ?? c.createdAt).toISOString()} />
                </dd>
              </dl>
            ) : null}
            <CampaignActions
              page={page}
              campaign={c}
              outage={view.outage}
              canCompose={view.canCompose}
              failure={view.failure}
            />
            <Figures page={page} c={c} />
          </Panel>
          <Panel title={t('campaigns.callListTitle')} id="call-list">
            <CallList page={page} view={view} />
          </Panel>
        </>
      ) : (
        <div class="c-columns">
          <div class="c-column-main">
            <Panel title={t('campaigns.callListTitle')} id="call-list">
              <CallList page={page} view={view} />
            </Panel>
          </div>
          <div class="c-column-side">
            <Panel title={t('campaigns.list')} id="campaigns">
              {view.campaigns.length === 0 ? <p class="c-empty">{t('campaigns.none')}</p> : null}
              <ul class="c-outages">
                {view.campaigns.map((k) => (
                  <li class="c-outage" data-campaign={k.id}>
                    <div class="c-outage-head">
                      <a class="c-rn" href={`/console/campaigns/${k.id}`}>
                        {k.kind === 'outage' ? (k.outageId ?? k.id) : campaignName(page, k)}
                      </a>
                      <Flag tone={k.status === 'done' ? 'ok' : 'level'}>
                        {t(`campaigns.campaign-${k.status}`)}
                      </Flag>
                    </div>
                    <dl class="c-facts">
                      <dt>{t('campaigns.targeted')}</dt>
                      <dd>{k.figures.targeted}</dd>
                      <dt>{t('campaigns.started')}</dt>
                      <dd>
                        <When page={page} at={k.createdAt.toISOString()} />
                      </dd>
                      <dt>{t('campaigns.callList')}</dt>
                      <dd>
                        <Progress
                          page={page}
                          done={k.figures.calls.reached + k.figures.calls.fellBack}
                          of={k.figures.calls.total}
                        />
                      </dd>
                      <dt>{t('campaigns.complaints')}</dt>
                      <dd>{k.figures.complaintsLinked}</dd>
                    </dl>
                  </li>
                ))}
              </ul>
            </Panel>
            <Reminders page={page} view={view} />
          </div>
        </div>
      )}
    </ConsoleLayout>
  );
}

/** The disconnection reminders' latest stages: how many were told, how many paid first (cancelled). */
function Reminders({ page, view }: { page: TConsolePage; view: TCampaignsView }) {
  const { t } = page;
  const reminders = view.campaigns.filter((k) => k.kind === 'reminders');
  if (reminders.length === 0) return null;
  return (
    <Panel title={t('campaigns.reminders')} id="reminders">
      {reminders.map((k) => (
        <div data-campaign={k.id}>
          <a href={`/console/campaigns/${k.id}`}>{campaignName(page, k)}</a>
          <table class="c-table c-reminder-stages">
            <thead>
              <tr>
                <th scope="col">{t('campaigns.stage')}</th>
                <th scope="col">{t('campaigns.delivered')}</th>
                <th scope="col">{t('campaigns.paidFirst')}</th>
              </tr>
            </thead>
            <tbody>
              {k.figures.stages
                .slice(-6)
                .reverse()
                .map((s) => (
                  <tr data-stage={s.stage}>
                    <td data-label={t('campaigns.stage')}>{stageName(page, s.stage)}</td>
                    <td data-label={t('campaigns.delivered')}>
                      <Progress page={page} done={s.delivered} of={s.planned - s.cancelled} />
                    </td>
                    <td data-label={t('campaigns.paidFirst')}>{s.cancelled}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      ))}
    </Panel>
  );
}

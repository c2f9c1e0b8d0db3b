/** @jsxImportSource hono/jsx */
import type { TOutage } from '../../db/outages';
import { CAMPAIGN_CHANNELS, MANUAL_TEMPLATES } from '../../domain/campaign-contract';
import type { TLanguage } from '../../domain/languages';
import type { TCampaignSummary } from '../../use-cases/campaigns';
import type { TCampaignPreview } from '../../use-cases/manual-campaigns';
import { MESSAGE_MAX, TITLE_MAX } from '../../use-cases/manual-campaigns';
import type { TNetworkFeeder } from '../../use-cases/outages';
import { ConsoleLayout, Csrf, type TConsolePage } from './layout';
import { NetworkPicker } from './outages';
import { consoleMessages } from './messages';
import { FieldFailure, FormFailure, Panel, When, type TFormFailure } from './parts';

export type TNewCampaignView = {
  offices: { id: string; name: string }[];
  network: TNetworkFeeder[];
  languages: TLanguage[];
  failure?: TFormFailure;
  preview?: TCampaignPreview;
  /** what the form held (sent back with a preview or a refusal) */
  form: Record<string, string | string[]>;
};

const ids = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);

/**
 * A manual campaign, composed by a dispatcher or supervisor: whom (offices, feeders,
 * transformers, a pasted or uploaded list of consumer numbers), what (the safety advisory or the
 * operator's own words per language), which channel first, now or at a time. *Preview* counts
 * the recipients and shows the message in each language before anything is sent.
 */
export function NewCampaignPage({ page, view }: { page: TConsolePage; view: TNewCampaignView }) {
  const { t } = page;
  const f = view.failure;
  const form = view.form;
  const value = (name: string) => (typeof form[name] === 'string' ? form[name] : '');
  const picked = new Set([...ids(form.officeIds), ...ids(form.feederIds), ...ids(form.transformerIds)]);
  const template = value('template') || 'campaign-message';
  const channel = value('channel') || 'preferred';
  return (
    <ConsoleLayout page={page} title={t('campaigns.new')}>
      <div class="c-title-row">
        <div>
          <h1>{t('campaigns.new')}</h1>
          <p class="c-muted c-lead">{t('campaigns.newLead')}</p>
        </div>
        <a href="/console/campaigns" class="c-button c-button-small">
          {t('campaigns.all')}
        </a>
      </div>
      {view.preview ? (
        <Panel title={t('campaigns.preview')} id="preview">
          <p class="c-preview-count">
            <strong>{t('campaigns.previewCount', { count: view.preview.recipients })}</strong>
          </p>
          <ul class="c-samples">
            {view.preview.samples.map((s) => (
              <li lang={s.language} data-language={s.language}>
                <span class="c-muted c-small">
                  {consoleMessages.format(s.language, 'layout.languageName')}
                </span>
                <br />
                <strong>{s.subject}</strong>
                <p>{s.body}</p>
              </li>
            ))}
          </ul>
        </Panel>
      ) : null}
      <form
        method="post"
        action="/console/campaigns/new"
        class="c-form c-campaign-form"
        id="new-campaign"
        enctype="multipart/form-data"
      >
        <Csrf page={page} />
        {/* one launch per composed campaign: a second click or a resubmit finds the first */}
        <input type="hidden" name="launchKey" value={value('launchKey')} />
        <FormFailure failure={f} form="compose" />
        <div class="c-columns">
          <div class="c-column-main">
            <Panel title={t('campaigns.message')} id="compose-message">
              <div class="c-field">
                <label for="campaign-title">{t('campaigns.titleField')}</label>
                <FieldFailure failure={f} form="compose" field="title" />
                <input
                  type="text"
                  id="campaign-title"
                  name="title"
                  maxlength={TITLE_MAX}
                  value={value('title')}
                  required
                />
              </div>
              <fieldset class="c-choices">
                <legend>{t('campaigns.template')}</legend>
                <FieldFailure failure={f} form="compose" field="template" />
                {MANUAL_TEMPLATES.map((k) => (
                  <label class="c-choice">
                    <input type="radio" name="template" value={k} checked={template === k} />{' '}
                    {t(`campaigns.template-${k}`)}
                  </label>
                ))}
              </fieldset>
              <p class="c-muted c-small">{t('campaigns.textHelp')}</p>
              {view.languages.map((l) => (
                <div class="c-field">
                  <label for={`text-${l}`}>
                    {t('campaigns.textIn', { language: consoleMessages.format(l, 'layout.languageName') })}
                  </label>
                  <FieldFailure failure={f} form="compose" field={`text.${l}`} />
                  <textarea id={`text-${l}`} name={`text.${l}`} lang={l} rows={3} maxlength={MESSAGE_MAX}>
                    {value(`text.${l}`)}
                  </textarea>
                </div>
              ))}
              <div class="c-field">
                <label for="campaign-channel">{t('campaigns.firstChannel')}</label>
                <FieldFailure failure={f} form="compose" field="channel" />
                <select id="campaign-channel" name="channel">
                  {CAMPAIGN_CHANNELS.map((c) => (
                    <option value={c} selected={channel === c}>
                      {t(c === 'preferred' ? 'campaigns.channelPreferred' : `campaigns.channel-${c}`)}
                    </option>
                  ))}
                </select>
              </div>
              <div class="c-field">
                <label for="campaign-at">{t('campaigns.scheduledAt')}</label>
                <FieldFailure failure={f} form="compose" field="scheduledAt" />
                <input
                  type="datetime-local"
                  id="campaign-at"
                  name="scheduledAt"
                  value={value('scheduledAt')}
                />
                <span class="c-muted c-small">{t('campaigns.scheduledHelp')}</span>
              </div>
              <label class="c-choice">
                <input type="checkbox" name="urgent" value="yes" checked={value('urgent') === 'yes'} />{' '}
                {t('campaigns.urgent')}
              </label>
            </Panel>
          </div>
          <div class="c-column-side">
            <Panel title={t('campaigns.whom')} id="compose-targets">
              <FieldFailure failure={f} form="compose" field="targets" />
              <fieldset class="c-choices">
                <legend>{t('campaigns.offices')}</legend>
                <FieldFailure failure={f} form="compose" field="targets.officeIds" />
                {view.offices.map((o) => (
                  <label class="c-choice">
                    <input type="checkbox" name="officeIds" value={o.id} checked={picked.has(o.id)} />{' '}
                    {o.name}
                  </label>
                ))}
              </fieldset>
              <NetworkPicker
                legend={t('campaigns.network')}
                network={view.network}
                picked={picked}
                failure={f}
                form="compose"
                fieldPrefix="targets."
              />
              <div class="c-field">
                <label for="campaign-numbers">{t('campaigns.numbers')}</label>
                <FieldFailure failure={f} form="compose" field="targets.consumerNumbers" />
                <textarea id="campaign-numbers" name="consumerNumbers" rows={4} class="c-mono">
                  {value('consumerNumbers')}
                </textarea>
              </div>
              <div class="c-field">
                <label for="campaign-file">{t('campaigns.numbersFile')}</label>
                <input
                  type="file"
                  id="campaign-file"
                  name="numbersFile"
                  accept=".csv,.txt,text/csv,text/plain"
                />
              </div>
            </Panel>
          </div>
        </div>
        <div class="c-buttons">
          <button type="submit" name="action" value="preview" class="c-button">
            {t('campaigns.previewButton')}
          </button>
          <button type="submit" name="action" value="launch" class="c-button c-button-ok">
            {t('campaigns.launch')}
          </button>
        </div>
      </form>
    </ConsoleLayout>
  );
}

/**
 * What may be done with the campaign open: cancel a manual one not yet over; move or call off the
 * planned outage a campaign belongs to (the outage's own use cases, which re-plan its notices).
 */
export function CampaignActions(props: {
  page: TConsolePage;
  campaign: TCampaignSummary;
  outage?: TOutage;
  canCompose: boolean;
  failure?: TFormFailure;
}) {
  const { page, campaign: c, outage, failure: f } = props;
  const { t } = page;
  if (!props.canCompose) return null;
  if (c.kind === 'manual' && ['scheduled', 'materialising', 'running'].includes(c.status))
    return (
      <form method="post" action={`/console/campaigns/${c.id}/cancel`} class="c-campaign-actions">
        <Csrf page={page} />
        <FormFailure failure={f} form="cancel" />
        <button type="submit" class="c-button c-button-danger">
          {t('campaigns.cancel')}
        </button>
      </form>
    );
  if (outage && outage.kind === 'planned' && outage.status === 'scheduled')
    return (
      <div class="c-campaign-actions">
        <dl class="c-facts">
          <dt>{t('campaigns.plannedFor')}</dt>
          <dd>
            <When page={page} at={outage.startsAt.toISOString()} /> –{' '}
            <When page={page} at={(outage.endsAt ?? outage.etr).toISOString()} />
          </dd>
        </dl>
        <form method="post" action={`/console/campaigns/${c.id}/reschedule`} class="c-inline-form c-form">
          <Csrf page={page} />
          <FormFailure failure={f} form="reschedule" />
          <div class="c-field">
            <label for="move-start">{t('campaigns.newStart')}</label>
            <FieldFailure failure={f} form="reschedule" field="startsAt" />
            <input type="datetime-local" id="move-start" name="startsAt" required />
          </div>
          <div class="c-field">
            <label for="move-end">{t('campaigns.newEnd')}</label>
            <FieldFailure failure={f} form="reschedule" field="endsAt" />
            <input type="datetime-local" id="move-end" name="endsAt" required />
          </div>
          <button type="submit" class="c-button c-button-small">
            {t('campaigns.reschedule')}
          </button>
        </form>
        <form method="post" action={`/console/campaigns/${c.id}/cancel`}>
          <Csrf page={page} />
          <FormFailure failure={f} form="cancel" />
          <button type="submit" class="c-button c-button-danger">
            {t('campaigns.cancelOutage')}
          </button>
        </form>
      </div>
    );
  return null;
}

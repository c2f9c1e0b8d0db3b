/** @jsxImportSource hono/jsx */
import { Notice } from '../components';
import type { TOutage } from '../../db/outages';
import type { TNetworkFeeder } from '../../use-cases/outages';
import { ConsoleLayout, Csrf, type TConsolePage } from './layout';
import { FieldFailure, Flag, FormFailure, Panel, When, type TFormFailure } from './parts';

/**
 * Feeders with their transformers, as checkboxes (`feederIds`, `transformerIds`): where an outage
 * is, or whom a manual campaign is for. A feeder outside the reader's offices cannot be picked.
 */
export function NetworkPicker(props: {
  legend: string;
  network: TNetworkFeeder[];
  picked: Set<string>;
  failure: TFormFailure | undefined;
  form: string;
  /** the API's field names under this prefix ('targets.' for a campaign) */
  fieldPrefix: string;
  feederNote?: (feeder: TNetworkFeeder) => unknown;
}) {
  const { failure: f, form, picked } = props;
  return (
    <fieldset class="c-network">
      <legend>{props.legend}</legend>
      <FieldFailure failure={f} form={form} field={`${props.fieldPrefix}feederIds`} />
      <FieldFailure failure={f} form={form} field={`${props.fieldPrefix}transformerIds`} />
      {props.network.map((feeder) => (
        <div class="c-feeder">
          <label class="c-choice c-feeder-name">
            <input
              type="checkbox"
              name="feederIds"
              value={feeder.id}
              disabled={!feeder.inScope}
              checked={picked.has(feeder.id)}
            />{' '}
            <strong>{feeder.name}</strong>
            {props.feederNote ? <> {props.feederNote(feeder)}</> : null}
          </label>
          <div class="c-transformers">
            {feeder.transformers.map((x) => (
              <label class="c-choice">
                <input type="checkbox" name="transformerIds" value={x.id} checked={picked.has(x.id)} />{' '}
                {x.name}
              </label>
            ))}
          </div>
        </div>
      ))}
    </fieldset>
  );
}

export type TOutagesView = {
  network: TNetworkFeeder[];
  open: TOutage[];
  /** linked complaints per outage */
  linked: Map<string, number>;
  failure?: TFormFailure;
  done?: { action: 'registered' | 'etr' | 'restored'; id: string };
  /** what the register form held when it was refused */
  form?: Record<string, string | string[]>;
};

const ids = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);

/** The names of what an outage cuts off: its feeders and transformers, by their network names. */
const assetNames = (view: TOutagesView, o: TOutage) => {
  const feeders = new Map(view.network.map((f) => [f.id, f.name]));
  const transformers = new Map(
    view.network.flatMap((f) => f.transformers.map((x) => [x.id, x.name] as const)),
  );
  return [
    ...o.feederIds.map((id) => feeders.get(id) ?? id),
    ...o.transformerIds.map((id) => transformers.get(id) ?? id),
  ].join(', ');
};

/**
 * The dispatcher's page: the office's open outages (change the ETR, mark restored) and a form that
 * registers one on feeders or transformers picked from the office's network, planned (start and
 * end) or emergency (ETR). Every linked complaint is told by the same use case the API calls.
 */
export function OutagesPage({ page, view }: { page: TConsolePage; view: TOutagesView }) {
  const { t } = page;
  const f = view.failure;
  const form = view.form ?? {};
  const picked = new Set([...ids(form.feederIds), ...ids(form.transformerIds)]);
  const kind = form.kind === 'planned' ? 'planned' : 'emergency';
  const value = (name: string) => (typeof form[name] === 'string' ? form[name] : '');
  return (
    <ConsoleLayout page={page} title={t('outages.title')}>
      <div class="c-title-row">
        <div>
          <h1>{t('outages.title')}</h1>
          <p class="c-muted c-lead">{t('outages.lead')}</p>
        </div>
      </div>
      {view.done ? (
        <Notice kind="success" id="done">
          {t(`outages.done-${view.done.action}`, { id: view.done.id })}
        </Notice>
      ) : null}
      <div class="c-columns">
        <div class="c-column-main">
          <Panel title={t('outages.open')} id="open-outages">
            {view.open.length === 0 ? <p class="c-empty">{t('outages.none')}</p> : null}
            <ul class="c-outages">
              {view.open.map((o) => (
                <li class="c-outage" data-outage={o.id}>
                  <div class="c-outage-head">
                    <span class="c-rn">{o.id}</span>
                    <span class="c-badges">
                      <Flag tone={o.kind === 'emergency' ? 'emergency' : 'level'}>
                        {t(`outages.kind-${o.kind}`)}
                      </Flag>
                      <Flag tone={o.status === 'active' ? 'breach' : 'paused'}>
                        {t(`outages.status-${o.status}`)}
                      </Flag>
                    </span>
                  </div>
                  <p>
                    <strong>{o.reason}</strong>
                  </p>
                  <dl class="c-facts">
                    <dt>{t('outages.off')}</dt>
                    <dd>{assetNames(view, o)}</dd>
                    <dt>{t('outages.from')}</dt>
                    <dd>
                      <When page={page} at={o.startsAt.toISOString()} />
                      {o.endsAt ? (
                        <>
                          {' '}
                          – <When page={page} at={o.endsAt.toISOString()} />
                        </>
                      ) : null}
                    </dd>
                    <dt>{t('outages.etr')}</dt>
                    <dd class="c-etr">
                      <When page={page} at={o.etr.toISOString()} />
                    </dd>
                    <dt>{t('outages.linked')}</dt>
                    <dd class="c-linked">{view.linked.get(o.id) ?? 0}</dd>
                    <dt>{t('campaigns.campaign')}</dt>
                    <dd>
                      <a href={`/console/campaigns/${o.id}`} class="c-campaign-link">
                        {t('campaigns.figures')}
                      </a>
                    </dd>
                  </dl>
                  <div class="c-outage-actions">
                    <form
                      method="post"
                      action={`/console/outages/${o.id}/etr`}
                      class="c-inline-form c-etr-form"
                    >
                      <Csrf page={page} />
                      <FormFailure failure={f} form={`etr-${o.id}`} />
                      <div class="c-field">
                        <label for={`etr-${o.id}`}>{t('outages.newEtr')}</label>
                        <FieldFailure failure={f} form={`etr-${o.id}`} field="etr" />
                        <input type="datetime-local" id={`etr-${o.id}`} name="etr" required />
                      </div>
                      <button type="submit" class="c-button c-button-small">
                        {t('outages.changeEtr')}
                      </button>
                    </form>
                    <form method="post" action={`/console/outages/${o.id}/restore`}>
                      <Csrf page={page} />
                      <FormFailure failure={f} form={`restore-${o.id}`} />
                      <button type="submit" class="c-button c-button-ok">
                        {t('outages.restore')}
                      </button>
                    </form>
                  </div>
                </li>
              ))}
            </ul>
          </Panel>
        </div>
        <div class="c-column-side">
          <Panel title={t('outages.register')} id="register">
            <form method="post" action="/console/outages" class="c-form" id="register-outage">
              <Csrf page={page} />
              <FormFailure failure={f} form="register" />
              <fieldset class="c-choices">
                <legend>{t('outages.kind')}</legend>
                {(['emergency', 'planned'] as const).map((k) => (
                  <label class="c-choice">
                    <input type="radio" name="kind" value={k} checked={kind === k} /> {t(`outages.kind-${k}`)}
                  </label>
                ))}
              </fieldset>
              <NetworkPicker
                legend={t('outages.where')}
                network={view.network}
                picked={picked}
                failure={f}
                form="register"
                fieldPrefix=""
                feederNote={(feeder) => (
                  <span class="c-muted c-small">
                    · {feeder.substation}
                    {feeder.inScope ? '' : ` · ${t('outages.notYours')}`}
                  </span>
                )}
              />
              <div class="c-field">
                <label for="outage-reason">{t('outages.reason')}</label>
                <FieldFailure failure={f} form="register" field="reason" />
                <input
                  type="text"
                  id="outage-reason"
                  name="reason"
                  maxlength={500}
                  value={value('reason')}
                  required
                />
              </div>
              <div class="c-field">
                <label for="outage-etr">{t('outages.etrEmergency')}</label>
                <FieldFailure failure={f} form="register" field="etr" />
                <input type="datetime-local" id="outage-etr" name="etr" value={value('etr')} />
              </div>
              <div class="c-field">
                <label for="outage-starts">{t('outages.startsAt')}</label>
                <FieldFailure failure={f} form="register" field="startsAt" />
                <input type="datetime-local" id="outage-starts" name="startsAt" value={value('startsAt')} />
              </div>
              <div class="c-field">
                <label for="outage-ends">{t('outages.endsAt')}</label>
                <FieldFailure failure={f} form="register" field="endsAt" />
                <input type="datetime-local" id="outage-ends" name="endsAt" value={value('endsAt')} />
              </div>
              <button type="submit" class="c-button c-button-danger">
                {t('outages.submit')}
              </button>
            </form>
          </Panel>
        </div>
      </div>
    </ConsoleLayout>
  );
}

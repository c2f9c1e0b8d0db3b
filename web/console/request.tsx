/** @jsxImportSource hono/jsx */
import { Notice, StatusBadge } from '../components';
import type { TVerifiedDecision } from '../../db/decisions';
import type { TDocumentVerdict } from '../../db/schema';
import { DOCUMENT_KINDS, type TServiceType } from '../../domain/catalogue';
import type { TLanguage } from '../../domain/languages';
import { decisionWords, PHRASES } from '../../domain/notice-templates';
import type { TServiceRequestInput, TServiceRequestState } from '../../domain/service-request';
import { ConsoleLayout, Csrf, type TConsolePage } from './layout';
import { wordsOr } from './messages';
import { FieldFailure, Flag, FormFailure, Panel, When, type TFormFailure } from './parts';

export type TStoredDocument = { mediaType: string; sizeBytes: number; verdict: TDocumentVerdict };

export type TRequestView = {
  state: TServiceRequestState;
  input?: TServiceRequestInput;
  stored: Map<string, TStoredDocument>;
  decisions: TVerifiedDecision[];
  /** the actions the caller's role may take on this request now (the workflow still decides) */
  may: Set<string>;
  failure?: TFormFailure;
  done?: string;
  /** ops staff: the run in the Temporal UI */
  temporalUrl?: string;
};

/** The type's words in the reader's language, else English. */
export const typeWords = (type: TServiceType | undefined, language: TLanguage) => {
  const tr = language === 'en' ? undefined : type?.translations[language];
  return {
    name: tr?.name ?? type?.name,
    step: (id: string) => tr?.steps?.[id] ?? type?.steps.find((s) => s.id === id)?.name ?? id,
    label: (field: string) =>
      tr?.fields?.[field]?.label ?? type?.form.find((f) => f.name === field)?.label ?? field,
    option: (field: string, value: string) => tr?.fields?.[field]?.options?.[value] ?? value,
  };
};

const kindWords = (language: TLanguage, kind: string) =>
  PHRASES.has('en', `document-kind.${kind}`) ? PHRASES.format(language, `document-kind.${kind}`) : kind;

/** A signed decision's form: console.js asks the server for the canonical message, signs it, sends it. */
const SignedForm = (props: {
  page: TConsolePage;
  rn: string;
  action: string;
  id: string;
  children: unknown;
  class?: string;
}) => (
  <form
    method="post"
    action={`/console/requests/${props.rn}/${props.action}`}
    data-sign={props.action}
    id={props.id}
    class={`c-form ${props.class ?? ''}`}
  >
    <Csrf page={props.page} />
    {props.children}
  </form>
);

function Clock({ page, s }: { page: TConsolePage; s: TServiceRequestState }) {
  const { t } = page;
  const hours = (ms: number) => Math.round((ms / 3_600_000) * 10) / 10;
  const closed = !['in-progress', 'awaiting-consumer'].includes(s.status);
  return (
    <Panel title={t('request.clock')} id="clock" class="c-clock">
      <p class="c-clock-state" id="clock-state">
        {closed ? (
          <Flag tone="ok">{t('clock.stopped')}</Flag>
        ) : s.clock.paused ? (
          <Flag tone="paused">{t('clock.paused')}</Flag>
        ) : (
          <Flag tone="ok">{t('clock.running')}</Flag>
        )}
        {s.breached ? <Flag tone="breach">{t('flag.breached')}</Flag> : null}
        {!s.breached && s.warned ? <Flag tone="warn">{t('flag.warned')}</Flag> : null}
        {s.escalationLevel > 0 ? (
          <Flag tone="level">{t('queue.levelShort', { level: s.escalationLevel })}</Flag>
        ) : null}
      </p>
      <dl class="c-facts">
        <dt>{t('clock.due')}</dt>
        <dd>
          <When page={page} at={s.clock.dueAt} />
        </dd>
        <dt>{t('clock.warnAt')}</dt>
        <dd>
          <When page={page} at={s.clock.warnAt} />
        </dd>
        <dt>{t('clock.used')}</dt>
        <dd>{t('clock.hours', { used: hours(s.clock.consumedMs), tat: hours(s.clock.tatMs) })}</dd>
        {s.escalationLevel > 0 ? (
          <>
            <dt>{t('clock.escalatedTo')}</dt>
            <dd>
              {s.escalationOfficeId} · <When page={page} at={s.escalationDueAt} />
            </dd>
          </>
        ) : null}
        {s.delay ? (
          <>
            <dt>{t('clock.delay')}</dt>
            <dd>
              {s.delay.reason} · <When page={page} at={s.delay.expectedBy} />
            </dd>
          </>
        ) : null}
      </dl>
      {s.documentRequest ? (
        <Notice kind="info" id="document-request">
          <p>
            {t('request.askedFor', {
              kinds: s.documentRequest.kinds.map((k) => kindWords(page.language, k)).join(', '),
            })}
          </p>
          <p class="c-quote">“{s.documentRequest.message}”</p>
          <p class="c-small">
            {t('request.askedAt')} <When page={page} at={s.documentRequest.requestedAt} /> ·{' '}
            {t('request.abandonAt')} <When page={page} at={s.documentRequest.abandonAt} />
          </p>
        </Notice>
      ) : null}
    </Panel>
  );
}

function Documents({ page, view }: { page: TConsolePage; view: TRequestView }) {
  const { t, language } = page;
  const s = view.state;
  return (
    <Panel title={t('request.documents')} id="documents">
      {s.documents.length === 0 ? <p class="c-empty">{t('request.noDocuments')}</p> : null}
      {s.documents.map((d, i) => {
        const stored = view.stored.get(d.documentId);
        const src = `/console/requests/${s.requestNumber}/documents/${d.documentId}`;
        const formId = `doc-${i}`;
        return (
          <article class="c-document" aria-label={d.fileName}>
            <header class="c-document-head">
              <div>
                <strong>{(d.kinds ?? [d.kind]).map((k) => kindWords(language, k)).join(' · ')}</strong>
                <span class="c-muted c-small"> {d.fileName}</span>
              </div>
              <StatusBadge
                status={d.status === 'accepted' ? 'completed' : d.status === 'rejected' ? 'rejected' : 'open'}
                label={t(`document.${d.status}`)}
              />
            </header>
            {stored ? (
              <p class="c-small">
                {stored.verdict.ok ? (
                  <Flag tone="ok">{t('document.verdictOk')}</Flag>
                ) : (
                  <Flag tone="breach">{t('document.verdictBad')}</Flag>
                )}{' '}
                <span class="c-muted">
                  {stored.mediaType} · {t('document.size', { kb: Math.ceil(stored.sizeBytes / 1024) })}
                  {Object.entries(stored.verdict.checks).length
                    ? ` · ${Object.entries(stored.verdict.checks)
                        .map(([k, v]) => `${k}: ${v}`)
                        .join(', ')}`
                    : ''}
                </span>
                {stored.verdict.reasons.length ? <span> — {stored.verdict.reasons.join('; ')}</span> : null}
              </p>
            ) : null}
            {d.kyc ? (
              <table class="c-table c-kyc" aria-label={t('document.kyc')}>
                <caption>{t('document.kyc')}</caption>
                <tbody>
                  {(['name', 'address', 'pinCode'] as const)
                    .filter((k) => d.kyc?.[k])
                    .map((k) => (
                      <tr>
                        <th scope="row">{t(`document.kyc-${k}`)}</th>
                        <td>
                          {d.kyc?.[k] === 'matches' ? (
                            <Flag tone="ok">{t('document.matches')}</Flag>
                          ) : (
                            <Flag tone="warn">{t('document.differs')}</Flag>
                          )}
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            ) : null}
            {d.kyc?.notes.length ? <p class="c-small c-muted">{d.kyc.notes.join(' ')}</p> : null}
            {d.reason ? <p class="c-small">{t('document.reason', { reason: d.reason })}</p> : null}
            {stored?.mediaType.startsWith('image/') ? (
              <a href={src} target="_blank" rel="noopener" class="c-viewer">
                <img src={src} alt={t('document.view', { name: d.fileName })} loading="lazy" />
              </a>
            ) : stored?.mediaType === 'application/pdf' ? (
              <iframe class="c-viewer c-pdf" src={src} title={t('document.view', { name: d.fileName })} />
            ) : null}
            <p class="c-small">
              <a href={src} target="_blank" rel="noopener">
                {t('document.open')}
              </a>
            </p>
            {view.may.has('decide-document') && d.status === 'pending' ? (
              <SignedForm
                page={page}
                rn={s.requestNumber}
                action="decide-document"
                id={formId}
                class="c-inline-form"
              >
                <input type="hidden" name="documentId" value={d.documentId} />
                <FormFailure failure={view.failure} form={formId} />
                <div class="c-field">
                  <label for={`${formId}-reason`}>{t('document.reasonLabel')}</label>
                  <FieldFailure failure={view.failure} form={formId} field="reason" />
                  <input type="text" id={`${formId}-reason`} name="reason" maxlength={500} />
                </div>
                <div class="c-buttons">
                  <button type="submit" name="decision" value="accept" class="c-button c-button-ok">
                    {t('document.accept')}
                  </button>
                  <button type="submit" name="decision" value="reject" class="c-button c-button-danger">
                    {t('document.reject')}
                  </button>
                </div>
              </SignedForm>
            ) : null}
          </article>
        );
      })}
    </Panel>
  );
}

function Actions({ page, view }: { page: TConsolePage; view: TRequestView }) {
  const { t, language } = page;
  const s = view.state;
  const words = typeWords(view.input?.type, language);
  const step = s.steps.find((x) => x.id === s.currentStepId);
  const f = view.failure;
  const open = ['in-progress', 'awaiting-consumer'].includes(s.status);
  if (!open) return null;
  const any = ['approve-step', 'request-documents', 'report-delay', 'reject', 'reassign'].some((a) =>
    view.may.has(a),
  );
  if (!any) return null;
  return (
    <Panel title={t('request.actions')} id="actions">
      {view.may.has('approve-step') && step && step.performer !== 'consumer' ? (
        <SignedForm page={page} rn={s.requestNumber} action="approve-step" id="approve-step">
          <h3>{t('action.approveTitle', { step: words.step(step.id) })}</h3>
          <input type="hidden" name="stepId" value={step.id} />
          <FormFailure failure={f} form="approve-step" />
          <div class="c-field">
            <label for="approve-note">{t('action.note')}</label>
            <input type="text" id="approve-note" name="note" maxlength={1000} />
          </div>
          <button type="submit" class="c-button c-button-ok">
            {t('action.approve')}
          </button>
        </SignedForm>
      ) : null}
      {view.may.has('request-documents') ? (
        <SignedForm page={page} rn={s.requestNumber} action="request-documents" id="request-documents">
          <h3>{t('action.askTitle')}</h3>
          <FormFailure failure={f} form="request-documents" />
          <fieldset class="c-choices">
            <legend>{t('action.kinds')}</legend>
            <FieldFailure failure={f} form="request-documents" field="kinds" />
            {DOCUMENT_KINDS.map((k) => (
              <label class="c-choice">
                <input type="checkbox" name="kinds" value={k} /> {kindWords(language, k)}
              </label>
            ))}
          </fieldset>
          <div class="c-field">
            <label for="ask-message">{t('action.message')}</label>
            <FieldFailure failure={f} form="request-documents" field="message" />
            <textarea id="ask-message" name="message" rows={2} maxlength={1000}></textarea>
          </div>
          <button type="submit" class="c-button">
            {t('action.ask')}
          </button>
        </SignedForm>
      ) : null}
      {view.may.has('report-delay') ? (
        <SignedForm page={page} rn={s.requestNumber} action="report-delay" id="report-delay">
          <h3>{t('action.delayTitle')}</h3>
          <FormFailure failure={f} form="report-delay" />
          <div class="c-field">
            <label for="delay-reason">{t('action.reason')}</label>
            <FieldFailure failure={f} form="report-delay" field="reason" />
            <input type="text" id="delay-reason" name="reason" maxlength={500} />
          </div>
          <div class="c-field">
            <label for="delay-by">{t('action.expectedBy')}</label>
            <FieldFailure failure={f} form="report-delay" field="expectedBy" />
            <input type="datetime-local" id="delay-by" name="expectedBy" />
          </div>
          <button type="submit" class="c-button">
            {t('action.delay')}
          </button>
        </SignedForm>
      ) : null}
      {view.may.has('reassign') ? (
        <SignedForm page={page} rn={s.requestNumber} action="reassign" id="reassign">
          <h3>{t('action.reassignTitle')}</h3>
          <FormFailure failure={f} form="reassign" />
          <div class="c-field">
            <label for="reassign-to">{t('action.assignee')}</label>
            <FieldFailure failure={f} form="reassign" field="assignee" />
            <input type="text" id="reassign-to" name="assignee" maxlength={100} value={s.assignee ?? ''} />
          </div>
          <button type="submit" class="c-button">
            {t('action.reassign')}
          </button>
        </SignedForm>
      ) : null}
      {view.may.has('reject') ? (
        <SignedForm page={page} rn={s.requestNumber} action="reject" id="reject">
          <h3>{t('action.rejectTitle')}</h3>
          <FormFailure failure={f} form="reject" />
          <div class="c-field">
            <label for="reject-reason">{t('action.reason')}</label>
            <FieldFailure failure={f} form="reject" field="reason" />
            <input type="text" id="reject-reason" name="reason" maxlength={1000} />
          </div>
          <button type="submit" class="c-button c-button-danger">
            {t('action.reject')}
          </button>
        </SignedForm>
      ) : null}
    </Panel>
  );
}

function Trail({ page, view }: { page: TConsolePage; view: TRequestView }) {
  const { t, language } = page;
  const words = typeWords(view.input?.type, language);
  return (
    <Panel title={t('request.trail')} id="trail">
      {view.decisions.length === 0 ? (
        <p class="c-empty">{t('request.noDecisions')}</p>
      ) : (
        <table class="c-table" id="decision-trail">
          <thead>
            <tr>
              <th scope="col">{t('trail.when')}</th>
              <th scope="col">{t('trail.decision')}</th>
              <th scope="col">{t('trail.by')}</th>
              <th scope="col">{t('trail.signature')}</th>
            </tr>
          </thead>
          <tbody>
            {view.decisions.map((d) => (
              <tr>
                <td data-label={t('trail.when')}>
                  <When page={page} at={d.decidedAt} />
                </td>
                <td data-label={t('trail.decision')}>{decisionWords(d.action, language, words.step)}</td>
                <td data-label={t('trail.by')}>
                  {d.actor} <span class="c-muted">({PHRASES.format(language, `role.${d.role}`)})</span>
                </td>
                <td data-label={t('trail.signature')}>
                  {d.verified ? (
                    <Flag tone="ok">{t('trail.verified')}</Flag>
                  ) : (
                    <Flag tone="breach">{t('trail.notVerified', { problem: d.problem ?? '' })}</Flag>
                  )}
                  {d.signature ? <code class="c-key-id">{d.signature.keyId.slice(0, 12)}…</code> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/** One service request for the back office: eForm, documents, clock, steps, decisions, actions. */
export function RequestPage({ page, view }: { page: TConsolePage; view: TRequestView }) {
  const { t, language } = page;
  const s = view.state;
  const words = typeWords(view.input?.type, language);
  const form = view.input?.form ?? {};
  return (
    <ConsoleLayout page={page} title={s.requestNumber}>
      <p class="c-crumbs">
        <a href="/console/queue">← {t('layout.queue')}</a>
      </p>
      <div class="c-title-row">
        <div>
          <h1>
            <span class="c-rn">{s.requestNumber}</span> <span>{words.name ?? s.typeName}</span>
          </h1>
          <p class="c-muted">
            {t('request.meta', {
              consumer: s.consumerNumber,
              office: s.officeId,
              channel: PHRASES.format(language, `channel.${s.channel}`),
            })}{' '}
            · {t('request.submitted')} <When page={page} at={s.submittedAt} />
          </p>
        </div>
        <div class="c-badges">
          <StatusBadge status={s.status} label={wordsOr(t, `status.${s.status}`, s.status)} />
          {view.temporalUrl ? (
            <a
              class="c-button c-button-small c-button-ghost"
              href={view.temporalUrl}
              target="_blank"
              rel="noopener"
            >
              {t('request.temporal')}
            </a>
          ) : null}
        </div>
      </div>
      {view.done ? (
        <Notice kind="success" id="done">
          {t('request.done', { action: wordsOr(t, `actionDone.${view.done}`, view.done) })}
        </Notice>
      ) : null}
      {view.failure?.form === 'page' ? <FormFailure failure={view.failure} form="page" /> : null}
      <div class="c-columns">
        <div class="c-column-main">
          <Panel title={t('request.eform')} id="eform">
            {Object.keys(form).length === 0 ? (
              <p class="c-empty">{t('request.noEform')}</p>
            ) : (
              <dl class="c-facts">
                {Object.entries(form).map(([name, value]) => (
                  <>
                    <dt>{words.label(name)}</dt>
                    <dd>
                      {typeof value === 'string'
                        ? words.option(name, value)
                        : typeof value === 'boolean'
                          ? t(value ? 'format.yes' : 'format.no')
                          : JSON.stringify(value)}
                    </dd>
                  </>
                ))}
              </dl>
            )}
          </Panel>
          <Documents page={page} view={view} />
          <Trail page={page} view={view} />
        </div>
        <div class="c-column-side">
          <Clock page={page} s={s} />
          <Panel title={t('request.steps')} id="steps">
            <ol class="c-steps">
              {s.steps.map((x) => (
                <li class={`c-step c-step-${x.status}`}>
                  <strong>{words.step(x.id)}</strong>{' '}
                  <span class="c-muted">
                    {PHRASES.format(language, `role.${x.performer}`)} · {t(`step.${x.status}`)}
                  </span>
                  {x.doneAt ? (
                    <span class="c-small c-muted">
                      {' '}
                      · {x.doneBy} <When page={page} at={x.doneAt} />
                    </span>
                  ) : null}
                </li>
              ))}
            </ol>
          </Panel>
          <Actions page={page} view={view} />
        </div>
      </div>
    </ConsoleLayout>
  );
}

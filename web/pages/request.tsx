/** @jsxImportSource hono/jsx */
import type { TServiceType } from '../../domain/catalogue';
import type { TServiceRequestState } from '../../domain/service-request';
import { documentKindName, serviceTypeName, stepName } from '../catalogue-words';
import { Card, StatusBadge } from '../components';
import { CompensationCard } from '../compensation';
import { CsrfField, type TPage } from '../layout';
import { CasePage, type TRequestFlash } from './case';
import { Timeline } from '../timeline';
import { DocumentSlotField, SubmitWithProgress, type TDocumentSlot } from './documents';

export type { TRequestFlash } from './case';

/**
 * Track a request: status and due date, the steps, what the office asked for (with the upload
 * right there), the documents, the timeline, withdraw while open, the receipt and feedback once
 * done.
 */
export function RequestPage(props: {
  page: TPage;
  state: TServiceRequestState;
  /** the type as the catalogue has it now, for its words in the reader's language */
  type?: TServiceType;
  /** slots for the documents asked for, when the office asked */
  slots: TDocumentSlot[];
  flash?: TRequestFlash;
}) {
  const { page, state, type } = props;
  const { t, language } = page;
  const name = type ? serviceTypeName(type, language) : state.typeName;
  const step = (id: string, fallback: string) => (type ? stepName(type, id, language) : fallback);
  const open = !state.closedAt;
  const asked = state.documentRequest;
  return (
    <CasePage
      page={page}
      title={t('request.title', { requestNumber: state.requestNumber })}
      name={name}
      requestNumber={state.requestNumber}
      status={state.status}
      flash={props.flash}
      facts={[
        { label: t('request.submitted'), at: state.submittedAt },
        open && state.clock.dueAt ? { label: t('request.due'), at: state.clock.dueAt } : undefined,
        state.closedAt ? { label: t('request.closed'), at: state.closedAt } : undefined,
      ]}
      statusMore={
        <>
          {open && state.clock.paused ? <p class="muted small">{t('request.paused')}</p> : null}
          {state.delay ? (
            <p class="small">{t('request.delay', { expectedBy: state.delay.expectedBy })}</p>
          ) : null}
        </>
      }
    >
      <Card title={t('request.steps')} id="steps">
        <ol class="steps">
          {state.steps.map((s) => (
            <li class={`step step-${s.status}`}>
              <span class="step-name">{step(s.id, s.name)}</span>
              <span class="step-status">{t(`request.step.${s.status}`)}</span>
            </li>
          ))}
        </ol>
      </Card>
      {asked ? (
        <Card title={t('request.askedTitle')} id="asked" class="span-2 asked">
          <p class="lead">
            {t('request.askedLead', {
              kinds: asked.kinds.map((k) => documentKindName(k, language)).join(', '),
            })}
          </p>
          {asked.message ? <p>{t('request.askedMessage', { message: asked.message })}</p> : null}
          <p class="muted small">{t('request.askedBy', { at: asked.abandonAt })}</p>
          <form
            method="post"
            action={`/requests/${state.requestNumber}/documents`}
            enctype="multipart/form-data"
            novalidate
            data-upload
          >
            <CsrfField page={page} />
            {props.slots.map((slot) => (
              <DocumentSlotField page={page} slot={slot} />
            ))}
            <SubmitWithProgress page={page} label={t('request.sendDocuments')} />
          </form>
        </Card>
      ) : null}
      {state.status === 'completed' ? (
        <Card title={t('request.doneTitle')} id="done" class="span-2 done">
          {state.receipt ? (
            <>
              <p>{t('request.receiptHint', { utility: page.utility })}</p>
              <p>
                <a class="button" href={`/requests/${state.requestNumber}/receipt`} download hx-boost="false">
                  {t('request.receipt')}
                </a>
              </p>
            </>
          ) : (
            <p class="muted">{t('request.receiptSoon')}</p>
          )}
          {state.feedback ? (
            <p>{t('request.feedbackGiven', { rating: state.feedback.rating })}</p>
          ) : state.feedbackUrl ? (
            <p>
              <a href={state.feedbackUrl} hx-boost="false">
                {t('request.feedback')}
              </a>
            </p>
          ) : null}
        </Card>
      ) : null}
      {state.compensation ? <CompensationCard page={page} credit={state.compensation} /> : null}
      <Card title={t('request.documents')} id="documents">
        {state.documents.length === 0 ? (
          <p class="muted">{t('request.noDocuments')}</p>
        ) : (
          <ul class="document-list">
            {state.documents.map((d) => (
              <li>
                <span class="document-kind">{documentKindName(d.kind, language)}</span>
                <span class="muted small"> · {d.fileName}</span>{' '}
                <StatusBadge
                  status={
                    d.status === 'accepted'
                      ? 'completed'
                      : d.status === 'rejected'
                        ? 'rejected'
                        : 'in-progress'
                  }
                  label={t(`request.document.${d.status}`)}
                />
                {d.reason ? <p class="small">{t('timeline.officeWords', { text: d.reason })}</p> : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={t('request.timeline')} id="timeline">
        <Timeline
          page={page}
          entries={state.timeline}
          stepName={(at) => {
            const s = state.steps.find((x) => x.doneAt === at);
            return s ? step(s.id, s.name) : undefined;
          }}
        />
      </Card>
      {open ? (
        <Card title={t('request.withdrawTitle')} id="withdraw" class="span-2 withdraw">
          <p>{t('request.withdrawHint')}</p>
          <form method="post" action={`/requests/${state.requestNumber}/withdraw`}>
            <CsrfField page={page} />
            <div class="field">
              <label for="withdraw-reason">{t('request.withdrawReason')}</label>
              <input id="withdraw-reason" type="text" name="reason" maxlength={500} />
            </div>
            <button type="submit" class="button danger">
              {t('request.withdraw')}
            </button>
          </form>
        </Card>
      ) : null}
    </CasePage>
  );
}

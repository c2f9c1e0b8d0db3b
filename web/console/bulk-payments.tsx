/** @jsxImportSource hono/jsx */
import { Notice } from '../components';
import type { batchSummary, lineView, TLineFilter } from '../../db/bulk-payments';
import { BULK_REPORT_LABELS } from '../../domain/bulk-report-labels';
import type { TExceptionReason } from '../../domain/bulk-payments';
import { formatMoney } from '../../domain/money';
import { ConsoleLayout, Csrf, type TConsolePage } from './layout';
import { FieldFailure, Flag, FormFailure, Pager, Panel, When, type TFormFailure } from './parts';

type TBatch = ReturnType<typeof batchSummary>;
type TLine = ReturnType<typeof lineView>;

export type TBulkListView = {
  batches: TBatch[];
  total: number;
  at: number;
  pageSize: number;
  /** the corporates the signed-in person may upload for; none: they may not upload */
  corporates: { id: string; name: string }[];
  failure?: TFormFailure;
  values: { corporateId?: string; reference?: string; paymentDate?: string };
};

export type TBulkBatchView = {
  batch: TBatch & { reversed: { lines: number; amount: number } };
  lines: { items: TLine[]; total: number };
  filter: TLineFilter;
  at: number;
  pageSize: number;
  canApprove: boolean;
  /** the signed-in person uploaded it: someone else approves (four eyes) */
  isUploader: boolean;
  canReverse: boolean;
  /** one key per page drawn: a reversal sent twice is one reversal */
  formKey: string;
  failure?: TFormFailure;
  done?: 'uploaded' | 'approved' | 'reversed' | 'same';
};

const rupees = (page: TConsolePage, amount: number) => formatMoney(Math.round(amount * 100), page.language);
const labels = (page: TConsolePage) => BULK_REPORT_LABELS[page.language];
const statusTone = (status: TBatch['status']) =>
  status === 'posted' ? 'ok' : status === 'awaiting-approval' ? 'warn' : 'level';

const BatchStatus = ({ page, status }: { page: TConsolePage; status: TBatch['status'] }) => (
  <Flag tone={statusTone(status)}>{labels(page).batchStatus[status]}</Flag>
);

/** The upload form: a corporate, its payer list (CSV or .xlsx) and the bank statement, with progress. */
function UploadForm({ page, view }: { page: TConsolePage; view: TBulkListView }) {
  const { t } = page;
  const v = view.values;
  return (
    <form
      method="post"
      action="/console/bulk-payments"
      enctype="multipart/form-data"
      class="c-form c-bulk-upload"
      id="bulk-upload"
      data-progress="bulk-progress"
    >
      <Csrf page={page} />
      <FormFailure failure={view.failure} form="upload" />
      <div class="c-field">
        <label for="bulk-corporate">{t('bulk.corporate')}</label>
        <select id="bulk-corporate" name="corporateId" required>
          {view.corporates.map((c) => (
            <option value={c.id} selected={c.id === v.corporateId}>
              {c.name} ({c.id})
            </option>
          ))}
        </select>
        <FieldFailure failure={view.failure} form="upload" field="corporateId" />
      </div>
      <div class="c-field">
        <label for="bulk-list">{t('bulk.payerList')}</label>
        <input
          type="file"
          id="bulk-list"
          name="payerList"
          required
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          aria-describedby="bulk-list-hint"
        />
        <p class="c-hint" id="bulk-list-hint">
          {t('bulk.payerListHint')}
        </p>
        <FieldFailure failure={view.failure} form="upload" field="payerList" />
      </div>
      <div class="c-field">
        <label for="bulk-statement">{t('bulk.statement')}</label>
        <input
          type="file"
          id="bulk-statement"
          name="statement"
          required
          accept=".sta,.mt940,.txt,.xml"
          aria-describedby="bulk-statement-hint"
        />
        <p class="c-hint" id="bulk-statement-hint">
          {t('bulk.statementHint')}
        </p>
        <FieldFailure failure={view.failure} form="upload" field="statement" />
      </div>
      <div class="c-field">
        <label for="bulk-reference">{t('bulk.reference')}</label>
        <input type="text" id="bulk-reference" name="reference" maxlength={64} value={v.reference ?? ''} />
        <FieldFailure failure={view.failure} form="upload" field="reference" />
      </div>
      <div class="c-field">
        <label for="bulk-date">{t('bulk.paymentDate')}</label>
        <input type="date" id="bulk-date" name="paymentDate" value={v.paymentDate ?? ''} />
        <FieldFailure failure={view.failure} form="upload" field="paymentDate" />
      </div>
      <progress id="bulk-progress" max={100} value={0} hidden aria-label={t('bulk.uploading')} />
      <button type="submit" class="c-button">
        {t('bulk.upload')}
      </button>
    </form>
  );
}

/** The CSC's batches: newest first, with their figures; the upload form beside them. */
export function BulkPaymentsPage({ page, view }: { page: TConsolePage; view: TBulkListView }) {
  const { t } = page;
  return (
    <ConsoleLayout page={page} title={t('bulk.title')}>
      <div class="c-title-row">
        <div>
          <h1>{t('bulk.title')}</h1>
          <p class="c-muted c-lead">{t('bulk.lead')}</p>
        </div>
      </div>
      <div class="c-columns">
        <div class="c-column-main">
          <Panel title={t('bulk.batches')} id="batches">
            {view.batches.length === 0 ? <p class="c-empty">{t('bulk.none')}</p> : null}
            {view.batches.length ? (
              <table class="c-table c-batches">
                <thead>
                  <tr>
                    <th scope="col">{t('bulk.batch')}</th>
                    <th scope="col">{t('bulk.corporate')}</th>
                    <th scope="col">{t('bulk.status')}</th>
                    <th scope="col">{t('bulk.lines')}</th>
                    <th scope="col" class="c-amount">
                      {t('bulk.listTotal')}
                    </th>
                    <th scope="col">{t('bulk.uploaded')}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.batches.map((b) => (
                    <tr data-batch={b.id}>
                      <td data-label={t('bulk.batch')}>
                        <a class="c-rn c-mono" href={`/console/bulk-payments/${b.id}`}>
                          {b.id}
                        </a>
                        <br />
                        <span class="c-muted c-mono">{b.statementRef}</span>
                      </td>
                      <td data-label={t('bulk.corporate')}>{b.corporateId}</td>
                      <td data-label={t('bulk.status')}>
                        <BatchStatus page={page} status={b.status} />
                      </td>
                      <td data-label={t('bulk.lines')}>
                        {b.report
                          ? t('bulk.linesSummary', {
                              lines: b.report.lines,
                              exceptions: b.report.exceptions.lines,
                            })
                          : '—'}
                      </td>
                      <td data-label={t('bulk.listTotal')} class="c-amount">
                        {b.report ? rupees(page, b.report.listTotal) : '—'}
                      </td>
                      <td data-label={t('bulk.uploaded')}>
                        <When page={page} at={b.createdAt} />
                        <br />
                        <span class="c-muted">{b.uploadedBy}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            <Pager
              page={page}
              at={view.at}
              pageSize={view.pageSize}
              total={view.total}
              href={(n) => `/console/bulk-payments?page=${n}`}
            />
          </Panel>
        </div>
        {view.corporates.length ? (
          <div class="c-column-side">
            <Panel title={t('bulk.uploadTitle')} id="upload">
              <UploadForm page={page} view={view} />
            </Panel>
          </div>
        ) : null}
      </div>
    </ConsoleLayout>
  );
}

const FILTERS: TLineFilter[] = ['all', 'exception', 'ready', 'posted', 'reversed'];

function Outcome({ page, line }: { page: TConsolePage; line: TLine }) {
  const l = labels(page);
  if (line.reversal)
    return (
      <>
        <Flag tone="breach">{l.lineStatus.reversed}</Flag>
        <br />
        <span class="c-muted">{line.reversal.reason}</span>
      </>
    );
  if (line.status === 'exception')
    return (
      <>
        <Flag tone="warn">{l.lineStatus.exception}</Flag>
        <br />
        <span class="c-reason">{line.reason ? l.reasons[line.reason] : ''}</span>
      </>
    );
  return <Flag tone={line.status === 'posted' ? 'ok' : 'level'}>{l.lineStatus[line.status]}</Flag>;
}

/** One batch: its statement and figures, the approval, the downloads, and its lines with their outcomes. */
export function BulkPaymentPage({ page, view }: { page: TConsolePage; view: TBulkBatchView }) {
  const { t } = page;
  const l = labels(page);
  const { batch } = view;
  const r = batch.report;
  const figure = (label: string, lines: number | null, amount: number | undefined, cls = '') => (
    <tr class={cls}>
      <th scope="row">{label}</th>
      <td data-label={t('bulk.lines')} class="c-amount">
        {lines ?? ''}
      </td>
      <td data-label={t('bulk.amount')} class="c-amount">
        {amount === undefined ? '—' : rupees(page, amount)}
      </td>
    </tr>
  );
  return (
    <ConsoleLayout page={page} title={t('bulk.one', { id: batch.id })}>
      <div class="c-title-row">
        <div>
          <h1>{t('bulk.one', { id: batch.id })}</h1>
          <p class="c-muted c-lead">
            {batch.corporateId} · {batch.statementRef} ({batch.statementFormat})
          </p>
        </div>
        <a href="/console/bulk-payments" class="c-button c-button-small">
          {t('bulk.all')}
        </a>
      </div>
      {view.done ? (
        <Notice kind="success" id="done">
          {t(`bulk.done-${view.done}`)}
        </Notice>
      ) : null}
      <FormFailure failure={view.failure} form="approve" />
      <FormFailure failure={view.failure} form="reverse" />
      <div class="c-columns">
        <div class="c-column-main">
          <Panel
            title={t('bulk.figures')}
            id="figures"
            actions={<BatchStatus page={page} status={batch.status} />}
          >
            {!r ? (
              <p class="c-empty" id="reconciling">
                {t('bulk.reconciling')} <a href={`/console/bulk-payments/${batch.id}`}>{t('bulk.reload')}</a>
              </p>
            ) : (
              <>
                <dl class="c-facts c-bulk-statement">
                  <dt>{l.entry}</dt>
                  <dd>
                    {[r.statement.entryRef, r.statement.valueDate, l.match[r.statement.match]]
                      .filter(Boolean)
                      .join(' · ')}
                    {r.statement.why ? <span class="c-muted"> — {r.statement.why}</span> : null}
                  </dd>
                  <dt>{l.uploadedBy}</dt>
                  <dd>
                    {batch.uploadedBy}, <When page={page} at={batch.createdAt} />
                  </dd>
                  <dt>{l.approvedBy}</dt>
                  <dd>
                    {batch.approvedBy ? (
                      <>
                        {batch.approvedBy}, <When page={page} at={batch.approvedAt} />
                      </>
                    ) : (
                      '—'
                    )}
                  </dd>
                </dl>
                <table class="c-table c-totals" id="totals">
                  <thead>
                    <tr>
                      <th scope="col">{l.totals}</th>
                      <th scope="col" class="c-amount">
                        {t('bulk.lines')}
                      </th>
                      <th scope="col" class="c-amount">
                        {t('bulk.amount')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {figure(l.listTotal, r.lines, r.listTotal, 'c-strong')}
                    {figure(l.entryAmount, null, r.statement.entryAmount)}
                    {figure(l.ready, r.ready.lines, r.ready.amount)}
                    {r.posted ? figure(l.posted, r.posted.lines, r.posted.amount, 'c-strong') : null}
                    {figure(l.exceptions, r.exceptions.lines, r.exceptions.amount)}
                    {figure(l.suspense, null, r.posted?.suspense ?? r.suspense)}
                    {batch.reversed.lines > 0
                      ? figure(l.reversed, batch.reversed.lines, batch.reversed.amount, 'c-strong')
                      : null}
                  </tbody>
                </table>
                {Object.keys(r.exceptions.byReason).length ? (
                  <>
                    <h3>{l.byReason}</h3>
                    <ul class="c-reasons" id="reasons">
                      {Object.entries(r.exceptions.byReason).map(([reason, n]) => (
                        <li data-reason={reason}>
                          {l.reasons[reason as TExceptionReason] ?? reason}: <strong>{n}</strong>
                        </li>
                      ))}
                    </ul>
                  </>
                ) : null}
              </>
            )}
          </Panel>
          <Panel title={l.lines} id="lines">
            <nav class="c-tabs c-bulk-tabs" aria-label={t('bulk.show')}>
              {FILTERS.map((f) => (
                <a
                  href={`/console/bulk-payments/${batch.id}?lines=${f}`}
                  aria-current={view.filter === f ? 'page' : undefined}
                >
                  {t(`bulk.filter-${f}`)}
                </a>
              ))}
            </nav>
            {view.lines.items.length === 0 ? <p class="c-empty">{t('bulk.noLines')}</p> : null}
            {view.lines.items.length ? (
              <table class="c-table c-bulk-lines">
                <thead>
                  <tr>
                    <th scope="col">{l.line}</th>
                    <th scope="col">{l.consumer}</th>
                    <th scope="col">{l.bill}</th>
                    <th scope="col" class="c-amount">
                      {l.amount}
                    </th>
                    <th scope="col">{l.outcome}</th>
                    {view.canReverse ? <th scope="col">{t('bulk.action')}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {view.lines.items.map((line) => (
                    <tr data-line={line.lineNo} data-status={line.reversal ? 'reversed' : line.status}>
                      <td data-label={l.line}>{line.lineNo}</td>
                      <td data-label={l.consumer} class="c-mono">
                        {line.consumerNumber}
                      </td>
                      <td data-label={l.bill} class="c-mono">
                        {line.billId ?? line.billReference ?? '—'}
                      </td>
                      <td data-label={l.amount} class="c-amount">
                        {rupees(page, line.amount)}
                      </td>
                      <td data-label={l.outcome}>
                        <Outcome page={page} line={line} />
                      </td>
                      {view.canReverse ? (
                        <td
                          data-label={
                            line.status === 'posted' && !line.reversal ? t('bulk.action') : undefined
                          }
                        >
                          {line.status === 'posted' && !line.reversal && line.postingId ? (
                            <details class="c-reverse">
                              <summary>{t('bulk.reverse')}</summary>
                              <form
                                method="post"
                                action={`/console/bulk-payments/${batch.id}/lines/${line.lineNo}/reverse`}
                                class="c-form"
                              >
                                <Csrf page={page} />
                                <input
                                  type="hidden"
                                  name="formKey"
                                  value={`${view.formKey}-${line.lineNo}`}
                                />
                                <div class="c-field">
                                  <label for={`reason-${line.lineNo}`}>{t('bulk.reverseReason')}</label>
                                  <input
                                    type="text"
                                    id={`reason-${line.lineNo}`}
                                    name="reason"
                                    required
                                    minlength={3}
                                    maxlength={500}
                                  />
                                </div>
                                <button type="submit" class="c-button c-button-small c-button-danger">
                                  {t('bulk.reverseSubmit')}
                                </button>
                              </form>
                            </details>
                          ) : null}
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            <Pager
              page={page}
              at={view.at}
              pageSize={view.pageSize}
              total={view.lines.total}
              href={(n) => `/console/bulk-payments/${batch.id}?lines=${view.filter}&page=${n}`}
            />
          </Panel>
        </div>
        <div class="c-column-side">
          {batch.status === 'awaiting-approval' ? (
            <Panel title={t('bulk.approveTitle')} id="approve">
              {view.canApprove && !view.isUploader ? (
                <form method="post" action={`/console/bulk-payments/${batch.id}/approve`} class="c-form">
                  <Csrf page={page} />
                  <p>
                    {t('bulk.approveLead', {
                      lines: r?.ready.lines ?? 0,
                      amount: rupees(page, r?.ready.amount ?? 0),
                    })}
                  </p>
                  <button type="submit" class="c-button" id="approve-button">
                    {t('bulk.approve')}
                  </button>
                </form>
              ) : (
                <p class="c-muted" id="approve-note">
                  {view.canApprove ? t('bulk.fourEyes') : t('bulk.approverOnly')}
                </p>
              )}
            </Panel>
          ) : null}
          {r ? (
            <Panel title={t('bulk.downloads')} id="downloads">
              <ul class="c-downloads">
                <li>
                  <a href={`/console/bulk-payments/${batch.id}/report.csv`} download>
                    {t('bulk.csv')}
                  </a>
                </li>
                <li>
                  <a href={`/console/bulk-payments/${batch.id}/report.pdf`} download>
                    {t('bulk.pdf')}
                  </a>
                </li>
              </ul>
            </Panel>
          ) : null}
        </div>
      </div>
    </ConsoleLayout>
  );
}

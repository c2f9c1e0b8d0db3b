/** @jsxImportSource hono/jsx */
import { Notice, StatusBadge } from '../components';
import { phrase } from '../catalogue-words';
import { money as formatMoney } from '../format';
import { isTemplateId, renderNotice } from '../../domain/notice-templates';
import type { TCallerRecord } from '../../use-cases/agent-desk';
import type { TServiceType } from '../../domain/catalogue';
import { CallerSearch } from './desk';
import { StartRequestPicker } from './desk-request';
import { ConsoleLayout, Csrf, type TConsolePage } from './layout';
import { wordsOr } from './messages';
import { FieldFailure, Flag, FormFailure, Panel, When, type TFormFailure } from './parts';

export type TCallerView = {
  record: TCallerRecord;
  complaintTypes: { code: string; name: string }[];
  /** the catalogue's service types, for "start a service request" */
  serviceTypes: TServiceType[];
  /** the Idempotency-Key of the complaint form as drawn: a double submit is one complaint */
  intakeKey: string;
  failure?: TFormFailure;
  /** the complaint just registered (its Request Number), and whether it joined an open one */
  registered?: { requestNumber: string; joined: boolean };
};

/** The utility's currency, as the console (in English) writes it. */
const money = (v: number | string) => formatMoney('en', Number(v));

/** What a notice said, in the agent's words (its subject), or its template's name. */
const noticeWords = (page: TConsolePage, n: TCallerRecord['notices'][number]) => {
  if (!isTemplateId(n.template)) return n.template;
  try {
    return renderNotice(n.template, page.language, n.params).subject || n.template;
  } catch {
    return n.template;
  }
};

/**
 * The caller's page at the agent desk: the account, bills and arrears, outages on the supply,
 * requests and complaints, notices sent, earlier contacts — and a complaint registered for the
 * caller in a few keystrokes (type, words, Enter).
 */
export function CallerPage({ page, view }: { page: TConsolePage; view: TCallerView }) {
  const { t } = page;
  const { account: a, bills, outages, requests, notices, contacts } = view.record;
  const f = view.failure;
  const now = Date.now();
  const open = requests.filter(
    (r) => !r.closedAt && !['closed', 'completed', 'rejected', 'withdrawn', 'abandoned'].includes(r.status),
  );
  const past = requests.filter((r) => !open.includes(r));
  const RequestTable = (props: { items: typeof requests; id: string }) =>
    props.items.length === 0 ? (
      <p class="c-empty">{t('caller.noRequests')}</p>
    ) : (
      <table class="c-table" id={props.id}>
        <thead>
          <tr>
            <th scope="col">{t('queue.number')}</th>
            <th scope="col">{t('queue.type')}</th>
            <th scope="col">{t('queue.status')}</th>
            <th scope="col">{t('caller.submitted')}</th>
            <th scope="col">{t('queue.due')}</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((r) => (
            <tr data-rn={r.requestNumber}>
              <td data-label={t('queue.number')}>
                <a
                  class="c-rn"
                  href={`/console/${r.kind === 'complaint' ? 'complaints' : 'requests'}/${r.requestNumber}`}
                >
                  {r.requestNumber}
                </a>
              </td>
              <td data-label={t('queue.type')}>
                <span>
                  {r.name} <span class="c-muted c-small">· {t(`caller.kind-${r.kind}`)}</span>
                </span>
              </td>
              <td data-label={t('queue.status')}>
                <StatusBadge status={r.status} label={wordsOr(t, `status.${r.status}`, r.status)} />
              </td>
              <td data-label={t('caller.submitted')}>
                <When page={page} at={r.submittedAt} />
              </td>
              <td data-label={t('queue.due')}>
                <When page={page} at={r.dueAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  return (
    <ConsoleLayout page={page} title={`${a.name} · ${a.consumerNumber}`}>
      <p class="c-crumbs">
        <a href="/console/desk">← {t('caller.back')}</a>
      </p>
      <div class="c-title-row">
        <div>
          <h1>
            <span>{a.name}</span> <span class="c-rn">{a.consumerNumber}</span>
          </h1>
          <p class="c-muted">
            {a.category} · {a.sanctionedLoadKw} kW · {a.supply.sectionOfficeId}
          </p>
        </div>
        <div class="c-badges">
          {a.arrears.amount > 0 ? (
            <Flag tone="warn">{t('caller.arrearsFlag', { amount: money(a.arrears.amount) })}</Flag>
          ) : (
            <Flag tone="ok">{t('caller.noArrears')}</Flag>
          )}
          {outages.some((o) => o.startsAt.getTime() <= now) ? (
            <Flag tone="emergency">{t('caller.supplyOff')}</Flag>
          ) : null}
        </div>
      </div>
      {view.registered ? (
        <Notice kind="success" id="registered">
          {t(view.registered.joined ? 'caller.joined' : 'caller.registered', {
            rn: view.registered.requestNumber,
          })}
        </Notice>
      ) : null}
      <div class="c-columns">
        <div class="c-column-main">
          <Panel title={t('caller.account')} id="account">
            <dl class="c-facts">
              <dt>{t('desk.phone')}</dt>
              <dd class="c-mono">{a.contact.phone}</dd>
              <dt>{t('caller.email')}</dt>
              <dd>{a.contact.email ?? '—'}</dd>
              <dt>{t('desk.address')}</dt>
              <dd>{a.contact.address}</dd>
              <dt>{t('caller.supply')}</dt>
              <dd>
                {a.supply.feeder} · {a.supply.transformer}
              </dd>
              <dt>{t('caller.latestBill')}</dt>
              <dd>
                {a.latestBill
                  ? t('caller.billLine', {
                      period: a.latestBill.period,
                      amount: money(a.latestBill.amount),
                      due: a.latestBill.dueDate,
                      paid: a.latestBill.paid ? 'yes' : 'no',
                    })
                  : '—'}
              </dd>
              <dt>{t('caller.arrears')}</dt>
              <dd id="arrears">
                {a.arrears.amount > 0
                  ? t('caller.arrearsLine', { amount: money(a.arrears.amount), bills: a.arrears.bills })
                  : t('caller.noArrears')}
              </dd>
            </dl>
          </Panel>
          <Panel title={t('caller.outages')} id="outages" class={outages.length ? 'c-panel-emergency' : ''}>
            {outages.length === 0 ? (
              <p class="c-empty">{t('caller.noOutages')}</p>
            ) : (
              <ul class="c-list" id="outage-list">
                {outages.map((o) => (
                  <li data-outage={o.id}>
                    <Flag tone={o.startsAt.getTime() <= now ? 'emergency' : 'level'}>
                      {t(o.startsAt.getTime() <= now ? 'caller.outageNow' : 'caller.outagePlanned')}
                    </Flag>{' '}
                    <strong>{o.reason}</strong>{' '}
                    <span class="c-muted">
                      · {t('caller.from')} <When page={page} at={o.startsAt.toISOString()} /> ·{' '}
                      {t('caller.etr')} <When page={page} at={o.etr.toISOString()} />
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Panel>
          <Panel title={t('caller.open')} id="open-requests">
            <RequestTable items={open} id="open-list" />
          </Panel>
          <Panel title={t('caller.past')} id="past-requests">
            <RequestTable items={past} id="past-list" />
          </Panel>
          <Panel title={t('caller.bills')} id="bills">
            <table class="c-table" id="bill-list">
              <thead>
                <tr>
                  <th scope="col">{t('caller.period')}</th>
                  <th scope="col">{t('caller.units')}</th>
                  <th scope="col">{t('caller.amount')}</th>
                  <th scope="col">{t('caller.dueDate')}</th>
                  <th scope="col">{t('caller.paid')}</th>
                </tr>
              </thead>
              <tbody>
                {bills.map((b) => (
                  <tr>
                    <td data-label={t('caller.period')}>{b.period}</td>
                    <td data-label={t('caller.units')}>{Number(b.unitsKwh)} kWh</td>
                    <td data-label={t('caller.amount')}>{money(b.amount)}</td>
                    <td data-label={t('caller.dueDate')}>{b.dueDate}</td>
                    <td data-label={t('caller.paid')}>
                      {b.paid ? (
                        <Flag tone="ok">{t('format.yes')}</Flag>
                      ) : (
                        <Flag tone="warn">{t('format.no')}</Flag>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Panel>
          <Panel title={t('caller.notices')} id="notices">
            {notices.length === 0 ? (
              <p class="c-empty">{t('caller.noNotices')}</p>
            ) : (
              <ul class="c-list">
                {notices.map((n) => (
                  <li data-template={n.template}>
                    <When page={page} at={n.createdAt.toISOString()} /> · {noticeWords(page, n)}{' '}
                    <span class="c-muted c-small">
                      · {phrase(page.language, `channel.${n.channel}`)} · {n.status}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Panel>
        </div>
        <div class="c-column-side">
          <Panel title={t('caller.complaint')} id="complaint">
            <form
              method="post"
              action={`/console/desk/consumers/${a.consumerNumber}/complaint`}
              class="c-form"
              id="register-complaint"
            >
              <Csrf page={page} />
              <input type="hidden" name="intakeKey" value={view.intakeKey} />
              <FormFailure failure={f} form="complaint" />
              <div class="c-field">
                <label for="complaint-type">{t('caller.type')}</label>
                <FieldFailure failure={f} form="complaint" field="type" />
                <select id="complaint-type" name="type" required>
                  {view.complaintTypes.map((x) => (
                    <option value={x.code}>{x.name}</option>
                  ))}
                </select>
              </div>
              <div class="c-field">
                <label for="complaint-description">{t('caller.description')}</label>
                <FieldFailure failure={f} form="complaint" field="description" />
                <input type="text" id="complaint-description" name="description" maxlength={2000} />
              </div>
              <button type="submit" class="c-button">
                {t('caller.register')}
              </button>
              <p class="c-hint">{t('caller.registerHint')}</p>
            </form>
          </Panel>
          <Panel title={t('deskRequest.start')} id="start-request">
            <StartRequestPicker page={page} consumerNumber={a.consumerNumber} types={view.serviceTypes} />
          </Panel>
          <Panel title={t('caller.contacts')} id="contacts">
            {contacts.length === 0 ? (
              <p class="c-empty">{t('caller.noContacts')}</p>
            ) : (
              <ul class="c-list" id="contact-list">
                {contacts.map((x) => (
                  <li data-kind={x.kind}>
                    <When page={page} at={x.at.toISOString()} /> · {t(`caller.contact-${x.kind}`)}
                    <span class="c-muted c-small">
                      {' '}
                      · {x.agent}
                      {x.requestNumber ? ` · ${x.requestNumber}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Panel>
          <Panel title={t('desk.search')} id="search-again">
            <CallerSearch page={page} q="" />
          </Panel>
        </div>
      </div>
    </ConsoleLayout>
  );
}

/** @jsxImportSource hono/jsx */
import type { TAccountSummary } from '../../db/account';
import type { TConsumerRequest } from '../../db/consumer-requests';
import type { TOutage } from '../../db/outages';
import { Card, StatusBadge } from '../components';
import { billPeriod, localNoon, money } from '../format';
import { Layout, type TPage } from '../layout';
import { statusLabel } from '../messages';

export type THomeAccount = {
  summary: TAccountSummary;
  requests: TConsumerRequest[];
  outages: TOutage[];
  /** the catalogue's name of each type code, in the reader's language */
  names?: Record<string, string>;
};

const Row = (props: { label: string; value: string }) => (
  <div class="row">
    <dt>{props.label}</dt>
    <dd>{props.value}</dd>
  </div>
);

function Account({ page, account }: { page: TPage; account: THomeAccount }) {
  const { t } = page;
  const s = account.summary;
  return (
    <Card title={t('home.accounts')} id={`account-${s.consumerNumber}`}>
      <dl class="facts">
        <Row label={t('home.consumerNumber')} value={s.consumerNumber} />
        <Row label={t('home.address')} value={s.contact.address} />
        <Row label={t('home.category')} value={s.category} />
        <Row label={t('home.load')} value={t('home.loadValue', { kw: s.sanctionedLoadKw })} />
      </dl>
      <p class="muted small">
        {t('home.supply', { transformer: s.supply.transformer, feeder: s.supply.feeder })}
      </p>
    </Card>
  );
}

function Bill({ page, account }: { page: TPage; account: THomeAccount }) {
  const { t, language } = page;
  const bill = account.summary.latestBill;
  const arrears = account.summary.arrears;
  return (
    <Card title={t('home.latestBill')} id={`bill-${account.summary.consumerNumber}`}>
      {bill ? (
        <div class="bill">
          <p class="muted">{t('home.period', { period: billPeriod(language, bill.period) })}</p>
          <p class="amount">{money(language, bill.amount)}</p>
          <p>
            <StatusBadge
              status={bill.paid ? 'completed' : 'awaiting-consumer'}
              label={t(bill.paid ? 'home.paid' : 'home.unpaid')}
            />{' '}
            <span class="muted">
              {t('home.units', { units: bill.unitsKwh })} · {t('home.due', { date: localNoon(bill.dueDate) })}
            </span>
          </p>
        </div>
      ) : (
        <p>{t('home.noBill')}</p>
      )}
      <h3>{t('home.arrears')}</h3>
      <p class={arrears.amount > 0 ? 'arrears owing' : 'arrears'}>
        {arrears.amount > 0
          ? t('home.arrearsSome', { amount: money(language, arrears.amount), bills: arrears.bills })
          : t('home.arrearsNone')}
      </p>
      <p>
        <a href={`/ledger?consumer=${account.summary.consumerNumber}`} class="ledger-link">
          {t('home.ledger')}
        </a>
      </p>
    </Card>
  );
}

function Requests({ page, account }: { page: TPage; account: THomeAccount }) {
  const { t } = page;
  return (
    <Card title={t('home.requests')} id={`requests-${account.summary.consumerNumber}`} class="span-2">
      {account.requests.length === 0 ? (
        <p>{t('home.requestsNone')}</p>
      ) : (
        <ul class="requests">
          {account.requests.map((r) => (
            <li class="request">
              <div class="request-main">
                <span class="request-kind">
                  {t(r.kind === 'complaint' ? 'home.complaint' : 'home.serviceRequest')}
                </span>
                <strong class="request-name">
                  <a href={`/${r.kind === 'complaint' ? 'complaints' : 'requests'}/${r.requestNumber}`}>
                    {account.names?.[r.typeCode] ?? r.name}
                  </a>
                </strong>
                <span class="request-number">{r.requestNumber}</span>
              </div>
              <div class="request-side">
                <StatusBadge status={r.status} label={statusLabel(t, r.status)} />
                <span class="request-due">
                  <span class="visually-hidden">{t('home.dueAt')}: </span>
                  {r.dueAt ? t('home.dueValue', { dueAt: r.dueAt }) : t('home.noDue')}
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function Outages({ page, account, now }: { page: TPage; account: THomeAccount; now: Date }) {
  const { t } = page;
  return (
    <Card title={t('home.outages')} id={`outages-${account.summary.consumerNumber}`} class="span-2">
      {account.outages.length === 0 ? (
        <p class="all-clear">{t('home.outagesNone')}</p>
      ) : (
        <ul class="outages">
          {account.outages.map((o) => {
            const current = o.startsAt <= now;
            return (
              <li class={current ? 'outage current' : 'outage planned'}>
                <strong>{t(current ? 'home.outageNow' : 'home.outagePlanned')}</strong>
                <span>{o.reason}</span>
                <span class="muted">
                  {o.endsAt
                    ? t('home.outageWhen', { from: o.startsAt.toISOString(), to: o.endsAt.toISOString() })
                    : t('home.outageFrom', { from: o.startsAt.toISOString() })}
                </span>
                <span>{t('home.etr', { etr: o.etr.toISOString() })}</span>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}

/** Home: each account with its latest bill and arrears, open requests and complaints, and outages on its supply. */
export function HomePage(props: { page: TPage; accounts: THomeAccount[]; now: Date }) {
  const { page } = props;
  const name = props.accounts[0]?.summary.name ?? '';
  return (
    <Layout page={page} title={page.t('home.title')} wide>
      <h1>{page.t('home.greeting', { name })}</h1>
      <nav class="actions" aria-label={page.t('home.actions')}>
        <a class="action" href="/apply">
          <strong>{page.t('home.apply')}</strong>
          <span>{page.t('home.applyHint')}</span>
        </a>
        <a class="action" href="/complaints/new">
          <strong>{page.t('home.complain')}</strong>
          <span>{page.t('home.complainHint')}</span>
        </a>
      </nav>
      {props.accounts.map((account) => (
        <div class="grid">
          <Account page={page} account={account} />
          <Bill page={page} account={account} />
          <Requests page={page} account={account} />
          <Outages page={page} account={account} now={props.now} />
        </div>
      ))}
    </Layout>
  );
}

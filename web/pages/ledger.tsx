/** @jsxImportSource hono/jsx */
import type { TLedgerEntry } from '../../db/account';
import { Card } from '../components';
import { billPeriod, money } from '../format';
import { Layout, type TPage } from '../layout';

export type TLedgerView = {
  consumerNumber: string;
  /** the consumer's other numbers, to switch between */
  numbers: string[];
  items: TLedgerEntry[];
  balance: number;
  page: number;
  pageSize: number;
  total: number;
};

/** A bill id (`bill-<consumer>-YYYY-MM`) as its period, in the reader's words. */
const periodOf = (page: TPage, billId: string | null) => {
  const m = billId ? /-(\d{4}-\d{2})$/.exec(billId) : null;
  return m ? billPeriod(page.language, m[1]!) : (billId ?? '');
};

/** What a posting is, in the reader's words: a bill, a payment (through a corporate), a credit, a reversal. */
function What({ page, e }: { page: TPage; e: TLedgerEntry }) {
  const { t } = page;
  const kind = t(`ledger.kind-${e.kind}`);
  const detail =
    e.kind === 'reversal'
      ? t('ledger.reverses', { id: e.reversesId ?? 0 })
      : e.kind === 'payment' && e.sourceRef.startsWith('bulk-payment/')
        ? t('ledger.viaCorporate')
        : e.billId
          ? t('ledger.forBill', { period: periodOf(page, e.billId) })
          : '';
  // One block: on a phone the cell is a grid of its label and this.
  return (
    <div class="ledger-what">
      <strong>{kind}</strong>
      {detail ? <span class="muted small"> · {detail}</span> : null}
      {e.kind === 'reversal' && e.note ? (
        <>
          <br />
          <span class="muted small">{e.note}</span>
        </>
      ) : null}
      {e.reversedById ? (
        <>
          <br />
          <span class="badge badge-warn">{t('ledger.reversed')}</span>
        </>
      ) : null}
    </div>
  );
}

/**
 * The consumer's account ledger: every bill, payment, credit and reversal, newest first, with the
 * balance after each; a page at a time.
 */
export function LedgerPage({ page, view }: { page: TPage; view: TLedgerView }) {
  const { t, language } = page;
  const pages = Math.max(1, Math.ceil(view.total / view.pageSize));
  const link = (n: number) => `/ledger?consumer=${view.consumerNumber}&page=${n}`;
  return (
    <Layout page={page} title={t('ledger.title')} wide>
      <p>
        <a href="/home">← {t('ledger.back')}</a>
      </p>
      <h1>{t('ledger.title')}</h1>
      {view.numbers.length > 1 ? (
        <nav class="actions" aria-label={t('ledger.accounts')}>
          {view.numbers.map((n) => (
            <a href={`/ledger?consumer=${n}`} aria-current={n === view.consumerNumber ? 'page' : undefined}>
              {n}
            </a>
          ))}
        </nav>
      ) : null}
      <Card title={t('ledger.account', { consumerNumber: view.consumerNumber })} id="ledger">
        <p class={view.balance > 0 ? 'arrears owing' : 'arrears'} id="ledger-balance">
          {view.balance > 0
            ? t('ledger.balanceOwed', { amount: money(language, view.balance) })
            : view.balance < 0
              ? t('ledger.balanceCredit', { amount: money(language, -view.balance) })
              : t('ledger.balanceNone')}
        </p>
        {view.items.length === 0 ? (
          <p>{t('ledger.none')}</p>
        ) : (
          <table class="ledger">
            <caption class="visually-hidden">{t('ledger.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('ledger.date')}</th>
                <th scope="col">{t('ledger.what')}</th>
                <th scope="col" class="num">
                  {t('ledger.charge')}
                </th>
                <th scope="col" class="num">
                  {t('ledger.credit')}
                </th>
                <th scope="col" class="num">
                  {t('ledger.balance')}
                </th>
              </tr>
            </thead>
            <tbody>
              {view.items.map((e) => (
                <tr data-posting={e.id} data-kind={e.kind}>
                  <td data-label={t('ledger.date')}>
                    <time datetime={e.postedAt}>{t('ledger.when', { at: e.postedAt })}</time>
                  </td>
                  <td data-label={t('ledger.what')}>
                    <What page={page} e={e} />
                  </td>
                  <td data-label={t('ledger.charge')} class="num">
                    {e.amount > 0 ? money(language, e.amount) : ''}
                  </td>
                  <td data-label={t('ledger.credit')} class="num">
                    {e.amount < 0 ? money(language, -e.amount) : ''}
                  </td>
                  <td data-label={t('ledger.balance')} class="num">
                    {money(language, e.balance)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {pages > 1 ? (
          <nav class="pager" aria-label={t('ledger.pages')}>
            {view.page > 1 ? (
              <a href={link(view.page - 1)} rel="prev">
                ← {t('ledger.newer')}
              </a>
            ) : (
              <span />
            )}
            <span>{t('ledger.pageOf', { page: view.page, pages })}</span>
            {view.page < pages ? (
              <a href={link(view.page + 1)} rel="next">
                {t('ledger.older')} →
              </a>
            ) : (
              <span />
            )}
          </nav>
        ) : null}
      </Card>
    </Layout>
  );
}

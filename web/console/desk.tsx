/** @jsxImportSource hono/jsx */
import type { TCallerHit, TCallerQuery } from '../../db/agent-search';
import { ConsoleLayout, type TConsolePage } from './layout';
import { Flag, Pager, Panel } from './parts';

export type TDeskView = {
  /** what the agent typed */
  q: string;
  found?: { query: TCallerQuery; items: TCallerHit[]; total: number; more?: true };
  at: number;
  pageSize: number;
  /** the search could not be read (nothing to look for) */
  error?: string;
  /** contacts this agent took today */
  contactsToday: number;
};

/** The search box of the desk: on the desk itself and at the top of a caller's page. */
export const CallerSearch = ({
  page,
  q,
  autofocus,
}: {
  page: TConsolePage;
  q: string;
  autofocus?: boolean;
}) => {
  const { t } = page;
  return (
    <form method="get" action="/console/desk" class="c-search" role="search">
      <label for="desk-q">{t('desk.query')}</label>
      <div class="c-search-row">
        <input
          type="search"
          id="desk-q"
          name="q"
          value={q}
          maxlength={200}
          autocomplete="off"
          spellcheck={false}
          autofocus={autofocus}
          aria-describedby="desk-q-hint"
        />
        <button type="submit" class="c-button">
          {t('desk.find')}
        </button>
      </div>
      <p class="c-hint" id="desk-q-hint">
        {t('desk.queryHint')}
      </p>
    </form>
  );
};

const readAs = (page: TConsolePage, query: TCallerQuery) =>
  page.t('desk.readAs', {
    by: {
      'consumer-number': 'number',
      'consumer-number-prefix': 'prefix',
      phone: 'phone',
      'name-address': 'words',
    }[query.by],
    value:
      query.by === 'consumer-number'
        ? query.consumerNumber
        : query.by === 'consumer-number-prefix'
          ? query.prefix
          : query.by === 'phone'
            ? query.phone
            : query.words.join(' '),
  });

/**
 * The agent desk: one box finds the caller by consumer number, registered phone, or name and
 * address (typos and all), best match first; a result opens the caller's page.
 */
export function DeskPage({ page, view }: { page: TConsolePage; view: TDeskView }) {
  const { t } = page;
  const found = view.found;
  return (
    <ConsoleLayout page={page} title={t('desk.title')}>
      <div class="c-title-row">
        <div>
          <h1>{t('desk.title')}</h1>
          <p class="c-muted c-lead">{t('desk.lead')}</p>
        </div>
        <p class="c-muted" id="contacts-today">
          {t('desk.contactsToday', { count: view.contactsToday })}
        </p>
      </div>
      <Panel title={t('desk.search')} id="search">
        <CallerSearch page={page} q={view.q} autofocus />
        {view.error ? (
          <p class="field-error" id="desk-q-error" role="alert">
            {view.error}
          </p>
        ) : null}
      </Panel>
      {found ? (
        <Panel
          title={
            found.more ? t('desk.resultsMore', { total: found.total }) : t('desk.results', { total: found.total })
          }
          id="results"
          actions={<span class="c-muted c-small">{readAs(page, found.query)}</span>}
        >
          {found.items.length === 0 ? (
            <p class="c-empty">{t('desk.empty')}</p>
          ) : (
            <table class="c-table" id="callers">
              <thead>
                <tr>
                  <th scope="col">{t('desk.consumer')}</th>
                  <th scope="col">{t('desk.name')}</th>
                  <th scope="col">{t('desk.address')}</th>
                  <th scope="col">{t('desk.phone')}</th>
                  <th scope="col">{t('queue.office')}</th>
                </tr>
              </thead>
              <tbody>
                {found.items.map((hit) => (
                  <tr data-consumer={hit.consumerNumber}>
                    <td data-label={t('desk.consumer')}>
                      <a class="c-rn" href={`/console/desk/consumers/${hit.consumerNumber}`}>
                        {hit.consumerNumber}
                      </a>
                    </td>
                    <td data-label={t('desk.name')}>
                      <span>
                        <strong>{hit.name}</strong>{' '}
                        {hit.lifeSupport ? <Flag tone="emergency">{t('desk.lifeSupport')}</Flag> : null}
                      </span>
                    </td>
                    <td data-label={t('desk.address')}>{hit.address}</td>
                    <td data-label={t('desk.phone')} class="c-mono">
                      {hit.phone}
                    </td>
                    <td data-label={t('queue.office')}>{hit.sectionOfficeId}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager
            page={page}
            at={view.at}
            pageSize={view.pageSize}
            total={found.total}
            href={(p) => `/console/desk?${new URLSearchParams({ q: view.q, page: String(p) }).toString()}`}
          />
        </Panel>
      ) : null}
    </ConsoleLayout>
  );
}

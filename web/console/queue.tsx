/** @jsxImportSource hono/jsx */
import { StatusBadge } from '../components';
import type { TComplaintItem, TWorkItem } from '../../db/work-items';
import { ConsoleLayout, type TConsolePage } from './layout';
import { wordsOr } from './messages';
import { Flag, Pager, Panel, When } from './parts';

export const QUEUE_KINDS = ['requests', 'complaints'] as const;
export type TQueueKind = (typeof QUEUE_KINDS)[number];
export const QUEUE_DUE = ['any', 'overdue', 'day', 'week'] as const;
export const QUEUE_SORTS = ['urgent', 'due', 'submitted', 'level'] as const;

export type TQueueFilters = {
  kind: TQueueKind;
  type: string;
  status: string;
  due: (typeof QUEUE_DUE)[number];
  level: string;
  sort: (typeof QUEUE_SORTS)[number];
  page: number;
  /** cursors of seek pagination (db/work-items.ts): the page after or before a row */
  after?: string;
  before?: string;
};

export type TQueueView = {
  filters: TQueueFilters;
  statuses: string[];
  counts: Record<string, number>;
  types: { code: string; name: string }[];
  typeName: (code: string) => string;
  pageSize: number;
  total: number;
  /** cursors of the pages either side, when the order is sought through its index */
  next: string | null;
  prev: string | null;
} & ({ kind: 'requests'; items: TWorkItem[] } | { kind: 'complaints'; items: TComplaintItem[] });

/** The query string of the queue with some filters changed (page back to 1 and no cursor unless given). */
export const queueHref = (f: TQueueFilters, change: Partial<TQueueFilters> = {}) => {
  const next = { ...f, page: 1, after: undefined, before: undefined, ...change };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(next)) {
    const defaults: Record<string, unknown> = {
      type: '',
      status: 'open',
      due: 'any',
      level: '',
      sort: 'urgent',
      page: 1,
    };
    if (v === undefined) continue;
    if (k === 'kind' || defaults[k] !== v) q.set(k, String(v));
  }
  return `/console/queue?${q.toString()}`;
};

const Select = (props: { name: string; label: string; value: string; options: [string, string][] }) => (
  <div class="c-filter">
    <label for={`filter-${props.name}`}>{props.label}</label>
    <select id={`filter-${props.name}`} name={props.name}>
      {props.options.map(([value, label]) => (
        <option value={value} selected={value === props.value}>
          {label}
        </option>
      ))}
    </select>
  </div>
);

function Filters({ page, view }: { page: TConsolePage; view: TQueueView }) {
  const { t } = page;
  const f = view.filters;
  const openWord = view.kind === 'requests' ? 'open' : 'active';
  return (
    <form method="get" action="/console/queue" class="c-filters" aria-label={t('queue.filters')}>
      <input type="hidden" name="kind" value={f.kind} />
      <Select
        name="type"
        label={t('queue.type')}
        value={f.type}
        options={[['', t('queue.anyType')], ...view.types.map((x): [string, string] => [x.code, x.name])]}
      />
      <Select
        name="status"
        label={t('queue.status')}
        value={f.status}
        options={[
          [openWord, t(`queue.${openWord}`)],
          ...view.statuses.map((s): [string, string] => [s, wordsOr(t, `status.${s}`, s)]),
          ['all', t('queue.all')],
        ]}
      />
      <Select
        name="due"
        label={t('queue.due')}
        value={f.due}
        options={[
          ['any', t('queue.dueAny')],
          ['overdue', t('queue.dueOverdue')],
          ['day', t('queue.dueDay')],
          ['week', t('queue.dueWeek')],
        ]}
      />
      <Select
        name="level"
        label={t('queue.level')}
        value={f.level}
        options={[
          ['', t('queue.levelAny')],
          ['0', t('queue.levelNone')],
          ['1', t('queue.levelN', { level: 1 })],
          ['2', t('queue.levelN', { level: 2 })],
          ['3', t('queue.levelN', { level: 3 })],
        ]}
      />
      {view.kind === 'requests' ? (
        <Select
          name="sort"
          label={t('queue.sort')}
          value={f.sort}
          options={QUEUE_SORTS.map((s): [string, string] => [s, t(`queue.sort-${s}`)])}
        />
      ) : null}
      <button type="submit" class="c-button c-button-small">
        {t('queue.apply')}
      </button>
    </form>
  );
}

const Level = ({ page, level }: { page: TConsolePage; level: number }) =>
  level > 0 ? (
    <Flag tone="level">{page.t('queue.levelShort', { level })}</Flag>
  ) : (
    <span class="c-muted">0</span>
  );

function RequestRows({ page, view, items }: { page: TConsolePage; view: TQueueView; items: TWorkItem[] }) {
  const { t } = page;
  return (
    <table class="c-table">
      <thead>
        <tr>
          <th scope="col">{t('queue.number')}</th>
          <th scope="col">{t('queue.type')}</th>
          <th scope="col">{t('queue.consumer')}</th>
          <th scope="col">{t('queue.office')}</th>
          <th scope="col">{t('queue.status')}</th>
          <th scope="col">{t('queue.actBy')}</th>
          <th scope="col">{t('queue.level')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr class={r.breached ? 'c-row-breach' : r.warned ? 'c-row-warn' : undefined}>
            <td data-label={t('queue.number')}>
              <a class="c-rn" href={`/console/requests/${r.requestNumber}`}>
                {r.requestNumber}
              </a>
            </td>
            <td data-label={t('queue.type')}>{view.typeName(r.typeCode)}</td>
            <td data-label={t('queue.consumer')} class="c-mono">
              {r.consumerNumber}
            </td>
            <td data-label={t('queue.office')}>{r.officeId}</td>
            <td data-label={t('queue.status')}>
              <span class="c-badges">
                <StatusBadge status={r.status} label={wordsOr(t, `status.${r.status}`, r.status)} />
                {r.breached ? <Flag tone="breach">{t('flag.breached')}</Flag> : null}
                {!r.breached && r.warned ? <Flag tone="warn">{t('flag.warned')}</Flag> : null}
              </span>
            </td>
            <td data-label={t('queue.actBy')}>
              <When page={page} at={r.actBy} />
            </td>
            <td data-label={t('queue.level')}>
              <Level page={page} level={r.escalationLevel} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ComplaintRows(props: { page: TConsolePage; view: TQueueView; items: TComplaintItem[] }) {
  const { page, view } = props;
  const { t } = page;
  return (
    <table class="c-table">
      <thead>
        <tr>
          <th scope="col">{t('queue.number')}</th>
          <th scope="col">{t('queue.type')}</th>
          <th scope="col">{t('queue.consumer')}</th>
          <th scope="col">{t('queue.office')}</th>
          <th scope="col">{t('queue.status')}</th>
          <th scope="col">{t('queue.crew')}</th>
          <th scope="col">{t('queue.due')}</th>
          <th scope="col">{t('queue.level')}</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((r) => {
          const emergency = r.priority === 'emergency';
          return (
            <tr class={emergency ? 'c-row-emergency' : r.breached ? 'c-row-breach' : undefined}>
              <td data-label={t('queue.number')}>
                <a class="c-rn" href={`/console/complaints/${r.requestNumber}`}>
                  {r.requestNumber}
                </a>
              </td>
              <td data-label={t('queue.type')}>{view.typeName(r.typeCode)}</td>
              <td data-label={t('queue.consumer')} class="c-mono">
                {r.consumerNumber}
              </td>
              <td data-label={t('queue.office')}>{r.officeId}</td>
              <td data-label={t('queue.status')}>
                <span class="c-badges">
                  <StatusBadge status={r.status} label={wordsOr(t, `status.${r.status}`, r.status)} />
                  {emergency ? (
                    <Flag tone="emergency">
                      {r.acknowledgedAt ? t('flag.emergencyAcknowledged') : t('flag.emergency')}
                    </Flag>
                  ) : null}
                  {r.breached ? <Flag tone="breach">{t('flag.breached')}</Flag> : null}
                </span>
              </td>
              <td data-label={t('queue.crew')}>{r.crew ?? <span class="c-muted">—</span>}</td>
              <td data-label={t('queue.due')}>
                <When page={page} at={r.dueAt} />
              </td>
              <td data-label={t('queue.level')}>
                <Level page={page} level={r.escalationLevel} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The work queue of my office and its sub-offices: requests or complaints, filtered, sorted, paged. */
export function QueuePage({ page, view }: { page: TConsolePage; view: TQueueView }) {
  const { t } = page;
  const f = view.filters;
  return (
    <ConsoleLayout page={page} title={t('queue.title')}>
      <div class="c-title-row">
        <h1>{t('queue.title')}</h1>
        <p class="c-muted">{t('queue.scope', { office: page.staff?.officeId ?? '' })}</p>
      </div>
      <nav class="c-tabs" aria-label={t('queue.kinds')}>
        {(['requests', 'complaints'] as const).map((k) => (
          <a
            href={queueHref({ ...f, status: k === 'requests' ? 'open' : 'active', kind: k })}
            aria-current={f.kind === k ? 'page' : undefined}
          >
            {t(`queue.kind-${k}`)}
          </a>
        ))}
      </nav>
      <ul class="c-counts" aria-label={t('queue.counts')}>
        {view.statuses.map((s) => (
          <li>
            <a href={queueHref(f, { status: s })} aria-current={f.status === s ? 'true' : undefined}>
              <span class="c-count-n">{view.counts[s] ?? 0}</span>
              <span>{wordsOr(t, `status.${s}`, s)}</span>
            </a>
          </li>
        ))}
      </ul>
      <Filters page={page} view={view} />
      <Panel
        title={t(`queue.kind-${view.kind}`)}
        id="queue-list"
        actions={<span class="c-muted">{t('queue.shown', { total: view.total })}</span>}
      >
        {view.items.length === 0 ? (
          <p class="c-empty">{t('queue.empty')}</p>
        ) : view.kind === 'requests' ? (
          <RequestRows page={page} view={view} items={view.items} />
        ) : (
          <ComplaintRows page={page} view={view} items={view.items} />
        )}
        <Pager
          page={page}
          at={f.page}
          pageSize={view.pageSize}
          total={view.total}
          href={(p) => queueHref(f, { page: p })}
          // Seek the pages either side from this one's ends; the first page needs no cursor.
          prevHref={
            view.prev && f.page > 2 ? queueHref(f, { page: f.page - 1, before: view.prev }) : undefined
          }
          nextHref={view.next ? queueHref(f, { page: f.page + 1, after: view.next }) : undefined}
        />
      </Panel>
    </ConsoleLayout>
  );
}

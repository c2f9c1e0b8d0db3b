/** @jsxImportSource hono/jsx */
import { AGE_BUCKETS, GRANULARITIES } from '../../domain/kpis';
import type {
  TBacklogKpi,
  TCampaignsKpi,
  TContactsKpi,
  TKpiName,
  TNoticesKpi,
  TSlaKpi,
} from '../../use-cases/kpis';
import { Legend, Lines, ShareBars, StackedColumns } from './charts';
import { ConsoleLayout, type TConsolePage } from './layout';
import { FormFailure, Panel, type TFormFailure } from './parts';

export type TKpisView = {
  /** what the filter form shows (as typed, or the defaults) */
  form: { from: string; to: string; officeId: string; granularity: string };
  offices: { id: string; name: string }[];
  /** the query string of the figures shown, for the CSV links */
  query: string;
  timeZone: string;
  typeName: (kind: string, code: string) => string;
  officeName: (id: string) => string;
  failure?: TFormFailure;
  figures?: {
    sla: TSlaKpi;
    backlog: TBacklogKpi;
    contacts: TContactsKpi;
    notices: TNoticesKpi;
    campaigns: TCampaignsKpi;
  };
};

/** The statuses of open items, in the order their colours stack. */
const OPEN_STATUSES = [
  'in-progress',
  'awaiting-consumer',
  'open',
  'assigned',
  'awaiting-restoration',
  'resolved',
];

const Csv = ({ page, view, name }: { page: TConsolePage; view: TKpisView; name: TKpiName }) => (
  <a
    class="c-button c-button-small"
    href={`/console/kpis/${name}.csv${view.query ? `?${view.query}` : ''}`}
    download
  >
    {page.t('kpis.csv')}
  </a>
);

const percent = (page: TConsolePage, share: number | null) =>
  share === null ? '—' : page.t('kpis.share', { share });
const hours = (page: TConsolePage, h: number | null) =>
  h === null ? '—' : page.t('kpis.hours', { hours: h });

function Sla({ page, view, sla }: { page: TConsolePage; view: TKpisView; sla: TSlaKpi }) {
  const { t } = page;
  const types = sla.groups.filter((g) => g.officeId === null && g.typeCode !== null);
  const totals = sla.groups.filter((g) => g.typeCode === null);
  const label = (g: (typeof types)[number]) =>
    `${t(`kpis.kind-${g.kind}`)} · ${view.typeName(g.kind, g.typeCode!)}`;
  return (
    <Panel title={t('kpis.slaTitle')} id="sla" actions={<Csv page={page} view={view} name="sla" />}>
      <p class="c-muted">{t('kpis.slaLead')}</p>
      <dl class="c-facts c-kpi-totals">
        {totals.map((g) => (
          <>
            <dt>{t(`kpis.kind-${g.kind}`)}</dt>
            <dd>
              <strong>{percent(page, g.share)}</strong>{' '}
              <span class="c-muted">{t('kpis.ofClosed', { within: g.withinTat, closed: g.closed })}</span>
            </dd>
          </>
        ))}
      </dl>
      {types.length === 0 ? (
        <p class="c-empty">{t('kpis.noneClosed')}</p>
      ) : (
        <>
          <ShareBars
            id="sla-chart"
            title={t('kpis.slaChart')}
            desc={types.map((g) => `${label(g)}: ${percent(page, g.share)}`).join('; ')}
            items={types.map((g) => ({
              label: label(g),
              share: g.share,
              note: percent(page, g.share),
            }))}
          />
          <details class="c-kpi-table">
            <summary>{t('kpis.asTable')}</summary>
            <table class="c-table">
              <thead>
                <tr>
                  <th scope="col">{t('kpis.type')}</th>
                  <th scope="col">{t('kpis.office')}</th>
                  <th scope="col">{t('kpis.closed')}</th>
                  <th scope="col">{t('kpis.withinTat')}</th>
                  <th scope="col">{t('kpis.avg')}</th>
                  <th scope="col">{t('kpis.p90')}</th>
                </tr>
              </thead>
              <tbody>
                {sla.groups
                  .filter((g) => g.typeCode !== null)
                  .map((g) => (
                    <tr data-kind={g.kind} data-type={g.typeCode} data-office={g.officeId ?? 'all'}>
                      <td data-label={t('kpis.type')}>{label(g)}</td>
                      <td data-label={t('kpis.office')}>
                        {g.officeId ? view.officeName(g.officeId) : t('kpis.allOffices')}
                      </td>
                      <td data-label={t('kpis.closed')}>{g.closed}</td>
                      <td data-label={t('kpis.withinTat')}>{percent(page, g.share)}</td>
                      <td data-label={t('kpis.avg')}>{hours(page, g.avgHours)}</td>
                      <td data-label={t('kpis.p90')}>{hours(page, g.p90Hours)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </details>
        </>
      )}
      <h3 class="c-kpi-sub">{t('kpis.breaches')}</h3>
      {sla.breaches.length === 0 ? (
        <p class="c-empty">{t('kpis.noBreaches')}</p>
      ) : (
        <table class="c-table c-breaches">
          <thead>
            <tr>
              <th scope="col">{t('kpis.kind')}</th>
              <th scope="col">{t('kpis.level')}</th>
              <th scope="col">{t('kpis.breachedClosed')}</th>
              <th scope="col">{t('kpis.breachedOpen')}</th>
            </tr>
          </thead>
          <tbody>
            {sla.breaches.map((b) => (
              <tr>
                <td data-label={t('kpis.kind')}>{t(`kpis.kind-${b.kind}`)}</td>
                <td data-label={t('kpis.level')}>{b.level}</td>
                <td data-label={t('kpis.breachedClosed')}>{b.closed}</td>
                <td data-label={t('kpis.breachedOpen')}>{b.open}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

function Backlog({ page, view, backlog }: { page: TConsolePage; view: TKpisView; backlog: TBacklogKpi }) {
  const { t } = page;
  const statuses = OPEN_STATUSES.filter((s) => backlog.rows.some((r) => r.status === s));
  const count = (bucket: string, status?: string) =>
    backlog.rows
      .filter((r) => r.bucket === bucket && (!status || r.status === status))
      .reduce((n, r) => n + r.items, 0);
  const buckets = AGE_BUCKETS.map((b) => b.id);
  const max = Math.max(0, ...buckets.map((b) => count(b)));
  return (
    <Panel
      title={t('kpis.backlogTitle')}
      id="backlog"
      actions={<Csv page={page} view={view} name="backlog" />}
    >
      <dl class="c-facts c-kpi-totals">
        <dt>{t('kpis.openItems')}</dt>
        <dd>
          <strong>{backlog.open.request + backlog.open.complaint}</strong>{' '}
          <span class="c-muted">
            {t('kpis.openSplit', { requests: backlog.open.request, complaints: backlog.open.complaint })}
          </span>
        </dd>
        <dt>{t('kpis.waitingOnConsumer')}</dt>
        <dd>
          <strong>{backlog.waitingOnConsumer.request + backlog.waitingOnConsumer.complaint}</strong>
        </dd>
        <dt>{t('kpis.emergencies')}</dt>
        <dd class={backlog.emergencies.unacknowledged ? 'c-kpi-alarm' : undefined}>
          <strong>{backlog.emergencies.unacknowledged}</strong>
        </dd>
      </dl>
      {backlog.rows.length === 0 ? (
        <p class="c-empty">{t('kpis.noBacklog')}</p>
      ) : (
        <>
          <StackedColumns
            id="backlog-chart"
            title={t('kpis.backlogChart')}
            desc={buckets.map((b) => `${t(`kpis.age-${b}`)}: ${count(b)}`).join('; ')}
            categories={buckets.map((b) => t(`kpis.age-${b}`))}
            series={statuses.map((s) => ({ values: buckets.map((b) => count(b, s)) }))}
            max={max}
          />
          <Legend names={statuses.map((s) => t(`status.${s}`))} />
          <details class="c-kpi-table">
            <summary>{t('kpis.asTable')}</summary>
            <table class="c-table">
              <thead>
                <tr>
                  <th scope="col">{t('kpis.status')}</th>
                  {buckets.map((b) => (
                    <th scope="col">{t(`kpis.age-${b}`)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {statuses.map((s) => (
                  <tr data-status={s}>
                    <th scope="row">{t(`status.${s}`)}</th>
                    {buckets.map((b) => (
                      <td data-label={t(`kpis.age-${b}`)}>{count(b, s)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </Panel>
  );
}

function Contacts({ page, view, contacts }: { page: TConsolePage; view: TKpisView; contacts: TContactsKpi }) {
  const { t } = page;
  const hourly = contacts.period.granularity === 'hour';
  const format = new Intl.DateTimeFormat(page.language, {
    timeZone: view.timeZone,
    ...(hourly
      ? { hour: '2-digit', minute: '2-digit', day: 'numeric', month: 'short' }
      : { day: 'numeric', month: 'short' }),
  });
  // Every hour or day of the period (the zones of the profiles keep no DST), empty ones at 0.
  const step = { hour: 3_600_000, day: 86_400_000 }[contacts.period.granularity as 'hour' | 'day'];
  const from = Date.parse(contacts.period.from);
  const to = Date.parse(contacts.period.to);
  const buckets =
    step && contacts.series.length && (to - from) / step <= 800
      ? Array.from({ length: Math.ceil((to - from) / step) }, (_, i) =>
          new Date(from + i * step).toISOString(),
        )
      : [...new Set(contacts.series.map((p) => p.bucket))].sort();
  const channels = contacts.channels.map((c) => c.channel);
  const value = (bucket: string, channel: string) =>
    contacts.series.find((p) => p.bucket === bucket && p.channel === channel)?.contacts ?? 0;
  const channelName = (c: string) => t(`kpis.channel-${c}`);
  return (
    <Panel
      title={t('kpis.contactsTitle')}
      id="contacts"
      actions={<Csv page={page} view={view} name="contacts" />}
    >
      <dl class="c-facts c-kpi-totals">
        <dt>{t('kpis.contacts')}</dt>
        <dd>
          <strong>{contacts.total.contacts}</strong>{' '}
          <span class="c-muted">
            {t('kpis.mix', {
              lookUps: percent(page, contacts.total.lookUpShare),
              complaints: percent(page, contacts.total.complaintShare),
              requests: percent(page, contacts.total.requestShare),
            })}
          </span>
        </dd>
      </dl>
      {buckets.length === 0 ? (
        <p class="c-empty">{t('kpis.noContacts')}</p>
      ) : (
        <>
          <Lines
            id="contacts-chart"
            title={t(hourly ? 'kpis.contactsChartHour' : 'kpis.contactsChartDay')}
            desc={contacts.channels.map((c) => `${channelName(c.channel)}: ${c.contacts}`).join('; ')}
            labels={buckets.map((b) => format.format(new Date(b)))}
            series={channels.map((c) => ({ values: buckets.map((b) => value(b, c)) }))}
          />
          <Legend names={channels.map(channelName)} />
        </>
      )}
      <details class="c-kpi-table">
        <summary>{t('kpis.byChannel')}</summary>
        <table class="c-table c-kpi-channels">
          <thead>
            <tr>
              <th scope="col">{t('kpis.channel')}</th>
              <th scope="col">{t('kpis.contacts')}</th>
              <th scope="col">{t('kpis.lookUps')}</th>
              <th scope="col">{t('kpis.complaints')}</th>
              <th scope="col">{t('kpis.requests')}</th>
            </tr>
          </thead>
          <tbody>
            {contacts.channels.map((c) => (
              <tr data-channel={c.channel}>
                <th scope="row">{channelName(c.channel)}</th>
                <td data-label={t('kpis.contacts')}>{c.contacts}</td>
                <td data-label={t('kpis.lookUps')}>{percent(page, c.lookUpShare)}</td>
                <td data-label={t('kpis.complaints')}>{percent(page, c.complaintShare)}</td>
                <td data-label={t('kpis.requests')}>{percent(page, c.requestShare)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </Panel>
  );
}

function Notices({ page, view, notices }: { page: TConsolePage; view: TKpisView; notices: TNoticesKpi }) {
  const { t } = page;
  return (
    <Panel
      title={t('kpis.noticesTitle')}
      id="notices"
      actions={<Csv page={page} view={view} name="notices" />}
    >
      {notices.channels.length === 0 ? (
        <p class="c-empty">{t('kpis.noNotices')}</p>
      ) : (
        <table class="c-table">
          <thead>
            <tr>
              <th scope="col">{t('kpis.firstChannel')}</th>
              <th scope="col">{t('kpis.notices')}</th>
              <th scope="col">{t('kpis.deliveryRate')}</th>
              <th scope="col">{t('kpis.fellBack')}</th>
              <th scope="col">{t('kpis.pending')}</th>
            </tr>
          </thead>
          <tbody>
            {notices.channels.map((c) => (
              <tr data-channel={c.channel}>
                <th scope="row">{t(`kpis.channel-${c.channel}`)}</th>
                <td data-label={t('kpis.notices')}>{c.notices}</td>
                <td data-label={t('kpis.deliveryRate')}>{percent(page, c.deliveryRate)}</td>
                <td data-label={t('kpis.fellBack')}>{c.fellBack}</td>
                <td data-label={t('kpis.pending')}>{c.pending}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

function Campaigns({
  page,
  view,
  campaigns,
}: {
  page: TConsolePage;
  view: TKpisView;
  campaigns: TCampaignsKpi;
}) {
  const { t } = page;
  return (
    <Panel
      title={t('kpis.campaignsTitle')}
      id="campaigns"
      actions={<Csv page={page} view={view} name="campaigns" />}
    >
      {campaigns.campaigns.length === 0 ? (
        <p class="c-empty">{t('kpis.noCampaigns')}</p>
      ) : (
        <table class="c-table">
          <thead>
            <tr>
              <th scope="col">{t('kpis.campaign')}</th>
              <th scope="col">{t('kpis.recipients')}</th>
              <th scope="col">{t('kpis.sent')}</th>
              <th scope="col">{t('kpis.delivered')}</th>
              <th scope="col">{t('kpis.callsMade')}</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.campaigns.map((c) => (
              <tr data-campaign={c.id}>
                <th scope="row">
                  <a href={`/console/campaigns/${c.id}`}>{c.id}</a>
                </th>
                <td data-label={t('kpis.recipients')}>{c.recipients}</td>
                <td data-label={t('kpis.sent')}>{c.sent}</td>
                <td data-label={t('kpis.delivered')}>
                  {c.delivered} <span class="c-muted">({percent(page, c.deliveryRate)})</span>
                </td>
                <td data-label={t('kpis.callsMade')}>{c.callsMade}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/**
 * The KPI dashboard (#17) for supervisors, executives, ops and admin: SLA compliance, the backlog,
 * inbound contacts, outbound notices and campaigns of a period and an office, as charts where a
 * person would rather look, each with its figures as a table and its CSV.
 */
export function KpisPage({ page, view }: { page: TConsolePage; view: TKpisView }) {
  const { t } = page;
  const f = view.figures;
  return (
    <ConsoleLayout page={page} title={t('kpis.title')}>
      <div class="c-title-row">
        <div>
          <h1>{t('kpis.title')}</h1>
          <p class="c-muted c-lead">{t('kpis.lead')}</p>
        </div>
      </div>
      <form
        method="get"
        action="/console/kpis"
        class="c-filters c-kpi-filters"
        aria-label={t('kpis.filters')}
      >
        <div class="c-field">
          <label for="kpi-from">{t('kpis.from')}</label>
          <input type="date" id="kpi-from" name="from" value={view.form.from} />
        </div>
        <div class="c-field">
          <label for="kpi-to">{t('kpis.to')}</label>
          <input type="date" id="kpi-to" name="to" value={view.form.to} />
        </div>
        <div class="c-field">
          <label for="kpi-office">{t('kpis.office')}</label>
          <select id="kpi-office" name="officeId">
            <option value="" selected={view.form.officeId === ''}>
              {t('kpis.myOffices')}
            </option>
            {view.offices.map((o) => (
              <option value={o.id} selected={view.form.officeId === o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div class="c-field">
          <label for="kpi-granularity">{t('kpis.granularity')}</label>
          <select id="kpi-granularity" name="granularity">
            {GRANULARITIES.map((g) => (
              <option value={g} selected={view.form.granularity === g}>
                {t(`kpis.granularity-${g}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="c-button">
          {t('kpis.apply')}
        </button>
      </form>
      <FormFailure failure={view.failure} form="kpis" />
      {f ? (
        <div class="c-kpi-grid">
          <Sla page={page} view={view} sla={f.sla} />
          <Backlog page={page} view={view} backlog={f.backlog} />
          <Contacts page={page} view={view} contacts={f.contacts} />
          <Notices page={page} view={view} notices={f.notices} />
          <Campaigns page={page} view={view} campaigns={f.campaigns} />
        </div>
      ) : null}
    </ConsoleLayout>
  );
}

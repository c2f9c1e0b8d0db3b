import { sql } from 'drizzle-orm';
import type { BusinessFigures } from '../lib/metrics';
import type { Database } from './client';

/**
 * The business gauges of GET /metrics, read on each scrape in one round trip. Each part walks a
 * partial index of open rows only (db/migrations/0029_metrics_indexes.sql), so a scrape costs
 * what the backlog holds, not what the years of closed items do.
 */
export async function readBusinessFigures(db: Database, claimLeaseMs: number): Promise<BusinessFigures> {
  const rows = await db.execute<{ part: string; key: string; n: number }>(sql`
    select 'open' as part, 'service_request:' || status as key, count(*)::int as n
      from service_requests where status in ('in-progress', 'awaiting-consumer') group by status
    union all
    select 'open', 'complaint:' || status, count(*)::int
      from complaints where status <> 'closed' group by status
    union all
    select 'breached', 'service_request', count(*)::int
      from service_requests where status = 'in-progress' and due_at < now()
    union all
    select 'breached', 'complaint', count(*)::int
      from complaints where status in ('open', 'assigned') and status <> 'closed' and due_at < now()
    union all
    select 'stuck', channel, count(*)::int
      from channel_messages
      where status = 'processing' and claimed_at < now() - ${`${claimLeaseMs} milliseconds`}::interval
      group by channel
    union all
    select 'inbox', 'depth', count(*)::int from workflow_inbox
    union all
    select 'inbox', 'oldest', coalesce(extract(epoch from now() - min(created_at)), 0)::int from workflow_inbox`);
  const figures: BusinessFigures = { open: [], breached: [], stuckClaims: [], inbox: { depth: 0, oldestSeconds: 0 } };
  for (const r of rows) {
    if (r.part === 'open') {
      const [kind, status] = r.key.split(':') as ['service_request' | 'complaint', string];
      figures.open.push({ kind, status, n: r.n });
    } else if (r.part === 'inbox') {
      if (r.key === 'depth') figures.inbox.depth = r.n;
      else figures.inbox.oldestSeconds = r.n;
    } else if (r.part === 'breached')
      figures.breached.push({ kind: r.key as 'service_request' | 'complaint', n: r.n });
    else figures.stuckClaims.push({ channel: r.key, n: r.n });
  }
  return figures;
}

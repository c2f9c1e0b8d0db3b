import { and, eq, inArray, like, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Database } from './client';
import { consumers } from './schema';

/** How a caller is found: what the agent typed, as the search read it. */
export type TCallerQuery =
  | { by: 'consumer-number'; consumerNumber: string }
  | { by: 'consumer-number-prefix'; prefix: string }
  | { by: 'phone'; phone: string }
  | { by: 'name-address'; words: string[] };

export type TCallerHit = {
  consumerNumber: string;
  name: string;
  address: string;
  phone: string;
  sectionOfficeId: string;
  lifeSupport: boolean;
  /** how well it matched, 0…1 (1: an exact number or phone) */
  score: number;
};

/** A word needs this much of itself found in the name or the address (pg_trgm word similarity). */
export const WORD_MATCH = 0.45;

/** Up to this many matches each is scored and the best come first; past it the search says "more than". */
export const RANK_ALL = 500;
/** The higher bars a search with more than RANK_ALL matches is asked again with. */
const CLOSER = [0.6, 0.75, 1];

/**
 * Consumers the query finds, best first, one page and the total: an exact consumer number, a
 * number's first digits, a registered phone (E.164), or words of the name and address — every
 * word found (typos and all) in the one text of both (`consumers.search_text`, its GIN trigram
 * index; pg_trgm's `<%` with the word-similarity threshold set for the transaction). `within`: the
 * offices whose consumers the caller may see, read first as a list of ids so that the planner
 * sees how many consumers they hold (as a subquery it guessed two offices, walked the office's
 * consumers and tried every word on each: 0.6 s at 100,000).
 *
 * Best first: the words' mean similarity to the name and address, and the whole phrase's to the
 * name, so that a word found in the name counts more than one in the street. Past RANK_ALL
 * matches (a common first name alone) scoring each would cost more than the page is worth: the
 * search is asked again with a higher word-similarity bar (CLOSER) until no more than RANK_ALL
 * are left, those are ranked, and `more` says there were more (`total`: how many are ranked, at
 * most RANK_ALL).
 */
export async function searchConsumers(
  db: Database,
  query: TCallerQuery,
  options: { within?: SQLWrapper & PromiseLike<{ id: string }[]>; page: number; pageSize: number },
): Promise<{ items: TCallerHit[]; total: number; more?: true }> {
  const officeIds = options.within ? (await options.within).map((o) => o.id) : undefined;
  if (officeIds && !officeIds.length) return { items: [], total: 0 };
  const scope: SQL[] = officeIds ? [inArray(consumers.sectionOfficeId, officeIds)] : [];
  const columns = {
    consumerNumber: consumers.consumerNumber,
    name: consumers.name,
    address: consumers.address,
    phone: consumers.phone,
    sectionOfficeId: consumers.sectionOfficeId,
    lifeSupport: consumers.lifeSupport,
  };
  const offset = (options.page - 1) * options.pageSize;
  if (query.by !== 'name-address') {
    const where =
      query.by === 'consumer-number'
        ? eq(consumers.consumerNumber, query.consumerNumber)
        : query.by === 'phone'
          ? eq(consumers.phone, query.phone)
          : like(consumers.consumerNumber, `${query.prefix}%`);
    const rows = await db
      .select({ ...columns, total: sql<number>`count(*) over ()`.mapWith(Number) })
      .from(consumers)
      .where(and(where, ...scope))
      .orderBy(consumers.consumerNumber)
      .limit(options.pageSize)
      .offset(offset);
    return {
      items: rows.map(({ total: _total, ...r }) => ({ ...r, score: 1 })),
      total: rows[0]?.total ?? 0,
    };
  }
  const words = query.words;
  // Every word in the name or the address: one GIN index condition each, ANDed by the planner.
  const where = and(...words.map((w) => sql`${w} <% ${consumers.searchText}`), ...scope);
  const phrase = words.join(' ');
  const scoreOf = (text: SQLWrapper, name: SQLWrapper) =>
    sql<number>`((${sql.join(
      words.map((w) => sql`word_similarity(${w}, ${text})`),
      sql` + `,
    )}) / ${words.length} * 0.7 + 0.3 * similarity(lower(${name}), ${phrase}))`;
  return db.transaction(async (tx) => {
    /** The matches at a threshold, no more than RANK_ALL + 1 of them (the index's bitmap, rechecked until then), each scored. */
    const rankAt = async (threshold: number) => {
      await tx.execute(
        sql`select set_config('pg_trgm.word_similarity_threshold', ${String(threshold)}, true)`,
      );
      const found = tx
        .select({ ...columns, searchText: consumers.searchText })
        .from(consumers)
        .where(where)
        .limit(RANK_ALL + 1)
        .as('found');
      const score = scoreOf(found.searchText, found.name);
      const ranked = await tx
        .select({
          consumerNumber: found.consumerNumber,
          name: found.name,
          address: found.address,
          phone: found.phone,
          sectionOfficeId: found.sectionOfficeId,
          lifeSupport: found.lifeSupport,
          score: score.mapWith(Number),
          total: sql<number>`count(*) over ()`.mapWith(Number),
        })
        .from(found)
        .orderBy(sql`${score} desc`, found.consumerNumber)
        .limit(options.pageSize)
        .offset(offset);
      // A page past the last: the count alone.
      const total =
        ranked[0]?.total ??
        (offset === 0
          ? 0
          : ((await tx.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(found))[0]?.n ?? 0));
      return {
        items: ranked.map(({ total: _total, ...r }) => ({ ...r, score: Math.round(r.score * 100) / 100 })),
        total,
      };
    };
    const all = await rankAt(WORD_MATCH);
    if (all.total <= RANK_ALL) return all;
    // Too many to score each (a common name alone, or a slip that fits many): the best are among
    // those whose every word is closer, so ask again with a higher bar until few enough are left.
    let best = all;
    for (const threshold of CLOSER) {
      const closer = await rankAt(threshold);
      if (closer.total === 0) break;
      best = closer;
      if (closer.total <= RANK_ALL) break;
    }
    return { items: best.items, total: Math.min(best.total, RANK_ALL), more: true };
  });
}

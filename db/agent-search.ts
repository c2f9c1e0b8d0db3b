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

/**
 * Consumers the query finds, best first, one page and the total: an exact consumer number, a
 * number's first digits, a registered phone (E.164), or words of the name and address — every
 * word found (typos and all) in one or the other, through the GIN trigram indexes on
 * `consumers.name` and `consumers.address` (pg_trgm's `<%`, with the word-similarity threshold
 * set for the transaction). `within`: the offices whose consumers the caller may see.
 */
export async function searchConsumers(
  db: Database,
  query: TCallerQuery,
  options: { within?: SQLWrapper; page: number; pageSize: number },
): Promise<{ items: TCallerHit[]; total: number }> {
  const scope: SQL[] = options.within ? [inArray(consumers.sectionOfficeId, options.within)] : [];
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
  // Every word in the name or the address; the score favours the name, then the whole phrase.
  const matches = words.map((w) => sql`(${w} <% ${consumers.name} or ${w} <% ${consumers.address})`);
  const perWord = words.map(
    (w) =>
      sql`greatest(word_similarity(${w}, ${consumers.name}), 0.8 * word_similarity(${w}, ${consumers.address}))`,
  );
  const phrase = words.join(' ');
  const score = sql<number>`((${sql.join(perWord, sql` + `)}) / ${words.length} * 0.8 + 0.2 * similarity(${consumers.name}, ${phrase}))`;
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('pg_trgm.word_similarity_threshold', ${String(WORD_MATCH)}, true)`,
    );
    const rows = await tx
      .select({
        ...columns,
        score: score.mapWith(Number),
        total: sql<number>`count(*) over ()`.mapWith(Number),
      })
      .from(consumers)
      .where(and(...matches, ...scope))
      .orderBy(sql`${score} desc`, consumers.consumerNumber)
      .limit(options.pageSize)
      .offset(offset);
    return {
      items: rows.map(({ total: _total, ...r }) => ({ ...r, score: Math.round(r.score * 100) / 100 })),
      total: rows[0]?.total ?? 0,
    };
  });
}

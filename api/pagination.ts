import { z } from '@hono/zod-openapi';

/** The query of a paged list: `page` from 1, `pageSize` up to 200. */
export const ZPageQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
};

/** One page of a list, as every paged route answers it. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no extra fields by default
export const pageOf = <T extends z.ZodType, E extends z.ZodRawShape = {}>(item: T, extra?: E) =>
  z.object({
    items: z.array(item),
    ...(extra as E),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  });

/** Seek pagination beside the page number: `after` is the `next` of the page before. */
export const ZCursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,400}$/)
  .optional()
  .openapi({
    description:
      "the `next` of the previous answer: the page after it, found through the queue's index (deep pages cost what the first does); `page` is then not used to find the rows",
  });

/** The cursor of the following page, null on the last one (and for orders paged by number only). */
export const ZNext = z.string().nullable().openapi({
  description: 'pass as `after` for the following page; null on the last page',
});

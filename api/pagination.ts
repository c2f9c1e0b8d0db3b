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

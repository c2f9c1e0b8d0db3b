import { sql } from 'drizzle-orm';

/**
 * A list of strings as one `text[]` bind parameter (sent as JSON), for `= any(…)` and `&&`.
 * Interpolating the list into `sql` makes one parameter per element, and PostgreSQL's protocol
 * stops at 65,535 of them: a campaign's uploaded list can be longer.
 */
export const textArray = (values: readonly string[]) =>
  sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;

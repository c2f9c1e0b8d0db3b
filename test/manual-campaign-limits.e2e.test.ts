import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textArray } from '../db/sql-arrays';
import { DomainProblem } from '../domain/failures';
import { previewManualCampaign, TARGETS_MAX } from '../use-cases/manual-campaigns';
import { startTestStack, type TestStack } from './helpers/stack';

/**
 * The size of a manual campaign's lists: the console hands the use case whatever was uploaded, so
 * the use case holds the limits the API's schema states, and a long list is one bind parameter.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ worker: false });
});
afterAll(async () => stack?.stop());

describe('manual campaign lists', () => {
  it('a list longer than a statement may have parameters is one parameter', async () => {
    const many = Array.from({ length: 70_000 }, (_, i) => `N${i}`);
    const [row] = await stack.db.execute<{ n: number; last: string; none: number }>(
      sql`select cardinality(${textArray(many)})::int as n, (${textArray(many)})[70000] as last,
                 cardinality(${textArray([])})::int as none`,
    );
    expect(row).toEqual({ n: 70_000, last: 'N69999', none: 0 });
  });

  it('more consumer numbers than a campaign may name are refused, naming the field', async () => {
    const principal = {
      kind: 'staff' as const,
      subject: 'disp-limits',
      role: 'dispatcher' as const,
      officeId: 'circle-ekm',
    };
    const numbers = Array.from({ length: TARGETS_MAX.consumerNumbers + 1 }, (_, i) =>
      String(1_000_000_000_000 + i),
    );
    const refused = await previewManualCampaign(
      { db: stack.db, config: stack.config, temporal: stack.client },
      principal as never,
      { title: 'Too many', template: 'campaign-safety-advisory', targets: { consumerNumbers: numbers } },
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainProblem);
    expect((refused as DomainProblem).details.errors).toEqual([
      { field: 'targets.consumerNumbers', message: `at most ${TARGETS_MAX.consumerNumbers}` },
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { createDataConverter } from '../lib/temporal';
import { readHistories } from './helpers/histories';
import { testConfig } from './helpers/stack';

/**
 * Runs in flight when new workflow code is deployed must replay under it. These histories were
 * recorded by the end-to-end tests of earlier versions (see test/histories/README.md); replaying
 * them with today's bundle fails on any non-deterministic change that lacks a `patched()` guard.
 */
describe('workflow code stays replay-compatible', () => {
  for (const [kind, minimum] of [
    ['service-request', 10],
    ['complaint', 2],
    ['campaign', 3],
    ['notice', 8],
  ] as const) {
    it(`replays every saved ${kind} history`, async () => {
      const results = [];
      for await (const result of Worker.runReplayHistories(
        {
          workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
          dataConverter: createDataConverter(testConfig()),
        },
        readHistories(`test/histories/${kind}`),
      )) {
        results.push({ workflowId: result.workflowId, error: result.error?.message });
      }
      expect(results.length).toBeGreaterThanOrEqual(minimum);
      expect(results.filter((r) => r.error)).toEqual([]);
    });
  }
});

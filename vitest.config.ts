import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal native bridge wants real processes, not worker threads.
    pool: 'forks',
    globalSetup: ['./test/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // 2-core machines: two test files at a time next to the Temporal server and Postgres.
    maxWorkers: 2,
  },
});

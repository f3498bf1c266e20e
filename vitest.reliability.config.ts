import { defineConfig } from 'vitest/config';

// The reliability suites (test/reliability): faults injected into Postgres, NATS and service processes, and a steady
// five-minute load. One file at a time, after the rest of make test, so that no suite's faults or load land on another.
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});

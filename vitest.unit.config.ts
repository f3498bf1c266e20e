import { defineConfig } from 'vitest/config';

// The unit tier: business rules over in-memory repositories and pure functions. No Postgres, no NATS, no global setup;
// `make test` runs it first.
export default defineConfig({
  test: {
    include: ['shared/**/*.unit.test.ts', 'services/*/src/**/*.unit.test.ts'],
    testTimeout: 10_000,
  },
});

import { defineConfig } from 'vitest/config';

// The unit tier: business rules over in-memory repositories and pure functions. No Postgres, no NATS, no global setup;
// `make test` runs it first.
export default defineConfig({
  test: {
    include: ['shared/**/*.unit.test.ts', 'services/*/src/**/*.unit.test.ts', 'deploy/**/*.unit.test.ts', 'bench/**/*.unit.test.ts'],
    // Every API answer is checked against the schema its route declares (shared/http/api-router.ts).
    env: { PORTCULLIS_CHECK_RESPONSES: '1' },
    testTimeout: 10_000,
  },
});

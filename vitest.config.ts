import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Every API answer is checked against the schema its route declares (shared/http/api-router.ts).
    env: { PORTCULLIS_CHECK_RESPONSES: '1' },
    include: ['shared/**/*.test.ts', 'services/*/src/**/*.test.ts', 'deploy/**/*.test.ts', 'bench/**/*.test.ts', 'test/**/*.test.ts'],
    // test/reliability runs on its own, one file at a time (vitest.reliability.config.ts); *.unit.test.ts is the unit
    // tier, run first and without infrastructure (vitest.unit.config.ts).
    exclude: ['**/node_modules/**', 'test/reliability/**', '**/*.unit.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const SERVICES = ['identity', 'tenancy', 'sharing', 'audit', 'authz', 'console'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.dev/**', 'coverage/**', 'services/console/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  // A service never imports another's code: what they share is in @portcullis/shared (contracts) or goes over NATS.
  ...SERVICES.map((name) => ({
    files: [`services/${name}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: SERVICES.filter((other) => other !== name).flatMap((other) => [`**/${other}/src/**`, `**/services/${other}/**`]),
              message: 'A service never imports another service: put the contract in @portcullis/shared/contracts, or ask over NATS.',
            },
          ],
        },
      ],
    },
  })),
  {
    // Shared code knows no service (its tests may start real services through the test harness).
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/services/**', '**/deploy/**', '**/test/**', '**/bench/**', '@portcullis/identity', '@portcullis/tenancy', '@portcullis/sharing', '@portcullis/audit', '@portcullis/authz'], message: 'Shared code knows no service.' }] },
      ],
    },
  },
  {
    // The console's React code: the rules of hooks (the React Compiler's stricter rules are for code the compiler builds).
    files: ['services/console/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // Dev, CLI and benchmark scripts talk to a human on the terminal.
    files: ['deploy/**/*.ts', '**/cli/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);

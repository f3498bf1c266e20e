import { createRequire } from 'node:module';

/**
 * node-casbin, loaded from its CommonJS build. Its ESM build copies the matcher context for every rule with a
 * downleveled object spread (a defineProperty per key); measured here, the CommonJS build's Object.assign made each
 * decision about a third cheaper. Types still come from the package's declarations.
 */
export const casbin = createRequire(import.meta.url)('casbin') as typeof import('casbin');

export { tenantDomain, type Authorizer, type Domain } from './authorizer.js';
export { authorize } from './guard.js';
export { CasbinAuthorizer } from './casbin-authorizer.js';
export { PolicyEngine, PolicyUnavailable, policyChangedSubject, type PolicyEngineOptions, type Explanation } from './policy-engine.js';
export { GrantWriter, type Grant } from './grant-writer.js';
export { buildEnforcer, domainMatch, objectMatch } from './enforcer-factory.js';
export * from './policy-files.js';
export * from './policy-store.js';
export { migrateAdapterTable, openAdapter } from './adapter-table.js';

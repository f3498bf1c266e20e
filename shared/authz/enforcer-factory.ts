import type { Enforcer } from 'casbin';
import { casbin } from './casbin.js';

/** "tenant:*" covers every tenant domain, "*" every domain; otherwise domains must be equal. */
export function domainMatch(requestDomain: string, policyDomain: string): boolean {
  if (policyDomain === '*' || policyDomain === requestDomain) return true;
  return policyDomain.endsWith(':*') && requestDomain.startsWith(policyDomain.slice(0, -1));
}

/** "document" covers the type and each resource of it ("document:42"); "*" covers everything. */
export function objectMatch(requestObject: string, policyObject: string): boolean {
  return policyObject === '*' || requestObject === policyObject || requestObject.startsWith(`${policyObject}:`);
}

/** domainMatch with the policy side fixed, precomputed for the decider's hot path (no allocation per call). */
export function domainMatcher(policyDomain: string): (requestDomain: string) => boolean {
  if (policyDomain === '*') return () => true;
  if (!policyDomain.endsWith(':*')) return (requestDomain) => requestDomain === policyDomain;
  const prefix = policyDomain.slice(0, -1);
  return (requestDomain) => requestDomain === policyDomain || requestDomain.startsWith(prefix);
}

/** objectMatch with the policy side fixed, precomputed likewise. */
export function objectMatcher(policyObject: string): (requestObject: string) => boolean {
  if (policyObject === '*') return () => true;
  const prefix = `${policyObject}:`;
  return (requestObject) => requestObject === policyObject || requestObject.startsWith(prefix);
}

/**
 * Builds a fresh enforcer holding exactly these rules, without an adapter: it is only ever read and changed in
 * memory; Postgres is written by the grant writer and the apply command, never by an enforcer.
 */
export async function buildEnforcer(modelText: string, pRules: string[][], gRules: string[][]): Promise<Enforcer> {
  const enforcer = await casbin.newEnforcer(casbin.newModelFromString(modelText));
  enforcer.enableAutoSave(false);
  await enforcer.addFunction('domainMatch', (a: string, b: string) => domainMatch(a, b));
  await enforcer.addFunction('objectMatch', (a: string, b: string) => objectMatch(a, b));
  const model = enforcer.getModel();
  // Bulk: model.addPolicies checks each rule against all others (quadratic); the rows are unique in Postgres.
  model.model.get('p')!.get('p')!.policy = pRules;
  model.model.get('g')!.get('g')!.policy = gRules;
  await enforcer.buildRoleLinks();
  return enforcer;
}

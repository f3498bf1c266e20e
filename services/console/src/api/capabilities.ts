import type { CheckBatchResult } from '@portcullis/shared/contracts/views';
import { call } from './client';

/** What the signed-in user may do on the platform, asked of authz (the console shows only what would be allowed). */
export interface Capabilities {
  createTenants: boolean;
  readUsers: boolean;
  impersonate: boolean;
  readImpersonations: boolean;
  readAudit: boolean;
  readPolicy: boolean;
}

/** Named questions for authz: [name, object, action]. */
export type Questions<T> = [keyof T, string, string][];

/** Asks authz all of them in one batch check (in a tenant, or the platform) and names each answer. */
export async function askAll<T>(questions: Questions<T>, tenantId?: string): Promise<T> {
  const answer = await call<CheckBatchResult>('POST', '/authz/v1/check/batch', {
    body: { checks: questions.map(([, object, action]) => ({ ...(tenantId ? { tenant_id: tenantId } : {}), object, action })) },
  });
  return Object.fromEntries(questions.map(([name], index) => [name, answer.results[index]?.allowed ?? false])) as T;
}

const ASKED: Questions<Capabilities> = [
  ['createTenants', 'tenant', 'create'],
  ['readUsers', 'users', 'read'],
  ['impersonate', 'users', 'impersonate'],
  ['readImpersonations', 'impersonation', 'read'],
  ['readAudit', 'audit', 'read'],
  ['readPolicy', 'policy', 'read'],
];

export const loadCapabilities = (): Promise<Capabilities> => askAll(ASKED);

import type { CheckResult, PermissionList, SubjectList } from '@portcullis/shared/contracts/views';
import { call } from './client';

export interface CheckRequest {
  /** A user id or `share:<id>`; omitted, the caller. Another subject needs platform admin. */
  subject?: string;
  /** Omitted, the platform domain. */
  tenant_id?: string;
  /** A resource type (`tenant`, `document`, ...) or one resource `<type>:<id>`. */
  object: string;
  action: string;
}

/**
 * The answer to a check. `reason.matched_policy`: the policy line that decided, field by field (role, domain, object,
 * action, effect); `reason.via_roles`: `role@domain`.
 */
export type Decision = CheckResult;

export type { PermissionList };
export type Permission = PermissionList['items'][number];

/** Who may do something in a tenant, and by which roles. */
export type { SubjectList };

function tenantQuery(tenantId?: string): string {
  return tenantId ? `?${new URLSearchParams({ tenant_id: tenantId })}` : '';
}

/** The policy decision point. */
export const authz = {
  check: (request: CheckRequest) => call<Decision>('POST', '/authz/v1/check', { body: request }),
  permissions: (userId: string, tenantId?: string) =>
    call<PermissionList>('GET', `/authz/v1/subjects/${encodeURIComponent(userId)}/permissions${tenantQuery(tenantId)}`),
  subjectsWho: (tenantId: string, object: string, action: string) =>
    call<SubjectList>('GET', `/authz/v1/tenants/${encodeURIComponent(tenantId)}/subjects?${new URLSearchParams({ object, action })}`),
};

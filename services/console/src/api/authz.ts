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

export interface Decision {
  allowed: boolean;
  reason: {
    /** The policy line that decided, field by field (role, domain, object, action, effect). */
    matched_policy?: string[];
    /** `role@domain` */
    via_roles?: string[];
  };
}

export interface Permission {
  object: string;
  action: string;
}

function tenantQuery(tenantId?: string): string {
  return tenantId ? `?${new URLSearchParams({ tenant_id: tenantId })}` : '';
}

/** The policy decision point. */
export const authz = {
  check: (request: CheckRequest) => call<Decision>('POST', '/authz/v1/check', { body: request }),
  permissions: (userId: string, tenantId?: string) =>
    call<{ items: Permission[] }>('GET', `/authz/v1/subjects/${encodeURIComponent(userId)}/permissions${tenantQuery(tenantId)}`),
  subjectsWho: (tenantId: string, object: string, action: string) =>
    call<{ items: { subject: string; roles: string[] }[] }>(
      'GET',
      `/authz/v1/tenants/${encodeURIComponent(tenantId)}/subjects?${new URLSearchParams({ object, action })}`,
    ),
};

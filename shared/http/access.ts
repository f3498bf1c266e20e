import type { Middleware } from 'koa';

/** A route the policy decides: `object` and `action`, in the tenant named by a path parameter or on the platform. */
export interface Permission {
  object: string;
  action: string;
  /** The path parameter naming the tenant (the policy decides in `tenant:<id>`); none: the platform domain. */
  tenant?: string;
  /**
   * The path parameter naming a user, where the caller acting on itself (`me` or its own id) needs only to see the
   * tenant (`tenant read`), not the permission: leaving a tenant.
   */
  self?: string;
}

/**
 * Who may call a route, declared once in its spec: the service's router installs the guard from it, the gateway's route
 * table (policies/routes.yaml) is generated from it, and the OpenAPI document lists its 401/403/404 answers from it.
 *
 * - `public`: no token.
 * - `authenticated`: any valid access token; the service scopes the answer to the caller.
 * - `grant-tokens`: like `authenticated`, and a share link's grant token is accepted (authz's check routes).
 * - `{ ownAccount: action }`: the caller's own account; the policy decides for its kind of session (`sessions` rules).
 * - a Permission: the policy decides.
 */
export type Access = 'public' | 'authenticated' | 'grant-tokens' | { ownAccount: string } | Permission;

/** Turns a route's access into its guards (authentication first); see shared/authz/access-guards.ts. */
export type AccessGuards = (access: Access) => Middleware[];

export const isPermission = (access: Access): access is Permission => typeof access === 'object' && 'object' in access;
export const isOwnAccount = (access: Access): access is { ownAccount: string } => typeof access === 'object' && 'ownAccount' in access;

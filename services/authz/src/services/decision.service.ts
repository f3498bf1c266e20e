import type { Principal } from '@portcullis/shared/auth';
import { tenantDomain, type Domain, type PolicyEngine, type Vocabulary } from '@portcullis/shared/authz';
import { Forbidden, InvalidRequest, ServiceUnavailable } from '@portcullis/shared/http';
import { PolicyUnavailable } from '@portcullis/shared/authz';

export interface CheckRequest {
  subject?: string;
  tenant_id?: string;
  object: string;
  action: string;
}

export interface CheckResult {
  allowed: boolean;
  reason: { matched_policy?: string[]; via_roles?: string[] };
}

/** Answers "may this subject do this?" from the central policy, for gateways and other services' callers. */
export class DecisionService {
  constructor(
    private readonly engine: PolicyEngine,
    private readonly vocabulary: Vocabulary,
  ) {}

  check(caller: Principal, request: CheckRequest): CheckResult {
    return this.failClosed(() => {
      this.assertMayAskAbout(caller, request.subject);
      const subject = request.subject ?? caller.user_id;
      this.assertNotRoleName(subject);
      const domain: Domain = request.tenant_id ? tenantDomain(request.tenant_id) : 'platform';
      const explanation = this.engine.explain(subject, domain, request.object, request.action);
      return {
        allowed: explanation.allowed,
        reason: {
          ...(explanation.matched_policy ? { matched_policy: explanation.matched_policy } : {}),
          ...(explanation.via_roles.length ? { via_roles: explanation.via_roles.map((r) => `${r.role}@${r.domain}`) } : {}),
        },
      };
    });
  }

  /** Each allowed `{object, action}` of the vocabulary for a user in a domain. */
  permissions(caller: Principal, userId: string, tenantId?: string): { object: string; action: string }[] {
    return this.failClosed(() => {
      this.assertMayAskAbout(caller, userId);
      const domain: Domain = tenantId ? tenantDomain(tenantId) : 'platform';
      return Object.entries(this.vocabulary.objects).flatMap(([object, actions]) =>
        actions.filter((action) => this.engine.enforce(userId, domain, object, action)).map((action) => ({ object, action })),
      );
    });
  }

  /** Who may do `action` to `object` in a tenant: its members whose roles allow it, and platform role holders. */
  subjectsWho(tenantId: string, object: string, action: string): { subject: string; roles: string[] }[] {
    return this.failClosed(() => {
      // The route's access (`members read` in the tenant) has let the caller ask.
      const domain = tenantDomain(tenantId);
      const candidates = new Map<string, string[]>();
      for (const grant of [...this.engine.grantsIn(domain), ...this.engine.grantsIn('platform')]) {
        candidates.set(grant.subject, [...(candidates.get(grant.subject) ?? []), grant.role]);
      }
      return [...candidates.entries()]
        .filter(([subject]) => this.engine.enforce(subject, domain, object, action))
        .map(([subject, roles]) => ({ subject, roles }))
        .sort((a, b) => a.subject.localeCompare(b.subject));
    });
  }

  /**
   * A subject spelled like a role would be decided by Casbin as holding that role; the decider never decides for one.
   * Say so rather than answer a quiet "no".
   */
  private assertNotRoleName(subject: string): void {
    if (this.engine.isRoleName(subject)) {
      throw new InvalidRequest(`"${subject}" is the name of a role, not a subject: ask about a user (or a session kind).`, [{ path: 'body.subject', message: 'is a role name' }]);
    }
  }

  private assertMayAskAbout(caller: Principal, subject?: string): void {
    if (subject === undefined || subject === caller.user_id) return;
    if (!this.engine.enforce(caller.user_id, 'platform', 'policy', 'explain')) {
      throw new Forbidden('Only platform administrators may ask about another subject.');
    }
  }

  private failClosed<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof PolicyUnavailable) throw new ServiceUnavailable('Authorization is temporarily unavailable.');
      throw error;
    }
  }
}

import { Decider, readModelText, readVocabulary, type PolicyEngine, type Vocabulary } from '@portcullis/shared/authz';
import { InvalidRequest } from '@portcullis/shared/http';

export interface RoleDescription {
  name: string;
  domain: 'tenant' | 'platform';
  description?: string;
  permissions: { object: string; action: string }[];
}

const PROBE_TENANT = 'tenant:00000000-0000-0000-0000-000000000000';

/**
 * The roles and what each may do, read from the policy (vocabulary.yaml for the names, policy.csv through the model
 * for the permissions): nothing here is hard-coded. Recomputed when the policy's rules change.
 */
export class RoleCatalog {
  private readonly vocabulary: Vocabulary;
  private cached?: { rules: string[][]; roles: RoleDescription[] };

  constructor(private readonly engine: Pick<PolicyEngine, 'pRules'>, vocabulary?: Vocabulary) {
    this.vocabulary = vocabulary ?? readVocabulary();
  }

  tenantRoles(): string[] {
    return Object.entries(this.vocabulary.roles).filter(([, role]) => role.domain === 'tenant').map(([name]) => name);
  }

  /** 400 naming the unknown roles; duplicates are dropped. */
  assertTenantRoles(roles: string[], path = 'roles'): string[] {
    const known = new Set(this.tenantRoles());
    const unknown = roles.filter((role) => !known.has(role));
    if (unknown.length) {
      throw new InvalidRequest(`Unknown role: ${unknown.join(', ')}.`, [{ path, message: `known tenant roles: ${[...known].join(', ')}` }]);
    }
    return [...new Set(roles)];
  }

  async describe(): Promise<RoleDescription[]> {
    const rules = this.engine.pRules();
    if (this.cached?.rules === rules) return this.cached.roles;
    const probes = Object.entries(this.vocabulary.roles).map(([name, role]) => [`probe:${name}`, name, role.domain === 'tenant' ? PROBE_TENANT : 'platform']);
    const decider = await Decider.build(readModelText(), rules, probes);
    const roles = Object.entries(this.vocabulary.roles).map(([name, role]): RoleDescription => {
      const domain = role.domain === 'tenant' ? PROBE_TENANT : 'platform';
      const permissions = Object.entries(this.vocabulary.objects).flatMap(([object, actions]) =>
        actions.filter((action) => decider.decide(`probe:${name}`, domain, object, action)).map((action) => ({ object, action })),
      );
      return { name, domain: role.domain, ...(role.description ? { description: role.description } : {}), permissions };
    });
    this.cached = { rules, roles };
    return roles;
  }
}

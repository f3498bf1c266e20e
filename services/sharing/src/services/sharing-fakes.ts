// Test support for sharing's unit tests: the services over in-memory repositories, decided by the real policy files,
// with small fakes for what sharing asks over NATS (tenancy's tenant directory) and for signed-in callers. Only
// *.unit.test.ts files import this.
import { randomUUID, webcrypto } from 'node:crypto';
import type { AuditContext, Principal, PrincipalVerifier, SigningKeyService } from '@portcullis/shared/auth';
import { Decider, linkSubject, readModelText, readPolicyRules, sessionKindOf, tenantDomain, toCasbinRule, type Authorizer, type Domain } from '@portcullis/shared/authz';
import { InvalidToken, ServiceUnavailable, type ClientInfo, type Logger } from '@portcullis/shared/http';
import { inMemorySharing } from '../repositories/in-memory.js';
import { GrantTokenService } from './grant-tokens.js';
import { PublicLinkCache } from './public-link-cache.js';
import { ShareResolver } from './share-resolver.js';
import { ShareService, type NewShare } from './share.service.js';
import type { DirectoryTenant } from './tenant-directory.js';

export const DAY_MS = 86_400_000;
export const MAX_LIFETIME_MS = 90 * DAY_MS;
export const GRANT_TTL_MS = 15 * 60_000;

/** Tenancy as sharing sees it over NATS: a tenant's status and settings, or no answer at all. */
export class FakeTenantDirectory {
  readonly tenants = new Map<string, DirectoryTenant>();
  unreachable = false;

  add(settings: { allowPublic?: boolean } = {}): DirectoryTenant {
    const id = randomUUID();
    const tenant: DirectoryTenant = { id, name: `Tenant ${id.slice(0, 8)}`, status: 'active', settings: { allow_public_shares: settings.allowPublic ?? true } };
    this.tenants.set(id, tenant);
    return tenant;
  }

  async findById(id: string): Promise<DirectoryTenant | null> {
    // What TenantDirectory answers when tenancy does not.
    if (this.unreachable) throw new ServiceUnavailable('The tenancy service did not answer; try again.');
    return this.tenants.get(id) ?? null;
  }
}

const ROLE_RULES = () => readPolicyRules().map(toCasbinRule);

/** Decisions from the repository's own policy.csv and model.conf, over the grants a test gives. */
export class PolicyAuthorizer implements Authorizer {
  private readonly grants: string[][] = [];

  private constructor(private readonly decider: Decider) {}

  static async start(): Promise<PolicyAuthorizer> {
    return new PolicyAuthorizer(await Decider.build(readModelText(), ROLE_RULES(), []));
  }

  async grant(userId: string, role: string, domain: Domain): Promise<void> {
    const rule = [userId, role, domain];
    this.grants.push(rule);
    await this.decider.addGrant(rule);
  }

  isAllowed(principal: Principal, domain: Domain, object: string, action: string): boolean {
    return this.decider.decide(principal.user_id, domain, object, action);
  }

  tenantsWhere(principal: Principal, object: string, action: string): string[] {
    return [...new Set(this.grants.filter((g) => g[0] === principal.user_id && g[2].startsWith('tenant:')).map((g) => g[2]))]
      .filter((domain) => this.decider.decide(principal.user_id, domain, object, action))
      .map((domain) => domain.slice('tenant:'.length));
  }

  isMember(principal: Principal, tenantId: string): boolean {
    return this.grants.some((g) => g[0] === principal.user_id && g[2] === tenantDomain(tenantId));
  }

  sessionMay(principal: Principal, action: string): boolean {
    return this.decider.decide(sessionKindOf(principal), 'platform', 'account', action);
  }
}

/** Bearer tokens of signed-in test users; anything else is refused as identity's verifier would. */
export class FakeVerifier implements PrincipalVerifier {
  private readonly principals = new Map<string, Principal>();

  signIn(userId: string): { principal: Principal; token: string } {
    const token = `token-${randomUUID()}`;
    const principal: Principal = { user_id: userId, session_id: randomUUID(), amr: ['pwd'], token_id: randomUUID(), expires_at: Math.floor(Date.now() / 1000) + 900 };
    this.principals.set(token, principal);
    return { principal, token };
  }

  async verify(token: string): Promise<Principal> {
    const principal = this.principals.get(token);
    if (!principal) throw new InvalidToken('The token is not valid.');
    return principal;
  }
}

/** A logger that keeps what was logged at error level (a lost `share.denied` is logged there). */
export function recordingLogger(): Logger & { errors: unknown[][] } {
  const errors: unknown[][] = [];
  const quiet = () => {};
  const logger = { errors, error: (...args: unknown[]) => void errors.push(args), warn: quiet, info: quiet, debug: quiet, trace: quiet, fatal: quiet };
  return Object.assign(logger, { child: () => logger }) as unknown as Logger & { errors: unknown[][] };
}

/** A signing key service that always has one Ed25519 key (the real one keeps them in Postgres). */
async function fixedSigningKey(): Promise<SigningKeyService> {
  const { privateKey } = (await webcrypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  return { currentKey: async () => ({ kid: 'test-key', key: privateKey }) } as unknown as SigningKeyService;
}

export interface Person {
  id: string;
  principal: Principal;
  token: string;
  audit: AuditContext;
}

/** Sharing's services over one in-memory unit of work; `instance()` is another process over the same database. */
export async function sharingUnderTest() {
  const uow = inMemorySharing();
  const tenants = new FakeTenantDirectory();
  const authorizer = await PolicyAuthorizer.start();
  const verifier = new FakeVerifier();
  const logger = recordingLogger();
  const keys = await fixedSigningKey();
  const shares = new ShareService(uow, authorizer, tenants, { maxLifetimeMs: MAX_LIFETIME_MS, publicUrl: 'https://links.example.test/' });
  /** A resolver with its own public-link cache, as each sharing instance has. */
  const instance = () =>
    new ShareResolver(uow, authorizer, verifier, {}, new GrantTokenService(keys, { issuer: 'sharing', audience: 'authz', ttlMs: GRANT_TTL_MS }), logger, new PublicLinkCache());
  const resolver = instance();

  /** Someone signed in, with these roles in a tenant (or `platform`). */
  async function person(roles: Record<string, string[]> = {}): Promise<Person> {
    const id = randomUUID();
    for (const [where, names] of Object.entries(roles)) {
      for (const role of names) await authorizer.grant(id, role, where === 'platform' ? 'platform' : tenantDomain(where));
    }
    const { principal, token } = verifier.signIn(id);
    return { id, principal, token, audit: { actor: { user_id: id }, request_id: `req-${randomUUID()}` } };
  }

  /** A link to a fresh document, made through the service (the policy must let `by` share documents there). */
  function link(by: Person, tenantId: string, input: Partial<NewShare> = {}) {
    return shares.create(tenantId, by.principal, { resource_type: 'document', resource_id: `doc-${randomUUID()}`, visibility: 'tenant', ...input }, by.audit);
  }

  const client = (): ClientInfo => ({ ip: '203.0.113.7', user_agent: 'unit-test/1', request_id: `req-${randomUUID()}` });
  const open = (token: string, bearer?: string, via: ShareResolver = resolver) => via.resolve(token, bearer, client());

  /** The stored link rules, as the policy table holds them. */
  const linkRulesOf = (shareId: string) => [...uow.policy.rules].map((rule) => JSON.parse(rule) as string[]).filter((rule) => rule[0] === linkSubject(shareId));

  /** What the central policy now decides for a link's subject (role rules and every stored link rule). */
  async function linkMay(shareId: string, tenantId: string, resource: string, action = 'read'): Promise<boolean> {
    const rules = [...uow.policy.rules].map((rule) => JSON.parse(rule) as string[]);
    const decider = await Decider.build(readModelText(), [...ROLE_RULES(), ...rules], []);
    return decider.decide(linkSubject(shareId), tenantDomain(tenantId), resource, action);
  }

  /** `share.denied` reasons recorded for a link, in commit order. */
  const denials = (shareId: string) => uow.eventsOf('share.denied').filter((e) => e.subject.endsWith(`/share:${shareId}`)).map((e) => e.data.reason);
  const eventsFor = (action: string, shareId: string) => uow.eventsOf(action).filter((e) => e.subject.endsWith(`/share:${shareId}`));

  return { uow, tenants, authorizer, verifier, logger, shares, resolver, instance, person, link, open, linkRulesOf, linkMay, denials, eventsFor };
}

// Test support for tenancy's unit tests: the service graph over in-memory repositories, with a fake user directory
// and mailer. Only *.unit.test.ts files import this.
import type { AuditContext } from '@portcullis/shared/auth';
import { tenantDomain } from '@portcullis/shared/authz';
import type { Logger } from '@portcullis/shared/http';
import { inMemoryTenancy } from '../repositories/in-memory.js';
import { InvitationService } from './invitation.service.js';
import type { Mail, Mailer } from './mailer.js';
import { MembershipService } from './membership.service.js';
import { RoleCatalog } from './role-catalog.js';
import { TenantService } from './tenant.service.js';
import type { DirectoryUser } from './user-directory.js';

export const audit = (userId = 'actor'): AuditContext => ({ actor: { user_id: userId }, request_id: 'req-1' });

export class FakeDirectory {
  readonly users = new Map<string, DirectoryUser>();
  add(id: string, email = `${id}@example.test`): DirectoryUser {
    const user = { id, email, name: id.toUpperCase() } as DirectoryUser;
    this.users.set(id, user);
    return user;
  }
  async findById(id: string) {
    return this.users.get(id) ?? null;
  }
}

export class FakeMailer implements Mailer {
  readonly sent: Mail[] = [];
  failing = false;
  async send(mail: Mail) {
    if (this.failing) throw new Error('smtp down');
    this.sent.push(mail);
  }
  /** The token in the newest mail's accept link. */
  lastToken(): string {
    const text = this.sent.at(-1)?.text ?? '';
    return decodeURIComponent(/token=([^\s]+)/.exec(text)?.[1] ?? '');
  }
}

const quiet = { warn: () => {}, info: () => {}, error: () => {}, debug: () => {} } as unknown as Logger;

/** Tenancy's services over one in-memory unit of work. */
export function tenancyUnderTest(options: { invitationTtlMs?: number } = {}) {
  const uow = inMemoryTenancy();
  const directory = new FakeDirectory();
  const mailer = new FakeMailer();
  const roles = new RoleCatalog({ pRules: () => [] });
  const everyone = { isAllowed: () => true, tenantsWhere: () => [] } as never;
  const tenants = new TenantService(uow, everyone);
  const members = new MembershipService(uow, roles, directory);
  const invitations = new InvitationService(uow, roles, members, directory, mailer, quiet, { ttlMs: options.invitationTtlMs ?? 60_000, appUrl: 'https://app.example.test' });

  /** A tenant whose admins are `admins` (each added through the service, as a real one would be). */
  async function tenantWithAdmins(...admins: string[]) {
    const tenant = await tenants.create({ name: `Tenant ${Math.random()}`, slug: `t-${Math.random().toString(36).slice(2)}` }, audit());
    for (const id of admins) await members.add(tenant.id, { user_id: directory.add(id).id, roles: ['admin'] }, audit());
    return tenant;
  }

  const grantsOf = (tenantId: string, userId: string) =>
    uow.policy.grantsOf(userId).filter((grant) => grant.domain === tenantDomain(tenantId)).map((grant) => grant.role).sort();

  return { uow, directory, mailer, tenants, members, invitations, tenantWithAdmins, grantsOf };
}

import { Conflict, type ClientInfo } from '@portcullis/shared/http';
import { tokensOf, type AuthService, type TokenPair } from './auth.service.js';
import type { InvitationClient } from './invitation-client.js';
import type { UserService } from './user.service.js';

/**
 * Sign-up is by invitation only: the account's email is the invited one, and the new user lands in the tenant with
 * the invited roles (tenancy accepts the invitation for them), then is signed in.
 */
export class RegistrationService {
  constructor(
    private readonly users: UserService,
    private readonly auth: AuthService,
    private readonly invitations: InvitationClient,
  ) {}

  async register(input: { invitation_token: string; name: string; password: string }, client: ClientInfo): Promise<TokenPair & { tenant_id: string; roles: string[] }> {
    const invitation = await this.invitations.peek(input.invitation_token);
    if (await this.users.findByEmail(invitation.email)) {
      throw new Conflict('An account with the invited email already exists: sign in and accept the invitation instead.', 'already-exists');
    }
    const actor = { user_id: null, ...(client.ip ? { ip: client.ip } : {}), ...(client.user_agent ? { user_agent: client.user_agent } : {}) };
    const user = await this.users.create({ email: invitation.email, name: input.name, password: input.password }, { actor, request_id: client.request_id });
    const membership = await this.invitations.accept(input.invitation_token, user.id, client.request_id);
    // A brand-new account has no second factor yet.
    const tokens = tokensOf(await this.auth.login(invitation.email, input.password, client));
    return { ...tokens, ...membership };
  }
}

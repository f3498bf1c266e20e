export { TokenVerifier, BearerVerifier, ACCESS_TOKEN_TYPE, GRANT_TOKEN_TYPE, type TokenVerifierOptions } from './token-verifier.js';
export { assertSessionLive, authenticate, bearerToken, type PrincipalVerifier, type SessionChecks, type SessionRevocationCheck } from './authenticate.js';
export { principalOf, type Principal } from './principal.js';
export { auditContext, type AuditContext } from './audit-context.js';
export { RevokedSessions, revocationSubject, type RevokedSessionsOptions } from './revoked-sessions.js';
export { KeyCipher } from './key-cipher.js';
export { SigningKeyService, SIGNING_ALGORITHM, type SigningKeyPolicy } from './signing-keys/signing-key.service.js';
export { CREATE_SIGNING_KEYS_TABLE_SQL, SigningKeySchema, type SigningKey } from './signing-keys/signing-key.entity.js';
export { serveJwks } from './signing-keys/serve-jwks.js';

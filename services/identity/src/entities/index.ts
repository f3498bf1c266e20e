import { OutboxMessageSchema } from '@portcullis/shared/events';
import { RefreshTokenSchema } from './refresh-token.entity.js';
import { SessionSchema } from './session.entity.js';
import { SigningKeySchema } from '@portcullis/shared/auth';
import { UserSchema } from './user.entity.js';

export const identityEntities = [UserSchema, SessionSchema, RefreshTokenSchema, SigningKeySchema, OutboxMessageSchema];
export * from './user.entity.js';
export * from './session.entity.js';
export * from './refresh-token.entity.js';

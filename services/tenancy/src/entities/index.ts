import { OutboxMessageSchema } from '@portcullis/shared/events';
import { InvitationSchema } from './invitation.entity.js';
import { MembershipSchema } from './membership.entity.js';
import { TenantSchema } from './tenant.entity.js';

export const tenancyEntities = [TenantSchema, MembershipSchema, InvitationSchema, OutboxMessageSchema];
export * from './tenant.entity.js';
export * from './membership.entity.js';
export * from './invitation.entity.js';

import { OutboxMessageSchema } from '@portcullis/shared/events';

/** authz owns no entities of its own beyond the outbox; the policy tables are read with SQL by shared/authz. */
export const authzEntities = [OutboxMessageSchema];

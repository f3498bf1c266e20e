import { EntitySchema } from '@mikro-orm/core';

/** A user's roles in a tenant. Email and name are copied from identity when the member is added, for search. */
export interface Membership {
  tenantId: string;
  userId: string;
  email: string;
  name: string;
  roles: string[];
  createdAt: Date;
  updatedAt: Date;
}

export const MembershipSchema = new EntitySchema<Membership>({
  name: 'Membership',
  tableName: 'memberships',
  properties: {
    tenantId: { type: 'uuid', primary: true, fieldName: 'tenant_id' },
    userId: { type: 'uuid', primary: true, fieldName: 'user_id' },
    email: { type: 'text' },
    name: { type: 'text' },
    roles: { type: 'json' },
    createdAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'created_at' },
    updatedAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'updated_at' },
  },
});

import { EntitySchema } from '@mikro-orm/core';

export type TenantStatus = 'active' | 'disabled';

export interface TenantSettings {
  allow_public_shares: boolean;
}

export interface Tenant {
  id: string;
  name: string;
  slug: string;
  status: TenantStatus;
  settings: TenantSettings;
  createdAt: Date;
  updatedAt: Date;
  disabledAt?: Date | null;
}

export const TenantSchema = new EntitySchema<Tenant>({
  name: 'Tenant',
  tableName: 'tenants',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'text' },
    slug: { type: 'text' },
    status: { type: 'text' },
    settings: { type: 'json' },
    createdAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'created_at' },
    updatedAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'updated_at' },
    disabledAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'disabled_at', nullable: true },
  },
});

import { EntitySchema } from '@mikro-orm/core';

export type UserStatus = 'active' | 'disabled';

export interface User {
  id: string;
  /** Lower-cased and trimmed; unique. */
  email: string;
  name: string;
  passwordHash: string;
  status: UserStatus;
  createdAt: Date;
  updatedAt: Date;
}

export const UserSchema = new EntitySchema<User>({
  name: 'User',
  tableName: 'users',
  properties: {
    id: { type: 'uuid', primary: true },
    email: { type: 'text', unique: true },
    name: { type: 'text' },
    passwordHash: { type: 'text', fieldName: 'password_hash', lazy: true },
    status: { type: 'text' },
    createdAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'created_at' },
    updatedAt: { type: 'datetime', columnType: 'timestamptz', fieldName: 'updated_at' },
  },
});

import { SigningKeySchema } from '@portcullis/shared/auth';
import { OutboxMessageSchema } from '@portcullis/shared/events';
import { ShareViewSchema } from './share-view.entity.js';
import { ShareSchema } from './share.entity.js';

export const sharingEntities = [ShareSchema, ShareViewSchema, SigningKeySchema, OutboxMessageSchema];

export * from './share.entity.js';
export * from './share-view.entity.js';

import { StoredEventSchema } from './stored-event.entity.js';

export const auditEntities = [StoredEventSchema];
export * from './stored-event.entity.js';

export * from './envelope.js';
export { assertValidAuditEvent, isValidAuditEvent, InvalidAuditEvent, auditEventJsonSchema } from './validate.js';
export { OutboxMessageSchema, CREATE_OUTBOX_TABLE_SQL, type OutboxMessage } from './outbox-message.entity.js';
export { Outbox } from './outbox.js';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
export { ensureAuditStream, auditStreamSubjects } from './audit-stream.js';
export { DurableConsumer, type DurableConsumerOptions } from './durable-consumer.js';

// The contracts between the services, the console, the docs and outside consumers, named once: audit events and their
// catalogue, NATS subjects and payloads, the public views, the problem types.
export * from './audit-events.js';
export * from './audit-event-catalog.js';
export * from './nats.js';
export * from './problems.js';
export * from './views.js';

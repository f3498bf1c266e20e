// Generates docs/audit-events.md (npm run docs:audit-events) from the event catalogue, the envelope builder and the
// JSON Schema. audit-events-doc.test.ts fails when the file on disk differs from what this renders, so it cannot drift.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assertValidAuditEvent, auditEventJsonSchema, auditSubject, buildAuditEvent, type AuditEvent } from '@portcullis/shared/events';
import { AUDIT_EVENT_CATALOG, EXAMPLE_IDS, type AuditEventCatalogEntry } from '@portcullis/shared/contracts';

export const AUDIT_EVENTS_DOC_PATH = fileURLToPath(new URL('../../../../docs/audit-events.md', import.meta.url));

/** Fixed values in place of the clock and random ids, so the document only changes when the code does. */
const EXAMPLE_TIME = '2026-01-01T12:00:00.000Z';
const EXAMPLE_REQUEST_ID = '5d1f2a7c-3b4e-4f60-8a9b-0c1d2e3f4a5b';

export interface AuditEventExample {
  entry: AuditEventCatalogEntry;
  event: AuditEvent;
}

/** A UUID per catalogue position: `01900000-0000-7000-8000-000000000001` for the first entry. */
function exampleEventId(index: number): string {
  return `01900000-0000-7000-8000-${String(index + 1).padStart(12, '0')}`;
}

/** The example event of a catalogue entry, built by the same code the producers use. */
function exampleEvent(entry: AuditEventCatalogEntry, index: number): AuditEvent {
  const built = buildAuditEvent({
    service: entry.service,
    action: entry.action,
    subject: entry.subject,
    ...(entry.tenant ? { tenantId: EXAMPLE_IDS.tenant } : {}),
    data: {
      actor: entry.actor,
      outcome: entry.outcome,
      target: entry.target,
      ...(entry.changes ? { changes: entry.changes } : {}),
      ...(entry.reason ? { reason: entry.reason } : {}),
      request_id: entry.requestId ?? EXAMPLE_REQUEST_ID,
    },
  });
  return { ...built, id: exampleEventId(index), time: EXAMPLE_TIME };
}

export function auditEventExamples(): AuditEventExample[] {
  return AUDIT_EVENT_CATALOG.map((entry, index) => ({ entry, event: exampleEvent(entry, index) }));
}

// ---- Markdown helpers ----

const code = (text: string) => `\`${text}\``;
/** A pipe inside a cell (even inside code) would end the cell. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

const jsonBlock = (value: unknown) => ['```json', JSON.stringify(value, null, 2), '```'].join('\n');

// ---- The envelope, walked from the JSON Schema ----

interface SchemaNode {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  description?: string;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean;
}

interface EnvelopeField {
  path: string;
  required: boolean;
  type: string;
  description: string;
}

/**
 * What consumers need to know about a field beyond its type. The schema's own description wins; a note for a field
 * the schema no longer has fails the rendering (and with it the test), so notes cannot outlive their field.
 */
const FIELD_NOTES: Record<string, string> = {
  specversion: 'CloudEvents version.',
  id: 'UUIDv7 (time-ordered), unique per event; also the `Nats-Msg-Id` header. De-duplicate by it.',
  source: '`portcullis/<service>`: the service that published the event.',
  type: '`portcullis.<service>.<entity>.<verb>`; published on the subject `audit.<service>.<entity>.<verb>`.',
  time: 'When the event was recorded (UTC).',
  subject: 'What the event is about: `user:<id>`, `tenant:<id>`, `tenant:<id>/member:<user id>`, `tenant:<id>/invitation:<id>`, `tenant:<id>/share:<id>`, `policy`.',
  datacontenttype: 'The media type of `data`.',
  tenantid: 'The tenant the event belongs to; absent on platform events.',
  data: 'The audit record.',
  'data.actor': 'Who did it.',
  'data.actor.impersonator_id': 'Present when the event was made with an impersonation token: the platform admin acting as `user_id`.',
  'data.actor.ip': 'The client address, when the event comes from a request.',
  'data.actor.user_agent': 'The client User-Agent, when the event comes from a request.',
  'data.outcome': '`success`; `failure` or `denied` for refused attempts (see each type).',
  'data.target': 'What was acted on; its keys depend on the type (see the examples).',
  'data.changes': 'What the change changed (the fields that matter to the type, not necessarily the whole entity).',
  'data.changes.before': 'The state before; `null` for a creation.',
  'data.changes.after': 'The state after; `null` for a deletion.',
  'data.reason': 'Why: the reason for a refusal, a revocation, a lock or an impersonation.',
  'data.request_id': 'The request id (`x-request-id`) of the API call, or a fixed word for work no request started (`bootstrap`, `policy-command`, `seed`).',
};

const schema = auditEventJsonSchema as SchemaNode;

function describeType(node: SchemaNode): string {
  if ('const' in node) return code(JSON.stringify(node.const));
  if (node.enum) return node.enum.map((value) => code(JSON.stringify(value))).join(' | ');
  const types = node.type === undefined ? ['any'] : [node.type].flat();
  const constraints = [node.format ? `format ${node.format}` : '', node.pattern ? `pattern ${code(node.pattern)}` : ''].filter(Boolean);
  return constraints.length ? `${types.join(' | ')} (${constraints.join(', ')})` : types.join(' | ');
}

function envelopeFields(node: SchemaNode, prefix = ''): EnvelopeField[] {
  return Object.entries(node.properties ?? {}).flatMap(([name, child]) => {
    const path = `${prefix}${name}`;
    const field = { path, required: (node.required ?? []).includes(name), type: describeType(child), description: child.description ?? FIELD_NOTES[path] ?? '' };
    return [field, ...envelopeFields(child, `${path}.`)];
  });
}

/** The objects that allow no fields besides the ones listed ("The event" is the root). */
function closedObjects(node: SchemaNode, path: string[] = []): string[] {
  const own = node.additionalProperties === false ? [path.length ? code(path.join('.')) : 'The event'] : [];
  return [...own, ...Object.entries(node.properties ?? {}).flatMap(([name, child]) => closedObjects(child, [...path, name]))];
}

function assertNotesMatchSchema(fields: EnvelopeField[]): void {
  const paths = new Set(fields.map((f) => f.path));
  const stale = Object.keys(FIELD_NOTES).filter((path) => !paths.has(path));
  if (stale.length) throw new Error(`FIELD_NOTES names fields the JSON Schema does not have: ${stale.join(', ')}`);
}

// ---- Sections ----

function renderHeader(): string {
  return [
    '# Portcullis audit events',
    '',
    '> Generated by `npm run docs:audit-events` (`services/audit/src/cli/audit-events-doc.ts`) from the event catalogue, the envelope builder and the JSON Schema, and checked by a test (`services/audit/src/cli/audit-events-doc.test.ts`): do not edit by hand.',
    '',
    'Every Portcullis service publishes an audit event for each change it makes, and for refused attempts (failed sign-ins, refused share links). This page is for consumers of those events: how to subscribe, what an event looks like, what is guaranteed, and every event type with an example.',
  ].join('\n');
}

function renderSubscribing(): string {
  return [
    '## Subscribing',
    '',
    '- **Stream** `AUDIT` (NATS JetStream; the name is the `AUDIT_STREAM` setting), holding the subjects `audit.>`.',
    '- **Subjects**: each event is published on `audit.<service>.<entity>.<verb>`, its type without `portcullis.`: `portcullis.identity.login.failed` goes to `audit.identity.login.failed`. Subscribe to `audit.>` for everything, `audit.<service>.>` for one service (e.g. `audit.tenancy.>`), or `audit.<service>.<entity>.>` for one entity.',
    '- **Deployment prefix**: when `NATS_SUBJECT_PREFIX` is set (e.g. `staging.`), it comes before every subject: `staging.audit.>`.',
    '- **Durable consumer**: use a durable pull consumer with explicit acks and a name of your own (not one a service uses, such as `audit-store` or `sharing-tenant-events`). It resumes where it stopped, so nothing is missed while your consumer is down. Ack once an event is handled; an event not acked is delivered again.',
    '- **Headers**: `Nats-Msg-Id` is the event `id`; `Content-Type` is `application/cloudevents+json`. The body is the event in CloudEvents 1.0 structured mode (JSON).',
    '- **De-duplicate by event `id`**: delivery is at least once. The stream drops a second publish of an id within its duplicate window (two minutes), but a redelivery (a lost ack, a failed handler) or a later publish of the same event arrives again with the same id.',
    '- **Order**: do not rely on it across services, nor strictly within one (a retried publish can land after later events). `time` and the time-ordered `id` tell when each event was recorded.',
    '- **Validation**: the JSON Schema is `shared/events/audit-event.schema.json`; in TypeScript, `isValidAuditEvent` / `assertValidAuditEvent` from `@portcullis/shared/events`.',
    '',
    'A runnable example consumer: `npm run example:audit-tail` (`examples/audit-tail.ts`) subscribes with its own durable consumer and prints each event.',
    '',
    'To read the stored trail rather than the live stream, use the audit service: `GET /v1/events` (filters), `GET /v1/events/stream` (server-sent events), `GET /v1/events/export`.',
  ].join('\n');
}

function renderEnvelope(): string {
  const fields = envelopeFields(schema);
  assertNotesMatchSchema(fields);
  const rows = fields.map((f) => [code(f.path), f.required ? 'yes' : 'no', f.type, f.description]);
  return [
    '## The envelope',
    '',
    'A CloudEvents 1.0 JSON object. The fields below are read from the JSON Schema (`shared/events/audit-event.schema.json`); "Required" means required within the enclosing object.',
    `${closedObjects(schema).join(', ')}: no fields besides these. \`data.target\` and \`data.changes\` hold whatever the event type records.`,
    '',
    table(['Field', 'Required', 'Type', 'Description'], rows),
  ].join('\n');
}

function renderGuarantees(): string {
  return [
    '## Guarantees',
    '',
    '- **Outbox**: a service writes each event to its outbox table in the same database transaction as the change it describes, so the change and its event commit together or not at all. A relay then publishes the outbox to JetStream: every event is published **at least once** (a crash between publishing and marking the row publishes it again, with the same id).',
    '- **Refusals** (`login.failed`, `share.denied`) change nothing, so they are written in a transaction of their own; a `share.denied` that cannot be written is logged, and the refusal stands.',
    '- **Schema**: every event is checked against the JSON Schema before it is written to the outbox.',
    '- **Stored once**: the audit service stores each event id once, however often it is delivered, and acks only after the event is stored.',
    '- **Hash chain**: the audit service appends each stored event to a tamper-evident chain: each gets a `sequence` and `hash = SHA-256(prev_hash || RFC 8785 canonical JSON of the event)`, the first `prev_hash` being 64 zeros. `GET /v1/verify` (or `npm run audit -- verify`) recomputes the chain.',
  ].join('\n');
}

function renderEventExample({ entry, event }: AuditEventExample): string {
  return [`### ${event.type}`, '', entry.when, '', jsonBlock(event)].join('\n');
}

function renderService(service: string, examples: AuditEventExample[]): string {
  const rows = examples.map(({ entry, event }) => [code(event.type), code(auditSubject(event)), entry.when, entry.outcome, entry.tenant ? 'yes' : 'no']);
  return [
    `## ${service}`,
    '',
    `Published by the ${service} service: \`source\` is \`portcullis/${service}\`, subjects \`audit.${service}.>\`.`,
    '',
    table(['Type', 'Subject', 'When', 'Outcome', 'tenantid'], rows),
    '',
    ...examples.map(renderEventExample).flatMap((section) => [section, '']),
  ]
    .join('\n')
    .trimEnd();
}

/** The examples of each service, services in catalogue order. */
function examplesByService(examples: AuditEventExample[]): Map<string, AuditEventExample[]> {
  const byService = new Map<string, AuditEventExample[]>();
  for (const example of examples) byService.set(example.entry.service, [...(byService.get(example.entry.service) ?? []), example]);
  return byService;
}

export function renderAuditEventsDoc(): string {
  const examples = auditEventExamples();
  // A document with an example producers could not publish would mislead; refuse to render it.
  for (const { event } of examples) assertValidAuditEvent(event);
  const services = [...examplesByService(examples)].map(([service, ofService]) => renderService(service, ofService));
  return [renderHeader(), renderSubscribing(), renderEnvelope(), renderGuarantees(), ...services].join('\n\n') + '\n';
}

function writeDoc(): void {
  mkdirSync(dirname(AUDIT_EVENTS_DOC_PATH), { recursive: true });
  writeFileSync(AUDIT_EVENTS_DOC_PATH, renderAuditEventsDoc());
  console.log(`wrote ${AUDIT_EVENTS_DOC_PATH} (${AUDIT_EVENT_CATALOG.length} event types)`);
}

// Imported by the test, run by npm run docs:audit-events.
const runDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (runDirectly) writeDoc();

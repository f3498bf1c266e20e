import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { AuditEvent } from './envelope.js';

const require = createRequire(import.meta.url);
/** The JSON Schema that ships in the repo; producers and the audit consumer both check against it. */
export const auditEventJsonSchema = require('./audit-event.schema.json') as Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: true, strict: true });
// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;
addFormats(ajv);
const validator = ajv.compile<AuditEvent>(auditEventJsonSchema);

export class InvalidAuditEvent extends Error {
  constructor(readonly problems: string[]) {
    super(`Audit event does not match the schema: ${problems.join('; ')}`);
    this.name = 'InvalidAuditEvent';
  }
}

export function isValidAuditEvent(value: unknown): value is AuditEvent {
  return validator(value);
}

export function assertValidAuditEvent(value: unknown): asserts value is AuditEvent {
  if (!validator(value)) {
    throw new InvalidAuditEvent((validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim()));
  }
}

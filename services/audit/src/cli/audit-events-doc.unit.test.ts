import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertValidAuditEvent } from '@portcullis/shared/events';
import { AUDIT_EVENT_CATALOG, AUDIT_EVENTS } from '@portcullis/shared/contracts';
import { auditEventExamples, renderAuditEventsDoc } from './audit-events-doc.js';

const DOC_PATH = fileURLToPath(new URL('../../../../docs/audit-events.md', import.meta.url));

/** The actions each service's event constants declare: what the catalogue must document. */
const PUBLISHED_ACTIONS: Record<string, string[]> = Object.fromEntries(Object.entries(AUDIT_EVENTS).map(([service, actions]) => [service, Object.values(actions)]));

function catalogued(service: string): string[] {
  return AUDIT_EVENT_CATALOG.filter((entry) => entry.service === service).map((entry) => entry.action);
}

describe('audit events documentation', () => {
  it('catalogues exactly the event actions of each service', () => {
    const services = new Set([...Object.keys(PUBLISHED_ACTIONS), ...AUDIT_EVENT_CATALOG.map((entry) => entry.service)]);
    const mismatches = [...services].flatMap((service) => {
      const published = PUBLISHED_ACTIONS[service] ?? [];
      const documented = catalogued(service);
      const missing = published.filter((action) => !documented.includes(action));
      const extra = documented.filter((action) => !published.includes(action));
      const duplicated = documented.filter((action, i) => documented.indexOf(action) !== i);
      return missing.length || extra.length || duplicated.length ? [{ service, missing, extra, duplicated }] : [];
    });
    expect(mismatches, 'audit-events-catalog.ts must have one entry per event constant: add the missing, remove the extra').toEqual([]);
  });

  it('has examples that validate against the audit event schema', () => {
    const invalid = auditEventExamples().flatMap(({ event }) => {
      try {
        assertValidAuditEvent(event);
        return [];
      } catch (error) {
        return [`${event.type}: ${(error as Error).message}`];
      }
    });
    expect(invalid).toEqual([]);
  });

  it('matches docs/audit-events.md', () => {
    const onDisk = existsSync(DOC_PATH) ? readFileSync(DOC_PATH, 'utf8') : '';
    expect(onDisk, 'docs/audit-events.md is missing or out of date: run `npm run docs:audit-events`').toBe(renderAuditEventsDoc());
  });
});

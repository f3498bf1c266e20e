import { describe, expect, it } from 'vitest';
import { auditSubject, buildAuditEvent } from './envelope.js';
import { assertValidAuditEvent, InvalidAuditEvent, isValidAuditEvent } from './validate.js';

const valid = () =>
  buildAuditEvent({
    service: 'identity',
    action: 'login.succeeded',
    subject: 'user:1',
    tenantId: '0190b5a6-6a66-7cc2-9d39-5d7f5c1b2a11',
    data: { actor: { user_id: 'u1', ip: '10.0.0.1' }, outcome: 'success', target: { user_id: 'u1' }, request_id: 'r1' },
  });

describe('the audit event envelope', () => {
  it('builds CloudEvents 1.0 events that match the JSON Schema shipped in the repo', () => {
    const event = valid();
    expect(event).toMatchObject({ specversion: '1.0', source: 'portcullis/identity', type: 'portcullis.identity.login.succeeded', datacontenttype: 'application/json' });
    expect(isValidAuditEvent(event)).toBe(true);
    expect(auditSubject(event)).toBe('audit.identity.login.succeeded');
    expect(auditSubject(event, 't1.')).toBe('t1.audit.identity.login.succeeded');
  });

  it('rejects events missing required fields or carrying unknown ones', () => {
    const noActor = valid() as unknown as { data: Record<string, unknown> };
    delete noActor.data.actor;
    expect(() => assertValidAuditEvent(noActor)).toThrow(InvalidAuditEvent);
    expect(isValidAuditEvent({ ...valid(), extra: 1 })).toBe(false);
    expect(isValidAuditEvent({ ...valid(), data: { ...valid().data, outcome: 'maybe' } })).toBe(false);
    expect(isValidAuditEvent({ ...valid(), id: 'not-a-uuid' })).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { readClaims } from '../api/jwt';
import { ApiError, describeError } from '../api/problem';
import { readEventData } from './event-data';
import { safeNext } from './safe-next';
import { formatTimeLeft } from './time-left';

describe('the console’s pure logic', () => {
  it.each([
    [90_500, '1:31'],
    [59_000, '0:59'],
    [1, '0:01'],
    [0, 'ended'],
    [-5, 'ended'],
  ])('shows %i ms left as %s', (ms, shown) => {
    expect(formatTimeLeft(ms)).toBe(shown);
  });

  it.each([
    ['/tenants/1?tab=members', '/tenants/1?tab=members'],
    ['https://evil.example/', '/tenants'],
    ['//evil.example/', '/tenants'],
    ['/\\evil.example', '/tenants'],
    [null, '/tenants'],
  ])('goes after sign-in to %s as %s', (next, path) => {
    expect(safeNext(next)).toBe(path);
  });

  it('describes a problem with its detail, field errors and retry time', () => {
    const error = new ApiError(429, { title: 'Too Many Requests', detail: 'Slow down.', errors: [{ path: 'email', message: 'locked' }] }, 30);
    expect(describeError(error)).toBe('Slow down. — email: locked — Try again in 30 s.');
    expect(describeError(new Error('offline'))).toBe('offline');
  });

  it('reads the claims of a token (base64url, unpadded) for display', () => {
    const payload = btoa(JSON.stringify({ sub: 'u-1', exp: 1, amr: ['pwd', 'otp'], act: { sub: 'a-1' } })).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(readClaims(`h.${payload}.s`)).toEqual({ sub: 'u-1', exp: 1, amr: ['pwd', 'otp'], act: { sub: 'a-1' } });
  });

  it('reads an audit event’s data for the table, keeping only fields of the expected type', () => {
    const data = { actor: { user_id: 'u-1', impersonator_id: 'a-1', ip: '10.0.0.1' }, outcome: 'success', target: { tenant_id: 't-1' }, reason: 'why', request_id: 'r-1' };
    expect(readEventData(data)).toEqual({ actor: { user_id: 'u-1', impersonator_id: 'a-1', ip: '10.0.0.1' }, outcome: 'success', target: { tenant_id: 't-1' }, reason: 'why' });
    expect(readEventData({ actor: { user_id: null }, outcome: 3, target: ['x'] })).toEqual({ actor: { user_id: undefined, impersonator_id: undefined, ip: undefined } });
    expect(readEventData({})).toEqual({});
  });
});

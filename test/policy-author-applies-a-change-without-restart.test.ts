import { cpSync, mkdtempSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrantWriter, policyDir, readPRules, readVersion } from '@portcullis/shared/authz';
import { createAuthzOutbox } from '../services/authz/src/events/authz-events.js';
import { loadCheckedRules, PolicyApplyService, policyApplyUnitOfWork } from '../services/authz/src/services/policy-apply.service.js';
import {
  changeGrant, eventually, postJson, readJson, startAuthz, startIdentity, uniqueEmail, type RunningAuthz, type RunningIdentity,
} from './support/harness.js';

let identity: RunningIdentity;
let authz: RunningAuthz;
let editedDir: string;
let applier: PolicyApplyService;
const tenant = randomUUID();
let viewerToken: string;

beforeAll(async () => {
  identity = await startIdentity();
  authz = await startAuthz(identity);
  const email = uniqueEmail('viewer');
  const viewer = await identity.users.create({ email, name: 'Vic', password: 'viewer password long' }, { actor: { user_id: null }, request_id: 'test' });
  await changeGrant('add', identity.runtime, { subject: viewer.id, role: 'viewer', domain: `tenant:${tenant}` }, [authz.runtime]);
  viewerToken = (await readJson(await postJson(`${identity.url}/v1/auth/login`, { email, password: 'viewer password long' }))).access_token;

  // The author's working copy: the real policy plus one new grant.
  editedDir = mkdtempSync(join(tmpdir(), 'portcullis-policy-'));
  cpSync(policyDir(), editedDir, { recursive: true });
  appendFileSync(join(editedDir, 'policy.csv'), '\n# Viewers may now fix typos.\np, viewer, tenant:*, document, update, allow\n');
  const prefix = identity.config.NATS_SUBJECT_PREFIX;
  applier = new PolicyApplyService(policyApplyUnitOfWork(authz.runtime.orm, new GrantWriter(authz.runtime.nc, prefix), createAuthzOutbox(prefix, () => authz.runtime.relay.wake())));
});

afterAll(async () => {
  // Put the shared test database's policy back as policy.csv says.
  await applier?.apply();
  await authz?.close();
  await identity?.close();
  rmSync(editedDir, { recursive: true, force: true });
});

const canUpdate = async () =>
  (await readJson(await postJson(`${authz.url}/v1/check`, { tenant_id: tenant, object: 'document', action: 'update' }, { authorization: `Bearer ${viewerToken}` }))).allowed;

describe('a policy author edits policy.csv and applies it', () => {
  it('takes effect in a running service within a second, without a restart', async () => {
    expect(await canUpdate()).toBe(false);
    const diff = await applier.diff(editedDir);
    expect(diff.added).toEqual([['viewer', 'tenant:*', 'document', 'update', 'allow']]);
    expect(diff.removed).toEqual([]);

    const started = Date.now();
    const result = await applier.apply({ dir: editedDir, actorId: null });
    expect(result.changed).toBe(true);
    await eventually(async () => ((await canUpdate()) ? true : undefined), 1000, 10);
    expect(Date.now() - started).toBeLessThan(1000);

    const rows = await authz.runtime.orm.em.fork().execute<{ n: string }[]>(
      `select count(*)::text as n from outbox where payload->>'type' = 'portcullis.authz.policy.applied' and payload->'data'->'target'->>'policy_version' = ?`,
      [String(result.version)],
    );
    expect(rows[0].n).toBe('1');
  });

  it('never loses the policy when an apply fails half way: the old rules stay in force', async () => {
    const before = await readPRules(authz.runtime.orm.em);
    const versionBefore = await readVersion(authz.runtime.orm.em);
    const good = loadCheckedRules();
    // 2,500 rules (three chunks) with a duplicate at the very end: the last insert fails after the delete ran.
    const filler = Array.from({ length: 2500 }, (_, i) => ['member', 'tenant:*', `document`, `action${i}`, 'allow']);
    await expect(applier.apply({ rules: [...good, ...filler, good[0]] })).rejects.toThrow();
    expect(await readPRules(authz.runtime.orm.em)).toEqual(before);
    expect(await readVersion(authz.runtime.orm.em)).toBe(versionBefore);
    expect(authz.runtime.policy.enforce('nobody', `tenant:${tenant}`, 'tenant', 'read')).toBe(false);
  });
});

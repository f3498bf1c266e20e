import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findNatsServerBinary } from '../dev/nats-server.js';
import { renderNatsAuthConfig } from './auth-config.js';
import { generateNatsKeys, serverEnvironment } from './keys.js';
import { natsPermissions, DEFAULT_NATS_AUTH } from './permissions.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

describe('the NATS authorization config', () => {
  it('ships as deploy/nats/portcullis-auth.conf exactly as rendered (npm run nats:config rewrites it)', () => {
    expect(readFileSync(here('./portcullis-auth.conf'), 'utf8')).toBe(renderNatsAuthConfig());
  });

  it('is accepted by nats-server as compose includes it, with every user an NKey from the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nats-auth-check-'));
    copyFileSync(here('./portcullis-auth.conf'), join(dir, 'portcullis-auth.conf'));
    writeFileSync(join(dir, 'server.conf'), readFileSync(here('./compose-server.conf'), 'utf8').replace('/data', join(dir, 'data')));
    const binary = findNatsServerBinary();
    expect(binary, 'nats-server is installed (make test installs it)').toBeTruthy();
    const result = spawnSync(binary!, ['-t', '-c', join(dir, 'server.conf')], { encoding: 'utf8', env: { ...process.env, ...serverEnvironment(generateNatsKeys()) } });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it('lets each service publish its own audit subjects only, and only identity write revocations', () => {
    const permissions = natsPermissions(DEFAULT_NATS_AUTH);
    for (const [user, granted] of Object.entries(permissions)) {
      const audits = granted.publish.filter((subject) => subject.startsWith('audit.'));
      expect(audits, user).toEqual(user === 'audit-reader' ? [] : [`audit.${user}.>`]);
      expect(granted.publish.some((subject) => subject.startsWith('$KV.')), user).toBe(user === 'identity');
      // Nobody but the operator may delete or purge streams, or read another's inbox.
      expect(granted.publish.filter((subject) => /STREAM\.(DELETE|PURGE)|CONSUMER\.DELETE\.AUDIT/.test(subject)), user).toEqual([]);
      expect(granted.subscribe.filter((subject) => subject.startsWith('_INBOX')), user).toEqual([`_INBOX_${user}.>`]);
    }
  });
});

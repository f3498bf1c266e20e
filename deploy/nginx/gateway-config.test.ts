import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ensureNginx } from '../dev/nginx.js';
import { defaultGatewayConfig, renderGatewayConfig } from './gateway-config.js';

describe('the gateway config', () => {
  it('ships as deploy/nginx/portcullis.conf exactly as rendered (npm run gateway:config rewrites it)', () => {
    expect(readFileSync(fileURLToPath(new URL('./portcullis.conf', import.meta.url)), 'utf8')).toBe(defaultGatewayConfig());
  });

  it('is accepted by nginx, with several instances per service', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-check-'));
    const file = join(dir, 'nginx.conf');
    const upstreams = { identity: ['127.0.0.1:4001', '127.0.0.1:5001'], tenancy: ['127.0.0.1:4002'], sharing: ['127.0.0.1:4003'], audit: ['127.0.0.1:4004'], authz: ['127.0.0.1:4005', '127.0.0.1:5005'] };
    writeFileSync(file, renderGatewayConfig({ listen: '127.0.0.1:18080', upstreams, runtimeDir: dir, consoleRoot: dir }));
    const result = spawnSync(ensureNginx(() => undefined), ['-t', '-p', dir, '-c', file], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
  });
});

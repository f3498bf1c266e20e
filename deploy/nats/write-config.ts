// npm run nats:config — rewrites deploy/nats/portcullis-auth.conf from deploy/nats/auth-config.ts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderNatsAuthConfig } from './auth-config.js';

const target = fileURLToPath(new URL('./portcullis-auth.conf', import.meta.url));
writeFileSync(target, renderNatsAuthConfig());
process.stderr.write(`wrote ${target}\n`);

// npm run gateway:config — rewrites deploy/nginx/portcullis.conf from deploy/nginx/gateway-config.ts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultGatewayConfig } from './gateway-config.js';

const target = fileURLToPath(new URL('./portcullis.conf', import.meta.url));
writeFileSync(target, defaultGatewayConfig());
process.stderr.write(`wrote ${target}\n`);

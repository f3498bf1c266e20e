// npm run routes:table [-- --check]: writes policies/routes.yaml from the routers, or (--check) fails when it differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRouteTable } from './route-table.js';

const file = fileURLToPath(new URL('../../policies/routes.yaml', import.meta.url));
const rendered = renderRouteTable();
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== rendered) {
    console.error('policies/routes.yaml differs from the routes the services declare: run `npm run routes:table` and commit it.');
    process.exit(1);
  }
  console.log('policies/routes.yaml matches the routers');
} else {
  writeFileSync(file, rendered);
  console.log(`wrote ${file}`);
}

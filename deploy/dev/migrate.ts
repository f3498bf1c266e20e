// `npm run migrate`: applies pending migrations of every service to DATABASE_URL.
import { DEFAULT_DATABASE_URL } from './infra.js';
import { migrateAll } from './migrate-all.js';

const applied = await migrateAll(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
for (const [service, names] of Object.entries(applied)) {
  console.log(`${service}: ${names.length ? names.join(', ') : 'up to date'}`);
}

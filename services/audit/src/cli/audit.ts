// The audit command: npm run audit -- verify [--from <sequence>] [--to <sequence>] | prune
// verify recomputes the hash chain straight from the database (no service needed); exit 0 intact, 1 broken, 2 usage.
// prune applies AUDIT_RETENTION once (what the service does every AUDIT_RETENTION_INTERVAL).
import { parseArgs } from 'node:util';
import { createOrm, runMigrations } from '@portcullis/shared/db';
import { createLogger } from '@portcullis/shared/http';
import { loadAuditConfig } from '../config.js';
import { auditEntities } from '../entities/index.js';
import { auditMigrations } from '../migrations/index.js';
import { ChainVerifier } from '../services/chain-verifier.js';
import { auditUnitOfWork } from '../repositories/index.js';
import { RetentionService } from '../services/retention.js';

function usage(): never {
  console.error('usage: npm run audit -- verify [--from <sequence>] [--to <sequence>] | prune');
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { from: { type: 'string' }, to: { type: 'string' } },
  strict: true,
});
const [verb] = positionals;
if (verb !== 'verify' && verb !== 'prune') usage();
for (const bound of [values.from, values.to]) if (bound !== undefined && !/^\d{1,19}$/.test(bound)) usage();

const config = loadAuditConfig();
const orm = await createOrm({ databaseUrl: config.DATABASE_URL, schema: 'audit', entities: auditEntities, migrations: auditMigrations, poolMax: 2 });
let code = 0;
try {
  // The same pending migrations the service applies at start (the checkpoint table, for one).
  await runMigrations(orm);
  if (verb === 'verify') {
    const result = await new ChainVerifier(orm).verify({ fromSequence: values.from, toSequence: values.to });
    console.log(JSON.stringify(result, null, 2));
    if (!result.ok) code = 1;
  } else {
    const deleted = await new RetentionService(auditUnitOfWork(orm), createLogger('audit', 'warn'), { retentionMs: config.AUDIT_RETENTION }).prune();
    console.log(config.AUDIT_RETENTION ? `deleted ${deleted} events stored before the retention period` : 'AUDIT_RETENTION is 0: events are kept for ever');
  }
} finally {
  await orm.close(true);
}
process.exit(code);

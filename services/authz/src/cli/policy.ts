// The policy command: npm run policy -- check | test | explain <sub> <dom> <obj> <act> | diff | apply
// Exit codes: 0 ok, 1 a check or test failed, 2 the policy does not parse (file and line in the message).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { GrantWriter, PolicyEngine, PolicyParseError, policyDir, readModelText, readPolicyRules, readVocabulary } from '@portcullis/shared/authz';
import { createOrm } from '@portcullis/shared/db';
import { OutboxRelay } from '@portcullis/shared/events';
import { createLogger } from '@portcullis/shared/http';
import { connectNats, type NatsConnection } from '@portcullis/shared/nats';
import { authzEntities } from '../entities/index.js';
import { createAuthzOutbox } from '../events/authz-events.js';
import { authzMigrations } from '../migrations/index.js';
import { checkModel, findProblems } from '../services/policy-check.js';
import { loadCheckedRules, PolicyApplyService, policyApplyUnitOfWork, PolicyInvalid } from '../services/policy-apply.service.js';
import { readSuites, runSuites } from '../services/policy-test-runner.js';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/portcullis';
const dir = policyDir();
const logger = createLogger('policy', (process.env.LOG_LEVEL as 'info') || 'warn');

function usage(): never {
  console.error('usage: npm run policy -- check | test | explain <subject> <domain> <object> <action> | diff | apply');
  process.exit(2);
}

function check(): number {
  checkModel(readModelText(dir), join(dir, 'model.conf'));
  const vocabulary = readVocabulary(dir);
  const rules = readPolicyRules(dir);
  const problems = findProblems(rules, vocabulary, join(dir, 'policy.csv'));
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.message}`);
  if (problems.length) return 1;
  console.log(`policy ok: ${rules.length} rules, ${Object.keys(vocabulary.roles).length} roles, ${Object.keys(vocabulary.objects).length} objects`);
  return 0;
}

async function test(): Promise<number> {
  if (check() !== 0) return 1;
  const suites = readSuites(join(dir, 'tests'));
  const results = await runSuites(readModelText(dir), readPolicyRules(dir), suites);
  const failed = results.filter((r) => !r.passed);
  for (const f of failed) {
    const c = f.case;
    console.error(`${f.file}:${f.line}: FAIL ${c.name ?? ''} — ${c.sub} ${c.dom} ${c.obj} ${c.act}: expected ${c.allow ? 'allow' : 'deny'}, got ${f.actual ? 'allow' : 'deny'}${f.fullEnforcer === f.actual ? '' : ` (full enforcer: ${f.fullEnforcer ? 'allow' : 'deny'})`}`);
  }
  console.log(`${results.length - failed.length}/${results.length} decision tests passed in ${suites.length} files`);
  return failed.length ? 1 : 0;
}

async function withDatabase<T>(work: (orm: Awaited<ReturnType<typeof createOrm>>) => Promise<T>): Promise<T> {
  const orm = await createOrm({ databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL, schema: 'authz', entities: authzEntities, migrations: authzMigrations, poolMax: 2 });
  try {
    return await work(orm);
  } finally {
    await orm.close(true);
  }
}

async function explain(args: string[]): Promise<number> {
  if (args.length !== 4) usage();
  const [subject, domain, object, action] = args;
  return withDatabase(async (orm) => {
    const engine = await PolicyEngine.start({ orm, logger, reconcileIntervalMs: 60_000 });
    const result = engine.explain(subject, domain, object, action);
    await engine.stop();
    console.log(`${result.allowed ? 'ALLOW' : 'DENY'}  ${subject} ${domain} ${object} ${action}`);
    console.log(result.matched_policy ? `  rule:  p, ${result.matched_policy.join(', ')}` : '  rule:  none matched (default deny)');
    const roles = engine.rolesOf(subject, domain);
    console.log(`  roles: ${roles.length ? roles.map((r) => `${r.role} in ${r.domain}`).join(', ') : 'none in this domain'}`);
    if (result.via_roles.length) console.log(`  via:   ${subject} → ${result.via_roles.map((r) => `${r.role} (${r.domain})`).join(', ')}`);
    console.log(`  policy version ${engine.version}`);
    return 0;
  });
}

/**
 * NATS as the authz user (the one allowed to announce policy changes): NATS_NKEY_SEED (or _FILE, or NATS_CREDS_FILE),
 * or the authz seed in NATS_KEYS_FILE (make dev's .dev/nats-keys.json). Without it, instances reconcile within seconds.
 */
async function connectOptionalNats(): Promise<NatsConnection | undefined> {
  const env = process.env;
  const keysFile = env.NATS_KEYS_FILE;
  const credentials = keysFile && !env.NATS_NKEY_SEED ? { NATS_NKEY_SEED: (JSON.parse(readFileSync(keysFile, 'utf8')) as { authz: { seed: string } }).authz.seed } : env;
  if (!env.NATS_URL) {
    console.error('note: NATS_URL is not set; running instances will pick the change up at their next reconcile (within POLICY_RECONCILE_INTERVAL)');
    return undefined;
  }
  try {
    return await connectNats({ url: env.NATS_URL, name: 'portcullis-policy-command', user: 'authz', credentials });
  } catch {
    console.error('warning: NATS is unreachable; running instances will pick the change up at their next reconcile');
    return undefined;
  }
}

async function diffOrApply(apply: boolean): Promise<number> {
  return withDatabase(async (orm) => {
    const prefix = process.env.NATS_SUBJECT_PREFIX || '';
    const nc = apply ? await connectOptionalNats() : undefined;
    const service = new PolicyApplyService(policyApplyUnitOfWork(orm, new GrantWriter(nc, prefix, logger), createAuthzOutbox(prefix)));
    try {
      const result = apply ? await service.apply() : { ...(await service.diff()), changed: false, version: undefined };
      for (const rule of result.removed) console.log(`- p, ${rule.join(', ')}`);
      for (const rule of result.added) console.log(`+ p, ${rule.join(', ')}`);
      if (!apply) console.log(result.added.length || result.removed.length ? `${result.added.length} to add, ${result.removed.length} to remove` : 'no differences');
      else console.log(result.changed ? `applied: policy version ${result.version}` : 'nothing to apply: the stored policy matches policy.csv');
      if (apply && result.changed && nc) {
        // Publish the policy.applied audit event now rather than waiting for the authz service's relay.
        await new OutboxRelay({ orm, js: jetstream(nc), logger }).publishBatch().catch(() => undefined);
      }
      return 0;
    } finally {
      await nc?.drain().catch(() => undefined);
    }
  });
}

async function main(): Promise<number> {
  const [verb, ...args] = process.argv.slice(2);
  switch (verb) {
    case 'check':
      return check();
    case 'test':
      return test();
    case 'explain':
      return explain(args);
    case 'diff':
      return diffOrApply(false);
    case 'apply':
      loadCheckedRules(dir);
      return diffOrApply(true);
    default:
      usage();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof PolicyParseError) {
    console.error(error.message);
    process.exitCode = 2;
  } else if (error instanceof PolicyInvalid) {
    console.error(error.message);
    process.exitCode = 1;
  } else {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}

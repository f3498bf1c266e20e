import type { EntityManager } from '@mikro-orm/postgresql';
import { LINK_SUBJECT_PREFIX } from './link-rules.js';

/**
 * The policy as stored in Postgres, in schema `authz`: casbin-pg-adapter's `casbin` table (`ptype`, `rule` jsonb)
 * holds the p rules and every membership grant; `policy_version` counts changes; `policy_changes` logs each one so an
 * instance that missed a message catches up incrementally.
 */
export const POLICY_SCHEMA = 'authz';

/** A `g` rule added or removed, a share link's p rule added or removed, or anything else (reload everything). */
export type PolicyChangeKind = 'grant_added' | 'grant_removed' | 'rule_added' | 'rule_removed' | 'reload';

export interface PolicyChange {
  version: number;
  kind: PolicyChangeKind;
  /** The `g` rule for grant changes, the p rule for rule changes. */
  rule?: string[];
}

/** Share links' p rules (see link-rules.ts) are written by the sharing service; policy.csv owns every other p rule. */
const ROLE_RULES_ONLY = `not starts_with(rule->>0, '${LINK_SUBJECT_PREFIX}')`;

export interface PolicySnapshot {
  version: number;
  pRules: string[][];
  gRules: string[][];
}

interface Row {
  ptype: string;
  rule: string[];
}

/** Reads a consistent snapshot (one repeatable-read transaction): the version and the rules it describes. */
export async function readSnapshot(em: EntityManager): Promise<PolicySnapshot> {
  return em.fork().transactional(
    async (tx) => {
      const [versionRow] = await tx.execute<{ version: string }[]>(`select version::text as version from ${POLICY_SCHEMA}.policy_version where id = 1`);
      const rows = await tx.execute<Row[]>(`select ptype, rule from ${POLICY_SCHEMA}.casbin order by id`);
      const pRules: string[][] = [];
      const gRules: string[][] = [];
      for (const row of rows) {
        if (row.ptype === 'p') pRules.push(row.rule);
        else if (row.ptype === 'g') gRules.push(row.rule);
      }
      return { version: Number(versionRow?.version ?? 0), pRules, gRules };
    },
    { isolationLevel: 'repeatable read' as never, readOnly: true },
  );
}

export async function readVersion(em: EntityManager): Promise<number> {
  const [row] = await em.fork().execute<{ version: string }[]>(`select version::text as version from ${POLICY_SCHEMA}.policy_version where id = 1`);
  return Number(row?.version ?? 0);
}

/** The changes after `version`, oldest first. */
export async function readChangesSince(em: EntityManager, version: number, limit = 1000): Promise<PolicyChange[]> {
  const rows = await em.fork().execute<{ version: string; kind: PolicyChangeKind; rule: string[] | null }[]>(
    `select version::text as version, kind, rule from ${POLICY_SCHEMA}.policy_changes where version > ? order by version limit ?`,
    [version, limit],
  );
  return rows.map((r) => ({ version: Number(r.version), kind: r.kind, ...(r.rule ? { rule: r.rule } : {}) }));
}

/**
 * Records a change in the caller's transaction: bumps the version (the row lock orders concurrent writers, so versions
 * follow commit order) and logs it.
 */
export async function recordChange(tx: EntityManager, kind: PolicyChangeKind, rule?: string[]): Promise<PolicyChange> {
  const [row] = await tx.execute<{ version: string }[]>(
    `update ${POLICY_SCHEMA}.policy_version set version = version + 1, updated_at = now() where id = 1 returning version::text as version`,
  );
  const version = Number(row.version);
  await tx.execute(`insert into ${POLICY_SCHEMA}.policy_changes (version, kind, rule) values (?, ?, ?::jsonb)`, [
    version,
    kind,
    rule ? JSON.stringify(rule) : null,
  ]);
  return { version, kind, ...(rule ? { rule } : {}) };
}

/** The subjects holding `role` in `domain`, read from Postgres (inside a transaction: what it will commit against). */
export async function subjectsWithRole(tx: EntityManager, role: string, domain: string): Promise<string[]> {
  const rows = await tx.execute<{ subject: string }[]>(
    `select rule->>0 as subject from ${POLICY_SCHEMA}.casbin where ptype = 'g' and rule->>1 = ? and rule->>2 = ?`,
    [role, domain],
  );
  return rows.map((r) => r.subject);
}

/** Every role a subject holds in `domain`, from Postgres. */
export async function rolesOfSubject(tx: EntityManager, subject: string, domain: string): Promise<string[]> {
  const rows = await tx.execute<{ role: string }[]>(
    `select rule->>1 as role from ${POLICY_SCHEMA}.casbin where ptype = 'g' and rule->>0 = ? and rule->>2 = ?`,
    [subject, domain],
  );
  return rows.map((r) => r.role);
}

/** Inserts a `g` rule unless present; returns whether it was new. */
export function insertGrant(tx: EntityManager, rule: string[]): Promise<boolean> {
  return insertRule(tx, 'g', rule);
}

/** Deletes a `g` rule; returns whether it existed. */
export function deleteGrant(tx: EntityManager, rule: string[]): Promise<boolean> {
  return deleteRule(tx, 'g', rule);
}

/** Inserts a rule of type `ptype` unless present; returns whether it was new. */
export async function insertRule(tx: EntityManager, ptype: 'p' | 'g', rule: string[]): Promise<boolean> {
  const rows = await tx.execute<{ id: number }[]>(
    `insert into ${POLICY_SCHEMA}.casbin (ptype, rule) values (?, ?::jsonb) on conflict (rule) do nothing returning id`,
    [ptype, JSON.stringify(rule)],
  );
  return rows.length > 0;
}

/** Deletes a rule of type `ptype`; returns whether it existed. */
export async function deleteRule(tx: EntityManager, ptype: 'p' | 'g', rule: string[]): Promise<boolean> {
  const rows = await tx.execute<{ id: number }[]>(`delete from ${POLICY_SCHEMA}.casbin where ptype = ? and rule = ?::jsonb returning id`, [
    ptype,
    JSON.stringify(rule),
  ]);
  return rows.length > 0;
}

/** The stored p rules of roles (what policy.csv was applied as), without share links' rules. */
export async function readPRules(em: EntityManager): Promise<string[][]> {
  const rows = await em.fork().execute<Row[]>(`select ptype, rule from ${POLICY_SCHEMA}.casbin where ptype = 'p' and ${ROLE_RULES_ONLY} order by id`);
  return rows.map((r) => r.rule);
}

/**
 * Replaces every p rule of roles in the caller's transaction, in chunks well under Postgres's bind-parameter limit.
 * Share links' rules stay.
 */
export async function replacePRules(tx: EntityManager, rules: string[][], chunkSize = 1000): Promise<void> {
  await tx.execute(`delete from ${POLICY_SCHEMA}.casbin where ptype = 'p' and ${ROLE_RULES_ONLY}`);
  for (let start = 0; start < rules.length; start += chunkSize) {
    const chunk = rules.slice(start, start + chunkSize);
    await tx.execute(
      `insert into ${POLICY_SCHEMA}.casbin (ptype, rule) values ${chunk.map(() => `('p', ?::jsonb)`).join(', ')}`,
      chunk.map((rule) => JSON.stringify(rule)),
    );
  }
}

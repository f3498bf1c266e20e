import type { Grant } from '../../authz/grant-writer.js';
import { isLinkRule } from '../../authz/link-rules.js';
import { currentRun } from './in-memory-run.js';
import type { PolicyWrites } from '../unit-of-work.js';

/** The stored policy as rule strings, with the version counter the Postgres store keeps; announced after commit. */
export class InMemoryPolicy {
  readonly grants = new Set<string>();
  readonly rules = new Set<string>();
  version = 0;
  /** Versions announced to "every instance", one per committed unit of work that changed authority. */
  readonly announced: number[] = [];

  hasGrant(grant: Grant): boolean {
    return this.grants.has(grantKey(grant));
  }

  grantsOf(subject: string): Grant[] {
    return [...this.grants].map(parseGrant).filter((grant) => grant.subject === subject);
  }

  /** Writes for one unit of work; `changed` is called with each new version. */
  writes(changed: (version: number) => void): PolicyWrites {
    const toggle = (set: Set<string>, key: string, add: boolean) => {
      if (set.has(key) === add) return false;
      if (add) set.add(key);
      else set.delete(key);
      currentRun()?.undo.push(() => (add ? set.delete(key) : set.add(key)));
      changed(this.bump());
      return true;
    };
    const assertLink = (rule: string[]) => {
      if (!isLinkRule(rule)) throw new Error(`not a share link's rule: ${rule.join(', ')}`);
    };
    return {
      grant: async (grant) => toggle(this.grants, grantKey(grant), true),
      revoke: async (grant) => toggle(this.grants, grantKey(grant), false),
      addLinkRule: async (rule) => (assertLink(rule), toggle(this.rules, JSON.stringify(rule), true)),
      removeLinkRule: async (rule) => (assertLink(rule), toggle(this.rules, JSON.stringify(rule), false)),
      replaceRules: async (rules) => {
        const before = [...this.rules];
        for (const rule of before) if (!isLinkRule(JSON.parse(rule) as string[])) this.rules.delete(rule);
        for (const rule of rules) this.rules.add(JSON.stringify(rule));
        currentRun()?.undo.push(() => {
          this.rules.clear();
          for (const rule of before) this.rules.add(rule);
        });
        const version = this.bump();
        changed(version);
        return version;
      },
    };
  }

  private bump(): number {
    this.version += 1;
    const version = this.version;
    currentRun()?.undo.push(() => (this.version = Math.min(this.version, version - 1)));
    return version;
  }
}

const grantKey = (grant: Grant) => JSON.stringify([grant.subject, grant.role, grant.domain]);
const parseGrant = (key: string): Grant => {
  const [subject, role, domain] = JSON.parse(key) as string[];
  return { subject, role, domain };
};

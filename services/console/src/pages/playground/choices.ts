import { call } from '../../api/client';
import { tenancy, type PageOf, type Tenant } from '../../api/tenancy';

export type TenantChoice = Pick<Tenant, 'id' | 'name' | 'slug' | 'status'>;

/** The page size the lists allow at most; the playground offers the first 100 tenants by name. */
const MAX_PAGE = 100;

export async function loadTenantChoices(include?: string): Promise<TenantChoice[]> {
  const page = await call<PageOf<Tenant>>('GET', `/tenancy/v1/tenants?page_size=${MAX_PAGE}&sort=name:asc`);
  if (!include || page.items.some((t) => t.id === include)) return page.items;
  const linked = await tenancy.get(include);
  return [linked, ...page.items];
}

/** The objects and their actions that the roles of the policy name, for suggestions (wildcards left out). */
export async function loadVocabulary(): Promise<Map<string, string[]>> {
  const roles = await tenancy.roles();
  const vocabulary = new Map<string, Set<string>>();
  for (const { object, action } of roles.items.flatMap((role) => role.permissions)) {
    if (object === '*') continue;
    const actions = vocabulary.get(object) ?? new Set<string>();
    if (action !== '*') actions.add(action);
    vocabulary.set(object, actions);
  }
  return new Map([...vocabulary.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([object, actions]) => [object, [...actions].sort()]));
}

/** Suggested actions for what is typed as the object: `document:42` is a `document`; an unknown object gets every action. */
export function actionsFor(vocabulary: Map<string, string[]> | undefined, object: string): string[] {
  if (!vocabulary) return [];
  const type = object.split(':')[0] ?? '';
  const known = vocabulary.get(type);
  if (known?.length) return known;
  return [...new Set([...vocabulary.values()].flat())].sort();
}

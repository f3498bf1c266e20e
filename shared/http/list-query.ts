import { z } from 'zod';

/** `?page=&page_size=&sort=field:asc|desc&q=` as the contract's list convention has it. */
export function pageQuery<const F extends readonly [string, ...string[]]>(sortFields: F, defaultSort: `${F[number]}:${'asc' | 'desc'}`) {
  return z.object({
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    page_size: z.coerce.number().int().min(1).max(100).default(20),
    sort: z
      .string()
      .regex(new RegExp(`^(${sortFields.join('|')}):(asc|desc)$`), `field:asc|desc with field one of ${sortFields.join(', ')}`)
      .default(defaultSort),
    q: z.string().trim().min(1).max(200).optional(),
  });
}

export function parseSort<F extends string>(sort: string): { field: F; direction: 'asc' | 'desc' } {
  const [field, direction] = sort.split(':');
  return { field: field as F, direction: direction as 'asc' | 'desc' };
}

/** The contract's page envelope around items of `item`. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number(), page_size: z.number(), total: z.number() });

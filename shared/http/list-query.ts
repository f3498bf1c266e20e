import { z } from 'zod';

/** The largest page; a larger page_size is served as this (and the answer's page_size says so), not refused. */
export const MAX_PAGE_SIZE = 100;

/** `page_size`: 1 to 100, default 20; more is capped to 100. */
export const PageSize = z.coerce.number().int().min(1).max(1_000_000).default(20).transform((size) => Math.min(size, MAX_PAGE_SIZE));
export const PageNumber = z.coerce.number().int().min(1).max(100_000).default(1);

/** `?page=&page_size=&sort=field:asc|desc&q=` as the contract's list convention has it. */
export function pageQuery<const F extends readonly [string, ...string[]]>(sortFields: F, defaultSort: `${F[number]}:${'asc' | 'desc'}`) {
  return z.object({
    page: PageNumber,
    page_size: PageSize,
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

/** The contract's page envelope around items of `item` (defined with the views). */
export { pageOf } from '../contracts/views.js';

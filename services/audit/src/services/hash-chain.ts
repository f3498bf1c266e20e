import { createHash } from 'node:crypto';
import { canonicalize } from 'json-canonicalize';

/** The `prev_hash` of the first event in the chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** `SHA-256(prev_hash || canonical JSON of the event)` (RFC 8785 canonicalization), hex. */
export function chainHash(prevHash: string, event: unknown): string {
  return createHash('sha256').update(prevHash).update(canonicalize(event)).digest('hex');
}

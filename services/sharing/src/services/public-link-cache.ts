import type { ResolvableShare } from '../repositories/share.repository.js';

/**
 * Public links by token hash, so a hot link is not looked up on every resolve. Only fields that never change are
 * relied on (tenant, resource, visibility, expiry, view limit): status and views are re-checked by the statement that
 * counts the view, and a refusal there re-reads the row, so a cached link answers exactly as an uncached one.
 * `tenant` links are not kept: whether one is revoked must be known before its caller is asked to sign in.
 */
export class PublicLinkCache {
  private readonly links = new Map<string, ResolvableShare>();

  constructor(private readonly capacity = 10_000) {}

  get(tokenHash: string): ResolvableShare | undefined {
    return this.links.get(tokenHash);
  }

  remember(tokenHash: string, share: ResolvableShare): void {
    if (share.visibility !== 'public' || share.status !== 'active') return;
    // Oldest first out: Map keeps insertion order.
    if (this.links.size >= this.capacity) this.links.delete(this.links.keys().next().value!);
    this.links.set(tokenHash, share);
  }
}

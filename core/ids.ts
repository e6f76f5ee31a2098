import { createHash, randomBytes } from 'node:crypto';
import type { Provider, ResourceRef } from './model.js';

/** Same control and same resource give the same id on every scan and every machine. */
export function findingId(controlId: string, resourceUid: string): string {
  return createHash('sha256').update(`${controlId}\n${resourceUid}`).digest('hex').slice(0, 32);
}

/** Sortable by time, unique across concurrent scans. */
export function newScanId(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

/**
 * The resource an ERROR result is about when a whole scope could not be read. `region` is a region,
 * `global` for account-wide reads, or `*` when nothing in the account could be read.
 */
export function scopeResource(provider: Provider, account: string, region: string): ResourceRef {
  return { id: `${account}/${region}`, uid: `${provider}://${account}/${region}`, type: 'Scope', tags: {} };
}

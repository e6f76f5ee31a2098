// What one stored scan changed, per finding: the lifecycle of each result after the scan was
// recorded. `ward scan --fail-on-new` and the CSV output read it.

import type { TrackedFinding } from '../core/lifecycle.js';
import { severityRank, type ScanDocument, type Severity } from '../core/model.js';
import type { ScanStore } from '../core/store/scans.js';

/** The tracked state of every failing result of `scan`, by finding id, as the store holds it now. */
export async function lifecycleAfter(store: ScanStore, scan: ScanDocument): Promise<Map<string, TrackedFinding>> {
  const byId = new Map<string, TrackedFinding>();
  for (const target of scan.targets) {
    const state = await store.loadState(target.provider, target.account);
    for (const tracked of state?.tracked ?? []) byId.set(tracked.finding.id, tracked);
  }
  return byId;
}

/**
 * Failing (not muted) results that this scan made new or reopened, at or above `severity`: what a CI
 * gate on new risk stops for. A finding that was already open before the scan does not count.
 */
export function newFailuresAtOrAbove(scan: ScanDocument, lifecycle: ReadonlyMap<string, TrackedFinding>, severity: Severity): number {
  let n = 0;
  for (const f of scan.results) {
    if (f.status !== 'FAIL' || severityRank(f.severity) < severityRank(severity)) continue;
    const tracked = lifecycle.get(f.id);
    if (tracked !== undefined && (tracked.state === 'new' || tracked.state === 'reopened') && tracked.changedAt === scan.finishedAt) n += 1;
  }
  return n;
}

// The short JSON a scan returns to `sls invoke` and to logs: what ran, what it found, what changed.

import { SEVERITIES, STATUSES, type ReadIdentity, type ScanDocument, type ScanRunner, type Severity, type Status } from '../core/model.js';
import type { ScanOutcome } from './scan.js';

export interface ScanSummary {
  scanId: string;
  startedAt: string;
  finishedAt: string;
  /** Where Ward ran. */
  runner?: ScanRunner;
  /** Each target with the identity it was read as (who scanned). */
  targets: Array<{ provider: string; account: string; name?: string; identity?: ReadIdentity; regions: number; deferredRegions?: string[] }>;
  results: Record<Status, number>;
  failingBySeverity: Record<Severity, number>;
  changes?: { new: number; reopened: number; resolved: number };
  /** Scopes that could not be read. */
  coverageGaps: number;
  /** Mutes hide more than the configured share of failing findings. */
  muteWarning?: string;
}

export function summarizeScan(scan: ScanDocument, outcome?: Pick<ScanOutcome, 'recorded' | 'muteWarning'>): ScanSummary {
  const results = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const failingBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of scan.results) {
    results[f.status] += 1;
    if (f.status === 'FAIL') failingBySeverity[f.severity] += 1;
  }
  const counts = outcome?.recorded?.counts;
  return {
    scanId: scan.scanId,
    startedAt: scan.startedAt,
    finishedAt: scan.finishedAt,
    ...(scan.runner === undefined ? {} : { runner: scan.runner }),
    targets: scan.targets.map((t) => ({
      provider: t.provider,
      account: t.account,
      ...(t.name === undefined ? {} : { name: t.name }),
      ...(t.identity === undefined ? {} : { identity: t.identity }),
      regions: t.regions.length,
      ...(t.deferredRegions === undefined ? {} : { deferredRegions: t.deferredRegions }),
    })),
    results,
    failingBySeverity,
    ...(counts === undefined ? {} : { changes: { new: counts.new, reopened: counts.reopened, resolved: counts.resolved } }),
    coverageGaps: scan.coverage.length,
    ...(outcome?.muteWarning === undefined ? {} : { muteWarning: outcome.muteWarning }),
  };
}

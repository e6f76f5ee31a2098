// A small summary of each scan, cached in the store under `summaries/<scanId>.json`, so that choosing
// a week's scans and drawing an 8-week trend never loads eight weeks of large scan documents.
// Summaries are computed on first need (`loadScanSummaries`); `recordScanSummary` lets whoever records
// a scan write its summary at once.

import { SEVERITIES, STATUSES, type Provider, type ReadIdentity, type ScanDocument, type ScanRunner, type Severity, type Status, type Thresholds } from '../core/model.js';
import type { BlobStore } from '../core/store/blob.js';
import type { ScanStore } from '../core/store/scans.js';

// 2: per-account counts by control (for the audit-period report's share of scans passed).
export const SUMMARY_SCHEMA_VERSION = 2;

export interface AccountScanSummary {
  provider: Provider;
  account: string;
  name?: string;
  /** Regions judged by this scan. */
  regions: string[];
  disabledRegions: string[];
  deferredRegions: string[];
  /** Result scopes present (regions, `global`, `*`). */
  scopes: string[];
  results: Record<Status, number>;
  /** FAIL results by scope, then severity (scopes with none are left out). */
  failing: Record<string, Partial<Record<Severity, number>>>;
  /** Results by control, then status (statuses with none are left out). */
  controls: Record<string, Partial<Record<Status, number>>>;
  /** Who read the account in this scan, when recorded. */
  identity?: ReadIdentity;
}

export interface ScanSummary {
  schemaVersion: typeof SUMMARY_SCHEMA_VERSION;
  scanId: string;
  startedAt: string;
  finishedAt: string;
  wardVersion: string;
  thresholds: Thresholds;
  controls: string[];
  coverageGaps: number;
  accounts: AccountScanSummary[];
  /** Where Ward ran, when recorded. */
  runner?: ScanRunner;
}

export const summaryKey = (scanId: string): string => `summaries/${scanId}.json`;
export const accountKeyOf = (provider: string, account: string): string => `${provider}:${account}`;

function zeroStatuses(): Record<Status, number> {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
}

/** The counts a report needs from one scan, per scanned account. Pure. */
export function summarizeScanForReport(scan: ScanDocument): ScanSummary {
  const accounts = new Map<string, AccountScanSummary>();
  for (const t of scan.targets) {
    accounts.set(accountKeyOf(t.provider, t.account), {
      provider: t.provider,
      account: t.account,
      ...(t.name === undefined ? {} : { name: t.name }),
      ...(t.identity === undefined ? {} : { identity: t.identity }),
      regions: [...t.regions],
      disabledRegions: [...t.disabledRegions],
      deferredRegions: [...(t.deferredRegions ?? [])],
      scopes: [],
      results: zeroStatuses(),
      failing: {},
      controls: {},
    });
  }
  const scopes = new Map<string, Set<string>>();
  for (const f of scan.results) {
    const key = accountKeyOf(f.provider, f.account);
    let summary = accounts.get(key);
    if (summary === undefined) {
      // A result for an account the targets do not list: count it all the same.
      summary = { provider: f.provider, account: f.account, regions: [], disabledRegions: [], deferredRegions: [], scopes: [], results: zeroStatuses(), failing: {}, controls: {} };
      accounts.set(key, summary);
    }
    summary.results[f.status] += 1;
    const byControl = (summary.controls[f.controlId] ??= {});
    byControl[f.status] = (byControl[f.status] ?? 0) + 1;
    let seen = scopes.get(key);
    if (seen === undefined) scopes.set(key, (seen = new Set()));
    seen.add(f.scope);
    if (f.status === 'FAIL') {
      const byScope = (summary.failing[f.scope] ??= {});
      byScope[f.severity] = (byScope[f.severity] ?? 0) + 1;
    }
  }
  for (const [key, summary] of accounts) summary.scopes = [...(scopes.get(key) ?? [])].sort();
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    scanId: scan.scanId,
    startedAt: scan.startedAt,
    finishedAt: scan.finishedAt,
    wardVersion: scan.wardVersion,
    thresholds: scan.thresholds,
    controls: [...scan.controls],
    coverageGaps: scan.coverage.length,
    accounts: [...accounts.values()],
    ...(scan.runner === undefined ? {} : { runner: scan.runner }),
  };
}

/** Writes the scan's summary; call it right after recording a scan to spare the first report the work. */
export async function recordScanSummary(blobs: BlobStore, scan: ScanDocument): Promise<ScanSummary> {
  const summary = summarizeScanForReport(scan);
  await blobs.write(summaryKey(scan.scanId), JSON.stringify(summary));
  return summary;
}

function isSummary(value: unknown, scanId: string): value is ScanSummary {
  const v = value as Partial<ScanSummary> | null;
  return typeof v === 'object' && v !== null && v.schemaVersion === SUMMARY_SCHEMA_VERSION && v.scanId === scanId && Array.isArray(v.accounts);
}

/**
 * Every stored scan's summary, oldest first (by finishedAt). A missing or outdated summary is computed
 * from its scan document (loaded one at a time) and cached.
 */
export async function loadScanSummaries(store: ScanStore): Promise<ScanSummary[]> {
  const cached = new Set(await store.blobs.list('summaries/'));
  const out: ScanSummary[] = [];
  for (const scanId of await store.listScanIds()) {
    const key = summaryKey(scanId);
    if (cached.has(key)) {
      const text = await store.blobs.read(key);
      try {
        const parsed: unknown = text === undefined ? undefined : JSON.parse(text);
        if (isSummary(parsed, scanId)) {
          out.push(parsed);
          continue;
        }
      } catch {
        // A damaged cache entry is recomputed below.
      }
    }
    const scan = await store.loadScan(scanId);
    if (scan === undefined) continue;
    out.push(await recordScanSummary(store.blobs, scan));
  }
  return out.sort((a, b) => a.finishedAt.localeCompare(b.finishedAt) || a.scanId.localeCompare(b.scanId));
}

export function sumSeverities(into: Record<Severity, number>, add: Partial<Record<Severity, number>>): void {
  for (const s of SEVERITIES) into[s] += add[s] ?? 0;
}

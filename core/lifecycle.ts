// Findings have a life: first seen, last seen, new → open → resolved → reopened. A finding is only
// resolved when Ward read its scope successfully and saw it pass (or saw it gone); a scope that
// could not be read leaves every finding in it exactly as it was.

import type { AlertItem, AlertKind } from '../alerts/types.js';
import { ALL_REGIONS, GLOBAL_REGION } from './engine.js';
import type { Finding, Provider, ScanDocument } from './model.js';

export type LifecycleState = 'new' | 'open' | 'resolved' | 'reopened';

export interface TrackedFinding {
  /** The latest observation while failing (FAIL or MUTED); kept as it was once resolved. */
  finding: Finding;
  state: LifecycleState;
  firstSeen: string;
  lastSeen: string;
  /** When the state last changed (new, resolved or reopened). */
  changedAt: string;
  resolvedAt?: string;
  reopenedAt?: string;
}

/** An alert waiting for delivery, with the scan that produced it. */
export interface PendingAlert extends AlertItem {
  scanId: string;
  /** Set while a sender holds the alert (core/store/alert-claims.ts); nobody else may announce it. */
  claim?: { token: string; at: string };
}

export function alertKey(alert: PendingAlert): string {
  return `${alert.scanId}:${alert.finding.id}:${alert.kind}`;
}

export interface LifecycleResult {
  tracked: TrackedFinding[];
  alerts: PendingAlert[];
  counts: Record<'new' | 'reopened' | 'resolved' | 'open', number>;
}

const isFailing = (f: Finding): boolean => f.status === 'FAIL' || f.status === 'MUTED';

/** Whether this scan read the finding's scope well enough to say it is gone. */
function scopeReadCleanly(scan: ScanDocument, finding: Finding, erroredScopes: Set<string>): boolean {
  if (!scan.controls.includes(finding.controlId)) return false;
  const target = scan.targets.find((t) => t.provider === finding.provider && t.account === finding.account);
  // An account that could not be opened has `*` ERROR results for every control (checked below).
  if (target === undefined) return false;
  if (finding.scope !== GLOBAL_REGION && !target.regions.includes(finding.scope)) return false;
  const scope = (region: string) => `${finding.controlId}|${finding.provider}|${finding.account}|${region}`;
  return !erroredScopes.has(scope(finding.scope)) && !erroredScopes.has(scope(ALL_REGIONS));
}

/** Whether a change-driven scan's scopes include the finding (a full scan includes every finding). */
export function withinScanScope(scan: ScanDocument, finding: Finding): boolean {
  if (scan.partial === undefined) return true;
  return scan.partial.some(
    (p) => p.controlId === finding.controlId && p.account === finding.account && p.region === finding.scope && (p.resourceIds === undefined || p.resourceIds.includes(finding.resource.id)),
  );
}

/**
 * Advances one account's findings by one scan. Pure: the caller stores the result. `previous` is
 * the account's tracked findings before this scan. `passed` names results that passed and were
 * left out of `scan.results` (a recording keeps only the ids of its PASS results).
 */
export function advanceLifecycle(previous: readonly TrackedFinding[], scan: ScanDocument, provider: Provider, account: string, passed: ReadonlySet<string> = new Set()): LifecycleResult {
  const at = scan.finishedAt;
  const results = scan.results.filter((f) => f.provider === provider && f.account === account);
  const current = new Map(results.map((f) => [f.id, f]));
  const erroredScopes = new Set(
    results.filter((f) => f.status === 'ERROR' && f.resource.type === 'Scope').map((f) => `${f.controlId}|${f.provider}|${f.account}|${f.scope}`),
  );
  const alerts: PendingAlert[] = [];
  const counts = { new: 0, reopened: 0, resolved: 0, open: 0 };
  const alert = (kind: AlertKind, finding: Finding, firstSeen: string) => alerts.push({ kind, finding, firstSeen, scanId: scan.scanId });
  const tracked = new Map<string, TrackedFinding>();

  for (const before of previous) {
    if (!withinScanScope(scan, before.finding)) {
      // A change-driven scan read other resources only: this finding stays exactly as it was.
      tracked.set(before.finding.id, before);
      continue;
    }
    const now = current.get(before.finding.id);
    if (now !== undefined && isFailing(now)) {
      const reopened = before.state === 'resolved';
      const next: TrackedFinding = {
        ...before,
        finding: now,
        state: reopened ? 'reopened' : 'open',
        lastSeen: at,
        ...(reopened ? { changedAt: at, reopenedAt: at } : {}),
      };
      tracked.set(now.id, next);
      if (reopened) counts.reopened += 1;
      else counts.open += 1;
      if (now.status === 'FAIL' && reopened) alert('reopened', now, before.firstSeen);
      else if (now.status === 'FAIL' && before.finding.status === 'MUTED' && before.state !== 'resolved') alert('unmuted', now, before.firstSeen);
      continue;
    }
    const resolvedNow =
      before.state !== 'resolved' &&
      (now?.status === 'PASS' || (now === undefined && (passed.has(before.finding.id) || scopeReadCleanly(scan, before.finding, erroredScopes))));
    if (resolvedNow) {
      tracked.set(before.finding.id, { ...before, state: 'resolved', changedAt: at, resolvedAt: at });
      counts.resolved += 1;
      if (before.finding.status === 'FAIL') alert('resolved', before.finding, before.firstSeen);
    } else {
      // Unread scope, an ERROR for this very resource, or already resolved: exactly as it was.
      tracked.set(before.finding.id, before);
    }
  }

  for (const finding of results) {
    if (!isFailing(finding) || tracked.has(finding.id) || !withinScanScope(scan, finding)) continue;
    tracked.set(finding.id, { finding, state: 'new', firstSeen: at, lastSeen: at, changedAt: at });
    counts.new += 1;
    if (finding.status === 'FAIL') alert('new', finding, at);
  }

  return { tracked: [...tracked.values()], alerts, counts };
}

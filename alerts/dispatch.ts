// Which of a run's claimed alerts are worth saying. Delivery itself (one message per run, each
// finding announced once) is alerts/run-digest.ts.

import type { PendingAlert } from '../core/lifecycle.js';

/**
 * Alerts the team never heard about cancel out: a finding that was new (or reopened) and then
 * resolved before any message got through is not announced at all.
 */
export function collapse(pending: readonly PendingAlert[]): PendingAlert[] {
  const byFinding = new Map<string, PendingAlert[]>();
  for (const alert of pending) {
    const list = byFinding.get(alert.finding.id) ?? [];
    list.push(alert);
    byFinding.set(alert.finding.id, list);
  }
  const out: PendingAlert[] = [];
  for (const events of byFinding.values()) {
    const last = events[events.length - 1];
    if (last === undefined) continue;
    const openedUnannounced = events.some((e) => e.kind === 'new' || e.kind === 'reopened');
    if (last.kind === 'resolved' && openedUnannounced) continue;
    out.push(last);
  }
  return out;
}

// Queries over the stored lifecycle: what `ward findings` lists.

import type { LifecycleState } from '../core/lifecycle.js';
import type { Finding } from '../core/model.js';
import type { ScanStore } from '../core/store/scans.js';

export const FINDING_FILTERS = ['new', 'open', 'resolved', 'muted', 'error'] as const;
export type FindingFilter = (typeof FINDING_FILTERS)[number];

export interface ListedFinding {
  finding: Finding;
  /** `error` rows are scopes or resources the latest scan could not assess. */
  state: LifecycleState | 'error';
  firstSeen: string;
  lastSeen: string;
  changedAt: string;
}

function matches(row: ListedFinding, filter: FindingFilter | undefined): boolean {
  const failing = row.state !== 'resolved' && row.state !== 'error';
  switch (filter) {
    case undefined:
      return row.state !== 'resolved';
    case 'new':
      return row.state === 'new' && row.finding.status === 'FAIL';
    case 'open':
      return failing && row.finding.status === 'FAIL';
    case 'muted':
      return failing && row.finding.status === 'MUTED';
    case 'resolved':
      return row.state === 'resolved';
    case 'error':
      return row.state === 'error';
  }
}

/**
 * `new`: first seen in its account's latest scan; `open`: failing now, new and reopened included;
 * `muted`: failing under an accepted risk; `resolved`: fixed or gone; `error`: not assessable in the
 * latest scan. No filter: everything not resolved. `since` keeps rows whose state changed since then.
 */
export async function listFindings(store: ScanStore, options: { status?: FindingFilter; since?: Date } = {}): Promise<ListedFinding[]> {
  const rows: ListedFinding[] = [];
  for (const state of await store.loadAllStates()) {
    for (const t of state.tracked) rows.push({ finding: t.finding, state: t.state, firstSeen: t.firstSeen, lastSeen: t.lastSeen, changedAt: t.changedAt });
    for (const f of state.errors) rows.push({ finding: f, state: 'error', firstSeen: state.updatedAt, lastSeen: state.updatedAt, changedAt: state.updatedAt });
  }
  const since = options.since?.getTime();
  return rows
    .filter((r) => matches(r, options.status) && (since === undefined || Date.parse(r.changedAt) >= since))
    .sort((a, b) => b.changedAt.localeCompare(a.changedAt) || a.finding.controlId.localeCompare(b.finding.controlId) || a.finding.resource.uid.localeCompare(b.finding.resource.uid));
}

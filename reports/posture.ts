// Which results make up an account's posture for a week. Per account, the last scan of the week
// decides; a region that scan did not judge (left for a continuation part, or not in its region list)
// keeps what the latest earlier scan of the same week said about it. The plan is computed from scan
// summaries alone, so the same selection can be replayed while streaming scan documents.

import { SEVERITIES, type Finding, type Severity } from '../core/model.js';
import { accountKeyOf, type AccountScanSummary, type ScanSummary } from './summaries.js';

export interface PlannedAccount {
  key: string;
  summary: AccountScanSummary;
  /** Scopes a later scan of the same week already judged: results there are not taken from this scan. */
  excluded: ReadonlySet<string>;
  /** Whether other scans of the week also contribute to this account (results are then de-duplicated). */
  shared: boolean;
}

export interface PlannedScan {
  scanId: string;
  finishedAt: string;
  accounts: PlannedAccount[];
}

export interface PosturePlan {
  /** Latest first: the order in which results are taken. */
  scans: PlannedScan[];
  /** Per account, the latest scan of the week. */
  latest: Map<string, { scan: ScanSummary; account: AccountScanSummary }>;
}

/** `summaries`: the week's scans, in any order. */
export function planPosture(summaries: readonly ScanSummary[]): PosturePlan {
  const ordered = [...summaries].sort((a, b) => b.finishedAt.localeCompare(a.finishedAt) || b.scanId.localeCompare(a.scanId));
  const claimed = new Map<string, Set<string>>();
  const latest: PosturePlan['latest'] = new Map();
  const scans: PlannedScan[] = [];
  for (const scan of ordered) {
    const accounts: PlannedAccount[] = [];
    for (const account of scan.accounts) {
      const key = accountKeyOf(account.provider, account.account);
      const already = claimed.get(key) ?? new Set<string>();
      accounts.push({ key, summary: account, excluded: new Set(already), shared: false });
      if (!latest.has(key)) latest.set(key, { scan, account });
      for (const region of account.regions) already.add(region);
      for (const scope of account.scopes) if (scope !== '*') already.add(scope);
      claimed.set(key, already);
    }
    scans.push({ scanId: scan.scanId, finishedAt: scan.finishedAt, accounts });
  }
  const perAccount = new Map<string, number>();
  for (const scan of scans) for (const a of scan.accounts) perAccount.set(a.key, (perAccount.get(a.key) ?? 0) + 1);
  for (const scan of scans) for (const a of scan.accounts) a.shared = (perAccount.get(a.key) ?? 0) > 1;
  return { scans, latest };
}

/**
 * Replays the plan over one scan document's results. `seen` carries the finding ids already taken
 * from later scans (share one set across a whole pass over the plan, in plan order).
 */
export function* selectResults(planned: PlannedScan, results: readonly Finding[], seen: Set<string>): Generator<Finding> {
  const byKey = new Map(planned.accounts.map((a) => [a.key, a]));
  for (const finding of results) {
    const account = byKey.get(accountKeyOf(finding.provider, finding.account));
    if (account === undefined || account.excluded.has(finding.scope)) continue;
    if (account.shared) {
      const id = `${account.key}|${finding.id}`;
      if (seen.has(id)) continue;
      seen.add(id);
    }
    yield finding;
  }
}

/** Open (FAIL) findings by severity under a plan, from summaries only. */
export function failingBySeverity(plan: PosturePlan): Record<Severity, number> {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const scan of plan.scans) {
    for (const account of scan.accounts) {
      for (const [scope, bySeverity] of Object.entries(account.summary.failing)) {
        if (account.excluded.has(scope)) continue;
        for (const s of SEVERITIES) out[s] += bySeverity[s] ?? 0;
      }
    }
  }
  return out;
}

// The audit period: what an auditor reviewing months (often 12) rather than a week asks for, from the
// store without loading a single scan document:
// - per control, the share of account scans in which it passed (scan summaries);
// - each finding's time to remediate, mean and 90th percentile by severity, the findings open at the
//   end of the period and their age (each account's recorded lifecycle);
// - the mutes in force during the period, and every day without a completed scan.
//
// Lifecycle precision: an account's state keeps, per finding, when it was first seen, last resolved
// and last reopened. A resolution inside the period is timed from the last reopening before it (or
// from first sight); a finding resolved, reopened and resolved again within the period counts its
// latest remediation only.

import { ALL_CONTROLS } from '../checks/index.js';
import { SEVERITIES, severityRank, type Provider, type Severity } from '../core/model.js';
import { muteExpired, type MuteRule } from '../core/mutes.js';
import type { AccountState, ScanStore } from '../core/store/scans.js';
import { UserError } from '../core/errors.js';
import { WARD_VERSION } from '../core/version.js';
import { loadScanSummaries } from './summaries.js';

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface AuditPeriod {
  /** First day, YYYY-MM-DD (UTC, inclusive). */
  from: string;
  /** Last day, YYYY-MM-DD (UTC, inclusive). */
  to: string;
  start: Date;
  /** The day after `to`, 00:00 UTC (exclusive). */
  end: Date;
  id: string;
}

/** Parses --from / --to; refuses a period that is empty, backwards, or has not started. */
export function parsePeriod(from: string, to: string, now: Date): AuditPeriod {
  for (const [flag, value] of [['--from', from], ['--to', to]] as const) {
    const t = Date.parse(`${value}T00:00:00Z`);
    if (!DATE.test(value) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value) {
      throw new UserError(`Invalid ${flag} "${value}": expected a calendar date such as 2026-01-01.`);
    }
  }
  const start = new Date(`${from}T00:00:00Z`);
  const end = new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS);
  if (end <= start) throw new UserError(`The period ends (${to}) before it starts (${from}). Fix: --from must be on or before --to.`);
  if (start.getTime() > now.getTime()) throw new UserError(`The period starting ${from} has not started yet; its report cannot be written before then.`);
  return { from, to, start, end, id: `${from}_${to}` };
}

export interface ControlPassShare {
  controlId: string;
  title: string;
  severity: Severity;
  hipaa: string[];
  /** Account scans in the period that judged this control. */
  accountScans: number;
  /** …in which it had no FAIL and no ERROR result (MUTED counts as passed with an accepted risk). */
  passed: number;
  /** …with at least one FAIL. */
  failed: number;
  /** …with no FAIL but at least one ERROR (could not be completed). */
  incomplete: number;
  /** passed / accountScans, or null when it never ran. */
  share: number | null;
}

/** A finding as the period report lists it. */
export interface PeriodFinding {
  id: string;
  controlId: string;
  severity: Severity;
  provider: Provider;
  account: string;
  region: string;
  resource: string;
  /** When this episode began: first seen, or the last reopening before it. */
  openedAt: string;
}

export interface RemediatedFinding extends PeriodFinding {
  resolvedAt: string;
  days: number;
}

export interface OpenAtEnd extends PeriodFinding {
  status: 'FAIL' | 'MUTED';
  /** Days from openedAt to the end of the period. */
  ageDays: number;
}

export interface TtrStats {
  severity: Severity;
  remediated: number;
  meanDays: number | null;
  /** Nearest-rank 90th percentile. */
  p90Days: number | null;
  openAtEnd: number;
}

export interface PeriodMute {
  index: number;
  rule: MuteRule;
  /** In force at the end of the period, or it expired during it. */
  status: 'in-force-at-end' | 'expired-during-period';
}

export interface PeriodData {
  organization: string;
  period: AuditPeriod;
  generatedAt: string;
  wardVersion: string;
  /** Generated before the period ended: it covers the period so far. */
  inProgress: boolean;
  scans: number;
  accountScans: number;
  accounts: number;
  controls: ControlPassShare[];
  ttr: TtrStats[];
  remediated: RemediatedFinding[];
  openAtEnd: OpenAtEnd[];
  mutes: PeriodMute[];
  /** Days (YYYY-MM-DD) of the period, up to today, on which no scan completed. */
  daysWithoutScan: string[];
}

export interface PeriodOptions {
  period: AuditPeriod;
  organization: string;
  mutes: readonly MuteRule[];
  now: Date;
}

const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
const daysBetween = (from: string, to: number): number => Math.round(((to - Date.parse(from)) / DAY_MS) * 100) / 100;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

function resourceOf(t: AccountState['tracked'][number]): string {
  const r = t.finding.resource;
  return r.name !== undefined && r.name !== '' ? r.name : r.id;
}

export async function collectPeriodData(store: ScanStore, options: PeriodOptions): Promise<PeriodData> {
  const { period } = options;
  const start = period.start.getTime();
  const end = period.end.getTime();
  const inside = (iso: string | undefined): iso is string => iso !== undefined && Date.parse(iso) >= start && Date.parse(iso) < end;

  // Scans: the share of account scans each control passed, and the days with a completed scan.
  const registry = new Map(ALL_CONTROLS.map((c) => [c.id, c]));
  const shares = new Map<string, ControlPassShare>();
  const scannedDays = new Set<string>();
  const accounts = new Set<string>();
  let scans = 0;
  let accountScans = 0;
  for (const summary of await loadScanSummaries(store)) {
    if (!inside(summary.finishedAt)) continue;
    scans += 1;
    scannedDays.add(summary.finishedAt.slice(0, 10));
    for (const account of summary.accounts) {
      accountScans += 1;
      accounts.add(`${account.provider}:${account.account}`);
      for (const [controlId, counts] of Object.entries(account.controls)) {
        let share = shares.get(controlId);
        if (share === undefined) {
          const c = registry.get(controlId);
          share = { controlId, title: c?.title ?? controlId, severity: c?.severity ?? 'medium', hipaa: [...(c?.hipaa ?? [])], accountScans: 0, passed: 0, failed: 0, incomplete: 0, share: null };
          shares.set(controlId, share);
        }
        share.accountScans += 1;
        if ((counts.FAIL ?? 0) > 0) share.failed += 1;
        else if ((counts.ERROR ?? 0) > 0) share.incomplete += 1;
        else share.passed += 1;
      }
    }
  }
  for (const share of shares.values()) share.share = share.accountScans === 0 ? null : share.passed / share.accountScans;

  // Lifecycle: one account state at a time.
  const remediated: RemediatedFinding[] = [];
  const openAtEnd: OpenAtEnd[] = [];
  for (const key of await store.blobs.list('state/')) {
    const text = await store.blobs.read(key);
    if (text === undefined) continue;
    const state = JSON.parse(text) as AccountState;
    for (const t of state.tracked) {
      const f = t.finding;
      const base = { id: f.id, controlId: f.controlId, severity: f.severity, provider: f.provider, account: f.account, region: f.region, resource: resourceOf(t) };
      // The episode a resolution closed began at the last reopening before it, else at first sight.
      const reopenedBefore = t.reopenedAt !== undefined && t.resolvedAt !== undefined && t.reopenedAt < t.resolvedAt ? t.reopenedAt : undefined;
      if (inside(t.resolvedAt)) {
        const openedAt = reopenedBefore ?? t.firstSeen;
        remediated.push({ ...base, openedAt, resolvedAt: t.resolvedAt, days: daysBetween(openedAt, Date.parse(t.resolvedAt)) });
      }
      // Open at the end of the period: first seen before it, and the last known change before it (if
      // any) a reopening rather than a resolution.
      if (Date.parse(t.firstSeen) >= end) continue;
      const before = (iso: string | undefined) => (iso !== undefined && Date.parse(iso) < end ? iso : undefined);
      const resolved = before(t.resolvedAt);
      const lastReopenByEnd = before(t.reopenedAt);
      if (resolved !== undefined && (lastReopenByEnd === undefined || lastReopenByEnd < resolved)) continue;
      const openedAt = lastReopenByEnd ?? t.firstSeen;
      openAtEnd.push({ ...base, status: f.status === 'MUTED' ? 'MUTED' : 'FAIL', openedAt, ageDays: daysBetween(openedAt, Math.min(end, options.now.getTime())) });
    }
  }
  const worstFirst = <T extends { severity: Severity; controlId: string; account: string; resource: string }>(a: T, b: T) =>
    severityRank(b.severity) - severityRank(a.severity) || a.controlId.localeCompare(b.controlId) || a.account.localeCompare(b.account) || a.resource.localeCompare(b.resource);
  remediated.sort((a, b) => worstFirst(a, b) || b.days - a.days);
  openAtEnd.sort((a, b) => worstFirst(a, b) || b.ageDays - a.ageDays);

  const ttr: TtrStats[] = [...SEVERITIES].reverse().map((severity) => {
    const days = remediated.filter((r) => r.severity === severity).map((r) => r.days).sort((a, b) => a - b);
    const mean = days.length === 0 ? null : Math.round((days.reduce((n, d) => n + d, 0) / days.length) * 100) / 100;
    return { severity, remediated: days.length, meanDays: mean, p90Days: percentile(days, 90), openAtEnd: openAtEnd.filter((o) => o.severity === severity && o.status === 'FAIL').length };
  });

  // Mutes in force at some time in the period: not expired before it began.
  const mutes: PeriodMute[] = [];
  options.mutes.forEach((rule, index) => {
    if (muteExpired(rule, period.start)) return;
    mutes.push({ index, rule, status: muteExpired(rule, new Date(end - 1)) ? 'expired-during-period' : 'in-force-at-end' });
  });

  // Days without a completed scan, up to today (a day still to come is not a gap).
  const daysWithoutScan: string[] = [];
  const last = Math.min(end, Math.floor(options.now.getTime() / DAY_MS) * DAY_MS + DAY_MS);
  for (let t = start; t < last; t += DAY_MS) if (!scannedDays.has(day(t))) daysWithoutScan.push(day(t));

  return {
    organization: options.organization,
    period,
    generatedAt: options.now.toISOString(),
    wardVersion: WARD_VERSION,
    inProgress: options.now.getTime() < end,
    scans,
    accountScans,
    accounts: accounts.size,
    controls: [...shares.values()].sort((a, b) => (a.share ?? 2) - (b.share ?? 2) || a.controlId.localeCompare(b.controlId)),
    ttr,
    remediated,
    openAtEnd,
    mutes,
    daysWithoutScan,
  };
}

/** Consecutive days as ranges, for people: `2026-03-01–2026-03-04`, `2026-03-09`. */
export function dayRanges(days: readonly string[]): string[] {
  const ranges: string[] = [];
  let first: string | undefined;
  let previous: string | undefined;
  for (const d of days) {
    if (previous !== undefined && Date.parse(d) - Date.parse(previous) === DAY_MS) {
      previous = d;
      continue;
    }
    if (first !== undefined && previous !== undefined) ranges.push(first === previous ? first : `${first}–${previous}`);
    first = d;
    previous = d;
  }
  if (first !== undefined && previous !== undefined) ranges.push(first === previous ? first : `${first}–${previous}`);
  return ranges;
}

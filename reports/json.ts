// report.json: the machine-readable weekly report (schema: reports/report.schema.json). Everything but
// the findings is small; the findings are streamed one by one from the scan documents, so the report
// is never held whole in memory.

import { Readable } from 'node:stream';
import type { Finding } from '../core/model.js';
import type { ScanStore } from '../core/store/scans.js';
import { hipaaCoverage } from './hipaa-coverage.js';
import { lifecycleOf, postureByAccount, type Lifecycle, type ReportData, type ResolvedRef } from './data.js';

export const REPORT_SCHEMA_VERSION = 1;
export const REPORT_KIND = 'ward.weekly-report';

/** A finding as report.json and report.csv carry it: the scan result plus its lifecycle. */
export interface ReportFinding {
  finding: Finding;
  /** The scan the result comes from; null for a finding resolved this week whose resource is gone. */
  scanId: string | null;
  lifecycle: Lifecycle | null;
}

/** Every finding of the report: the week's posture, then findings resolved this week that it no longer lists. */
export async function* reportFindings(store: ScanStore, data: ReportData): AsyncGenerator<ReportFinding> {
  for await (const part of postureByAccount(store, data.plan)) {
    for (const finding of part.results) yield { finding, scanId: part.scanId, lifecycle: part.lifecycle.get(finding.id) ?? null };
  }
  // Resolved this week and gone from the posture: their last observation, from the account's state.
  const byAccount = new Map<string, ResolvedRef[]>();
  for (const ref of data.resolvedAbsent) {
    const key = `${ref.provider}:${ref.account}`;
    let list = byAccount.get(key);
    if (list === undefined) byAccount.set(key, (list = []));
    list.push(ref);
  }
  for (const refs of byAccount.values()) {
    const first = refs[0];
    if (first === undefined) continue;
    const state = await store.loadState(first.provider, first.account);
    const tracked = new Map((state?.tracked ?? []).map((t) => [t.finding.id, t]));
    for (const ref of refs) {
      const t = tracked.get(ref.id);
      if (t !== undefined) yield { finding: t.finding, scanId: null, lifecycle: lifecycleOf(t) };
    }
  }
}

/** The report without its findings array. */
export function reportHead(data: ReportData): Record<string, unknown> {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: REPORT_KIND,
    generator: { name: 'ward', version: data.wardVersion },
    organization: data.organization,
    period: { week: data.week.id, start: data.week.start.toISOString(), end: data.week.end.toISOString(), inProgress: data.inProgress },
    generatedAt: data.generatedAt,
    asOf: data.asOf,
    scans: data.scans.map((s) => ({
      scanId: s.scanId,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      wardVersion: s.wardVersion,
      accounts: s.accounts.map((a) => `${a.provider}:${a.account}`),
      ...(s.runner === undefined ? {} : { runner: s.runner }),
    })),
    scope: {
      accounts: data.accounts,
      unscannedAccounts: data.unscanned,
      controls: data.controlsAssessed,
      thresholds: data.thresholds,
    },
    summary: {
      results: data.totals.results,
      open: data.totals.open,
      changes: data.totals.changes,
    },
    trend: data.trend,
    hipaa: data.hipaa,
    hipaaCoverage: hipaaCoverage(),
    controls: data.controls.map((c) => ({
      id: c.id,
      title: c.title,
      provider: c.provider,
      area: c.area,
      severity: c.severity,
      hipaa: c.hipaa,
      remediation: c.remediation,
      registered: c.registered,
      counts: c.counts,
    })),
    coverage: {
      gaps: data.gaps,
      errors: data.totals.results.ERROR,
      notAssessable: data.totals.results.NOT_ASSESSABLE,
    },
    mutes: {
      rules: data.mutes,
      recorded: data.recordedMutes,
      ...(data.muteWarning === undefined ? {} : { warning: data.muteWarning }),
    },
  };
}

const CHUNK = 64 * 1024;

async function* jsonChunks(store: ScanStore, data: ReportData): AsyncGenerator<string> {
  const head = JSON.stringify(reportHead(data), null, 2);
  // Re-open the object to append the findings array.
  yield `${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "findings": [`;
  let buffer = '';
  let first = true;
  for await (const item of reportFindings(store, data)) {
    buffer += `${first ? '\n    ' : ',\n    '}${JSON.stringify({ ...item.finding, scanId: item.scanId, lifecycle: item.lifecycle })}`;
    first = false;
    if (buffer.length >= CHUNK) {
      yield buffer;
      buffer = '';
    }
  }
  yield `${buffer}${first ? ']' : '\n  ]'}\n}\n`;
}

export function reportJsonStream(store: ScanStore, data: ReportData): Readable {
  return Readable.from(jsonChunks(store, data), { objectMode: false });
}

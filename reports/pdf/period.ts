// report.pdf for an audit period: how the controls held over the period, how fast findings were
// remediated, what was open at its end, which risks were accepted, and when nothing was scanned.

import type { Writable } from 'node:stream';
import { dayRanges, type PeriodData } from '../period.js';
import { COLORS, type Pager, Table } from './pager.js';
import { approvalCell, fmtInt, renderPdf, SEVERITY_COLORS, stamp, type PdfOptions } from './render.js';

/** Rows the PDF lists per table; report.json and report.csv have every one. */
export const PERIOD_PDF_ROWS = 1_500;

const pct = (share: number | null): string => (share === null ? 'not run' : `${(share * 100).toFixed(1)}%`);
const days = (n: number | null): string => (n === null ? '–' : n.toFixed(1));
const label = (s: string): string => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;

function more(p: Pager, shown: number, total: number): void {
  if (total > shown) p.paragraph(`${fmtInt(total - shown)} more in report.csv and report.json.`, { face: 'regular', size: 7.5, color: COLORS.muted });
}

async function layout(p: Pager, data: PeriodData): Promise<void> {
  const { period } = data;
  p.section(
    { id: 'period', title: `Audit period ${period.from} to ${period.to}`, level: 1 },
    `${data.organization} · ${stamp(period.start.toISOString())} to ${stamp(period.end.toISOString())} (exclusive)${data.inProgress ? ' · in progress (period so far)' : ''} · generated ${stamp(data.generatedAt)} by Ward ${data.wardVersion}. ${fmtInt(data.scans)} scan(s), ${fmtInt(data.accountScans)} account scan(s) of ${fmtInt(data.accounts)} account(s). Lifecycle figures come from each account's recorded lifecycle: a finding resolved, reopened and resolved again within the period counts its latest remediation.`,
  );

  p.heading('Days without a completed scan', { before: 0 });
  const gaps = dayRanges(data.daysWithoutScan);
  p.paragraph(
    gaps.length === 0 ? 'None: a scan completed on every day of the period (so far).' : `${fmtInt(data.daysWithoutScan.length)} day(s): ${gaps.join(', ')}.`,
    { face: 'regular', size: 8, color: gaps.length === 0 ? '#15803d' : SEVERITY_COLORS.high },
  );

  p.heading('Time to remediate, by severity');
  const ttr = new Table(p, [
    { title: 'Severity', width: 120 },
    { title: 'Remediated in the period', width: 110, align: 'right' },
    { title: 'Mean days', width: 90, align: 'right' },
    { title: '90th percentile days', width: 96, align: 'right' },
    { title: 'Open at the end', width: p.width - 416, align: 'right' },
  ]).start();
  for (const t of data.ttr) ttr.row([{ text: label(t.severity), color: SEVERITY_COLORS[t.severity], face: 'condensedBold' }, fmtInt(t.remediated), days(t.meanDays), days(t.p90Days), fmtInt(t.openAtEnd)]);
  ttr.end();

  p.heading('Controls: share of account scans passed');
  p.paragraph('Passed: no failing and no error result for that account in that scan (muted findings are accepted risks). Incomplete: nothing failed, but something could not be read.', {
    face: 'regular',
    size: 7.5,
    color: COLORS.muted,
  });
  const controls = new Table(
    p,
    [
      { title: 'Control', width: 150 },
      { title: 'HIPAA', width: 112 },
      { title: 'Account scans', width: 54, align: 'right' },
      { title: 'Passed', width: 46, align: 'right' },
      { title: 'Failed', width: 46, align: 'right' },
      { title: 'Incomplete', width: 50, align: 'right' },
      { title: 'Share passed', width: p.width - 458, align: 'right' },
    ],
    { caption: 'Controls' },
  ).start();
  for (const c of data.controls) {
    controls.row([{ text: c.controlId, lines: 2 }, { text: c.hipaa.join(', '), lines: 3 }, fmtInt(c.accountScans), fmtInt(c.passed), fmtInt(c.failed), fmtInt(c.incomplete), { text: pct(c.share), face: 'condensedBold' }]);
  }
  controls.end();

  p.section({ id: 'open', title: 'Open at the end of the period', level: 1 }, 'Failing (or muted) findings not resolved by the end of the period, worst first, with their age: days since first seen, or since last reopened.');
  const open = new Table(
    p,
    [
      { title: 'Control', width: 120 },
      { title: 'Resource', width: 140 },
      { title: 'Where', width: 110 },
      { title: 'Severity', width: 46 },
      { title: 'Open since', width: 56 },
      { title: 'Age (days)', width: p.width - 472, align: 'right' },
    ],
    { caption: 'Open at the end of the period' },
  ).start();
  for (const o of data.openAtEnd.slice(0, PERIOD_PDF_ROWS)) {
    open.row([
      { text: o.controlId, lines: 2 },
      { text: `${o.resource}${o.status === 'MUTED' ? ' (muted)' : ''}`, lines: 2 },
      { text: `${o.provider}:${o.account} / ${o.region}`, lines: 2 },
      { text: label(o.severity), color: SEVERITY_COLORS[o.severity] },
      o.openedAt.slice(0, 10),
      days(o.ageDays),
    ]);
    await p.breathe();
  }
  open.end();
  more(p, PERIOD_PDF_ROWS, data.openAtEnd.length);

  p.section({ id: 'remediated', title: 'Remediated in the period', level: 1 }, 'Each finding resolved in the period, worst first, with its time to remediate: from first seen (or last reopened) to resolved.');
  const fixed = new Table(
    p,
    [
      { title: 'Control', width: 120 },
      { title: 'Resource', width: 140 },
      { title: 'Where', width: 100 },
      { title: 'Severity', width: 46 },
      { title: 'Opened', width: 48 },
      { title: 'Resolved', width: 48 },
      { title: 'Days', width: p.width - 502, align: 'right' },
    ],
    { caption: 'Remediated in the period' },
  ).start();
  for (const r of data.remediated.slice(0, PERIOD_PDF_ROWS)) {
    fixed.row([
      { text: r.controlId, lines: 2 },
      { text: r.resource, lines: 2 },
      { text: `${r.provider}:${r.account} / ${r.region}`, lines: 2 },
      { text: label(r.severity), color: SEVERITY_COLORS[r.severity] },
      r.openedAt.slice(0, 10),
      r.resolvedAt.slice(0, 10),
      days(r.days),
    ]);
    await p.breathe();
  }
  fixed.end();
  more(p, PERIOD_PDF_ROWS, data.remediated.length);

  p.section({ id: 'mutes', title: 'Accepted risks in force during the period', level: 1 }, 'Mutes from the configuration that applied at some time in the period: not expired before it began.');
  if (data.mutes.length === 0) p.paragraph('None.', { face: 'regular', size: 8 });
  else {
    const t = new Table(p, [
      { title: '#', width: 20, align: 'right' },
      { title: 'Reason', width: 190 },
      { title: 'Owner, approval, ticket', width: 150 },
      { title: 'Last day', width: 56 },
      { title: 'Status', width: p.width - 416 },
    ]).start();
    for (const m of data.mutes) {
      t.row([String(m.index + 1), { text: m.rule.reason, lines: 4 }, approvalCell(m.rule, 4), m.rule.expires, m.status === 'in-force-at-end' ? 'In force at the end' : 'Expired during the period']);
    }
    t.end();
  }
  p.setBreakHandler(undefined);
  p.finish();
}

export function renderPeriodPdf(data: PeriodData, out: Writable, options: PdfOptions = {}): Promise<{ pages: number }> {
  return renderPdf(
    out,
    {
      title: `HIPAA security evidence, audit period ${data.period.from} to ${data.period.to}: ${data.organization}`,
      subject: `Audit period ${data.period.from} to ${data.period.to}`,
      wardVersion: data.wardVersion,
      generatedAt: data.generatedAt,
      header: `${data.organization} · HIPAA security evidence · ${data.period.from} to ${data.period.to}`,
    },
    options,
    (p) => layout(p, data),
  );
}

// report.pdf: the weekly evidence report for a compliance lead and an auditor. Page 1 is the cover,
// page 2 the answer (posture, changes, trend, HIPAA at a glance); then contents, the HIPAA matrix,
// findings by control, scope and coverage, mutes, and an appendix on verifying the bundle.

import PDFDocument from 'pdfkit';
import type { Writable } from 'node:stream';
import { AREAS, AREA_TITLES, SEVERITIES, type Severity } from '../../core/model.js';
import type { MuteRule } from '../../core/mutes.js';
import { HIPAA_STATUS_LABELS, rowText, type ControlRollup, type FindingRow, type HipaaStatus, type ReportData } from '../data.js';
import { describeWeek } from '../week.js';
import { readAsText, runnerText } from '../who-scanned.js';
import { hipaaCoverage, type CoverageStatus } from '../hipaa-coverage.js';
import { defaultFontFiles, FontBook, type FontFiles } from './fonts.js';
import { COLORS, linesCell, PAGE, Pager, Table, type Cell, type DetailLine, type TextStyle, type TocEntry } from './pager.js';

export interface PdfOptions {
  fonts?: FontFiles;
}

export const SEVERITY_COLORS: Record<Severity, string> = {
  critical: '#991b1b',
  high: '#dc2626',
  medium: '#d97706',
  low: '#2563eb',
  info: '#6b7280',
};

const SEVERITY_LABELS: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };
const SEVERITIES_DESC: readonly Severity[] = [...SEVERITIES].reverse();

const HIPAA_COLORS: Record<HipaaStatus, string> = {
  NOT_MET: '#fee2e2',
  INCOMPLETE: '#fef3c7',
  MET_WITH_EXCEPTIONS: '#e0f2fe',
  MET: '#dcfce7',
  NO_DATA: '#f3f4f6',
};

const STATE_LABELS: Record<string, string> = { new: 'New', open: 'Open', reopened: 'Reopened', resolved: 'Resolved' };

export const fmtInt = (n: number): string => n.toLocaleString('en-US');
const day = (iso: string | undefined): string => (iso === undefined ? '' : iso.slice(0, 10));
export const stamp = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const where = (r: Pick<FindingRow, 'provider' | 'account' | 'region'>): string => `${r.provider}:${r.account}${r.region === 'global' ? '' : ` / ${r.region}`}`;

// --- the plan of sections -----------------------------------------------------------------------------

export function tocEntries(data: ReportData): TocEntry[] {
  const entries: TocEntry[] = [
    { id: 'summary', title: 'Executive summary', level: 1 },
    { id: 'hipaa', title: 'HIPAA Security Rule matrix', level: 1 },
    { id: 'hipaa-coverage', title: 'HIPAA coverage map: assessed and not', level: 1 },
    { id: 'controls', title: 'Findings by control', level: 1 },
  ];
  for (const c of data.controls) if (c.failing.length > 0) entries.push({ id: `control-${c.id}`, title: `${c.id}: ${c.title}`, level: 2 });
  entries.push(
    { id: 'passing', title: 'Controls without failing resources', level: 2 },
    { id: 'coverage', title: 'Scope and coverage', level: 1 },
    { id: 'mutes', title: 'Accepted risks (mutes)', level: 1 },
    { id: 'appendix', title: 'Appendix: verifying the bundle, glossary', level: 1 },
  );
  return entries;
}

function headline(data: ReportData): { text: string; color: string; detail: string } {
  const open = data.totals.open;
  const notMet = data.hipaa.filter((h) => h.status === 'NOT_MET').length;
  const incomplete = data.totals.results.ERROR + data.totals.results.NOT_ASSESSABLE + data.gaps.length;
  const accounts = data.accounts.length;
  const parts = [
    `${fmtInt(open.total)} open finding${open.total === 1 ? '' : 's'} across ${accounts} account${accounts === 1 ? '' : 's'}`,
    `${fmtInt(data.totals.changes.new)} new and ${fmtInt(data.totals.changes.resolved)} resolved this week`,
    `${notMet} of ${data.hipaa.length} HIPAA safeguards not met`,
  ];
  if (incomplete > 0) parts.push(`${fmtInt(incomplete)} check${incomplete === 1 ? '' : 's'} could not be completed (see Scope and coverage)`);
  if (data.unscanned.length > 0) parts.push(`${data.unscanned.length} account${data.unscanned.length === 1 ? ' was' : 's were'} not scanned this week`);
  const detail = `${parts.join(' · ')}.`;
  if (data.scans.length === 0) return { text: 'No scan finished in this week: nothing was assessed.', color: SEVERITY_COLORS.high, detail };
  const urgent = open.bySeverity.critical + open.bySeverity.high;
  if (urgent > 0) {
    return {
      text: `Action needed: ${fmtInt(open.bySeverity.critical)} critical and ${fmtInt(open.bySeverity.high)} high-severity findings are open.`,
      color: SEVERITY_COLORS.critical,
      detail,
    };
  }
  if (open.total > 0) return { text: `${fmtInt(open.total)} open findings, none critical or high.`, color: SEVERITY_COLORS.medium, detail };
  if (incomplete > 0) return { text: 'No open findings in what could be assessed; some checks could not be completed.', color: SEVERITY_COLORS.medium, detail };
  return { text: 'No open findings: every assessed control passed.', color: '#15803d', detail };
}

// --- pages --------------------------------------------------------------------------------------------

function cover(p: Pager, data: ReportData): void {
  p.addPage({ header: false });
  p.box(0, 0, PAGE.width, 250, COLORS.accent);
  p.text('WARD · HIPAA SECURITY RULE EVIDENCE', p.left, 70, p.width, { face: 'bold', size: 10, color: '#bfdbfe' });
  p.text('Weekly security posture report', p.left, 96, p.width, { face: 'bold', size: 26, color: '#ffffff' });
  p.text(data.organization, p.left, 140, p.width, { face: 'regular', size: 18, color: '#ffffff' });
  p.text(`Week ${data.week.id} · ${describeWeek(data.week)}${data.inProgress ? ' · in progress (period so far)' : ''}`, p.left, 180, p.width, { face: 'regular', size: 13, color: '#dbeafe' });
  p.y = 290;
  const rows: Array<[string, string]> = [
    ['Organisation', data.organization],
    ['Period', `${data.week.start.toISOString().slice(0, 16).replace('T', ' ')} to ${data.week.end.toISOString().slice(0, 16).replace('T', ' ')} UTC (ISO week ${data.week.id})`],
    ...(data.inProgress ? [['Status', `In progress (period so far): the week had not ended when this report was generated; it covers scans finished up to ${stamp(data.generatedAt)}.`] as [string, string]] : []),
    ['Generated at', stamp(data.generatedAt)],
    ['Generator', `Ward ${data.wardVersion}`],
    ['Scope', `${data.accounts.length} account(s) · ${data.scans.length} scan(s) this week · ${data.controlsAssessed.length} control(s)`],
  ];
  for (const [label, value] of rows) {
    p.text(label, p.left, p.y, 110, { face: 'bold', size: 10, color: COLORS.muted });
    const lines = p.wrap(value, p.width - 115, { face: 'regular', size: 10 }, 3);
    for (const line of lines) {
      p.text(line, p.left + 115, p.y, p.width - 115, { face: 'regular', size: 10 });
      p.y += 13;
    }
    p.y += 7;
  }
  p.y += 20;
  const h = headline(data);
  p.box(p.left, p.y, p.width, 58, COLORS.accentLight);
  p.text('The answer, on page 2:', p.left + 12, p.y + 10, p.width - 24, { face: 'bold', size: 9, color: COLORS.accent });
  p.text(h.text, p.left + 12, p.y + 28, p.width - 24, { face: 'bold', size: 11, color: h.color });
  p.y += 80;
  p.paragraph(
    'This report and its evidence bundle (report.json, report.csv, the raw scan documents and a manifest of SHA-256 digests, chained to the previous week) are tamper-evident: see the appendix for how to verify them offline. They describe security weaknesses of the organisation\'s systems: handle them as confidential.',
    { face: 'regular', size: 8.5, color: COLORS.muted },
  );
}

function tile(p: Pager, x: number, y: number, w: number, label: string, value: string, color: string, sub?: string): void {
  p.box(x, y, w, 44, '#ffffff', COLORS.rule);
  p.box(x, y, 4, 44, color);
  p.text(label, x + 10, y + 6, w - 14, { face: 'condensedBold', size: 7.5, color: COLORS.muted });
  p.text(value, x + 10, y + 17, w - 14, { face: 'bold', size: 16, color });
  if (sub !== undefined) p.text(sub, x + 10, y + 35, w - 14, { face: 'condensed', size: 6, color: COLORS.faint });
}

function trendChart(p: Pager, data: ReportData, height: number): void {
  const x0 = p.left + 30;
  const width = p.width - 40;
  const top = p.y;
  const bottom = top + height - 18;
  const max = Math.max(1, ...data.trend.map((t) => t.open ?? 0));
  const step = niceStep(max);
  const ceiling = Math.ceil(max / step) * step;
  const scale = (bottom - top - 12) / ceiling;
  // Axis and grid.
  for (let v = 0; v <= ceiling; v += step) {
    const y = bottom - v * scale;
    p.rule(x0, y, x0 + width, v === 0 ? COLORS.muted : '#eef0f3', v === 0 ? 0.6 : 0.4);
    p.text(fmtInt(v), p.left - 4, y - 4, 30, { face: 'condensed', size: 6.5, color: COLORS.muted }, 'right');
  }
  const slot = width / data.trend.length;
  const barW = Math.min(34, slot * 0.55);
  data.trend.forEach((point, i) => {
    const cx = x0 + slot * i + slot / 2;
    const label = point.week.slice(5);
    p.text(label, cx - slot / 2, bottom + 4, slot, { face: 'condensed', size: 6.5, color: i === data.trend.length - 1 ? COLORS.text : COLORS.muted }, 'center');
    if (point.open === null) {
      p.text('no scans', cx - slot / 2, bottom - 12, slot, { face: 'condensed', size: 6, color: COLORS.faint }, 'center');
      return;
    }
    let y = bottom;
    p.graphics((doc) => {
      for (const s of SEVERITIES) {
        const h = point.bySeverity[s] * scale;
        if (h <= 0) continue;
        doc.rect(cx - barW / 2, y - h, barW, h).fill(SEVERITY_COLORS[s]);
        y -= h;
      }
    });
    const total = point.open;
    p.text(fmtInt(total), cx - slot / 2, bottom - total * scale - 10, slot, { face: 'condensedBold', size: 6.5 }, 'center');
  });
  // Legend.
  let lx = x0 + width - 5 * 52;
  for (const s of SEVERITIES_DESC) {
    p.box(lx, top - 12, 6, 6, SEVERITY_COLORS[s]);
    p.text(SEVERITY_LABELS[s], lx + 9, top - 13.5, 40, { face: 'condensed', size: 6.5, color: COLORS.muted });
    lx += 52;
  }
  p.y = top + height;
}

function niceStep(max: number): number {
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(1, rough)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * magnitude >= rough) return Math.max(1, m * magnitude);
  return magnitude * 10;
}

function summary(p: Pager, data: ReportData): void {
  p.section({ id: 'summary', title: 'Executive summary', level: 1 });
  p.y -= 6;
  p.text(`${data.organization} · week ${data.week.id} (${describeWeek(data.week)})${data.inProgress ? ', in progress (period so far)' : ''} · per account, its last scan of the week`, p.left, p.y, p.width, {
    face: 'condensed',
    size: 8,
    color: COLORS.muted,
  });
  p.y += 16;
  const h = headline(data);
  const detail = p.wrap(h.detail, p.width - 24, { face: 'regular', size: 8.5 }, 3);
  const boxH = 26 + detail.length * 11.5;
  p.box(p.left, p.y, p.width, boxH, COLORS.accentLight);
  p.box(p.left, p.y, 4, boxH, h.color);
  p.text(h.text, p.left + 12, p.y + 7, p.width - 24, { face: 'bold', size: 11.5, color: h.color });
  let dy = p.y + 24;
  for (const line of detail) {
    p.text(line, p.left + 12, dy, p.width - 24, { face: 'regular', size: 8.5, color: COLORS.text });
    dy += 11.5;
  }
  p.y += boxH + 10;
  if (data.muteWarning !== undefined) {
    p.paragraph(data.muteWarning, { face: 'bold', size: 9, color: SEVERITY_COLORS.critical }, { gap: 8 });
  }

  // Open findings by severity, then this week's changes.
  p.text('Open findings by severity', p.left, p.y, p.width, { face: 'bold', size: 9 });
  p.y += 13;
  const gap = 6;
  const w5 = (p.width - gap * 4) / 5;
  SEVERITIES_DESC.forEach((s, i) => tile(p, p.left + i * (w5 + gap), p.y, w5, SEVERITY_LABELS[s], fmtInt(data.totals.open.bySeverity[s]), SEVERITY_COLORS[s]));
  p.y += 50;
  p.text('This week', p.left, p.y, p.width, { face: 'bold', size: 9 });
  p.y += 13;
  const w4 = (p.width - gap * 3) / 4;
  const notAssessed = data.totals.results.ERROR + data.totals.results.NOT_ASSESSABLE;
  const changes: Array<[string, number, string, string]> = [
    ['New', data.totals.changes.new, SEVERITY_COLORS.high, 'first seen this week'],
    ['Resolved', data.totals.changes.resolved, '#15803d', 'fixed or gone this week'],
    ['Reopened', data.totals.changes.reopened, SEVERITY_COLORS.medium, 'failing again after a fix'],
    ['Not assessed', notAssessed, COLORS.muted, `${fmtInt(data.totals.results.ERROR)} errors · ${fmtInt(data.totals.results.NOT_ASSESSABLE)} N/A · ${data.gaps.length} unreadable scope(s)`],
  ];
  changes.forEach(([label, n, color, sub], i) => tile(p, p.left + i * (w4 + gap), p.y, w4, label, fmtInt(n), color, sub));
  p.y += 54;

  // By area.
  p.text('Open findings by area and severity', p.left, p.y, p.width, { face: 'bold', size: 9 });
  p.y += 12;
  const num = 41;
  const table = new Table(p, [
    { title: 'Area', width: p.width - num * 9 },
    ...SEVERITIES_DESC.map((s) => ({ title: SEVERITY_LABELS[s], width: num, align: 'right' as const })),
    { title: 'Open', width: num, align: 'right' },
    { title: 'Muted', width: num, align: 'right' },
    { title: 'Errors', width: num, align: 'right' },
    { title: 'N/A', width: num, align: 'right' },
  ]).start();
  // Errors (Ward could not read) and N/A (the provider's API cannot show it) are different answers.
  const areaCounts = (area: (typeof AREAS)[number]) => {
    let muted = 0;
    let errors = 0;
    let notAssessable = 0;
    for (const c of data.controls) {
      if (c.area !== area) continue;
      muted += c.counts.MUTED;
      errors += c.counts.ERROR;
      notAssessable += c.counts.NOT_ASSESSABLE;
    }
    return { muted, errors, notAssessable };
  };
  for (const area of AREAS) {
    const bySeverity = data.totals.open.byAreaSeverity[area];
    const { muted, errors, notAssessable } = areaCounts(area);
    table.row([
      { text: AREA_TITLES[area], lines: 2 },
      ...SEVERITIES_DESC.map((s) => ({ text: fmtInt(bySeverity[s]), color: bySeverity[s] > 0 ? SEVERITY_COLORS[s] : COLORS.faint })),
      { text: fmtInt(data.totals.open.byArea[area]), face: 'condensedBold' as const },
      fmtInt(muted),
      fmtInt(errors),
      fmtInt(notAssessable),
    ]);
  }
  table.row(
    [
      { text: 'Total', face: 'condensedBold' },
      ...SEVERITIES_DESC.map((s) => ({ text: fmtInt(data.totals.open.bySeverity[s]), face: 'condensedBold' as const })),
      { text: fmtInt(data.totals.open.total), face: 'condensedBold' },
      { text: fmtInt(data.totals.results.MUTED), face: 'condensedBold' },
      { text: fmtInt(data.totals.results.ERROR), face: 'condensedBold' },
      { text: fmtInt(data.totals.results.NOT_ASSESSABLE), face: 'condensedBold' },
    ],
  );
  table.end(8);

  p.text('Trend: open findings at the end of each of the last 8 weeks', p.left, p.y, p.width, { face: 'bold', size: 9 });
  p.y += 24;
  trendChart(p, data, 118);
  p.y += 6;

  p.text('HIPAA Security Rule safeguards at a glance', p.left, p.y, p.width, { face: 'bold', size: 9 });
  p.y += 13;
  for (const row of data.hipaa) {
    p.box(p.left, p.y, 86, 11, HIPAA_COLORS[row.status]);
    p.text(HIPAA_STATUS_LABELS[row.status], p.left + 3, p.y + 1.5, 80, { face: 'condensedBold', size: 7 });
    p.text(`${row.safeguard}  ${row.title}`, p.left + 92, p.y + 1.5, p.width - 220, { face: 'condensed', size: 7.5 });
    const counts = `${fmtInt(row.fail)} failing · ${fmtInt(row.pass)} passing${row.error + row.notAssessable > 0 ? ` · ${fmtInt(row.error + row.notAssessable)} not assessed` : ''}`;
    p.text(counts, p.left + p.width - 124, p.y + 1.5, 124, { face: 'condensed', size: 7, color: COLORS.muted }, 'right');
    p.y += 13;
  }
}

function contents(p: Pager, entries: readonly TocEntry[], pages: ReadonlyMap<string, number> | undefined): void {
  p.running = 'Contents';
  p.setBreakHandler(undefined);
  p.addPage();
  p.text('Contents', p.left, p.y, p.width, { face: 'bold', size: 17, color: COLORS.accent });
  p.y += 28;
  for (const e of entries) {
    const size = e.level === 1 ? 10 : 8.5;
    const lineH = e.level === 1 ? 17 : 12.5;
    p.ensure(lineH);
    const indent = e.level === 1 ? 0 : 14;
    const page = pages?.get(e.id);
    const numberText = page === undefined ? '' : String(page);
    const style = { face: e.level === 1 ? ('bold' as const) : ('regular' as const), size, color: COLORS.text };
    const titleWidth = p.text(e.title, p.left + indent, p.y, p.width - indent - 50, style);
    p.text(numberText, p.left + p.width - 40, p.y, 40, style, 'right');
    // Dotted leader.
    const from = p.left + indent + titleWidth + 4;
    const to = p.left + p.width - 44;
    if (to > from) {
      p.graphics((doc) => {
        doc
          .moveTo(from, p.y + size * 0.85)
          .lineTo(to, p.y + size * 0.85)
          .dash(0.6, { space: 2.2 })
          .lineWidth(0.6)
          .strokeColor(COLORS.faint)
          .stroke()
          .undash();
      });
    }
    p.link(p.left, p.y - 1, p.width, lineH - 2, e.id);
    p.y += lineH;
  }
}

function hipaaMatrix(p: Pager, data: ReportData): void {
  p.section(
    { id: 'hipaa', title: 'HIPAA Security Rule matrix', level: 1 },
    'Each safeguard of the HIPAA Security Rule (45 CFR Part 164, Subpart C) that Ward\'s controls map to, with the controls that evidence it and their results in this week\'s posture. Not met: at least one failing resource. Incomplete: nothing fails, but something could not be assessed (an error, or a check the provider\'s API cannot show). Met (accepted risks): nothing fails, but findings are muted. Met: every result passes. No data: none of its controls ran.',
  );
  const table = new Table(
    p,
    [
      { title: 'Safeguard', width: 100 },
      { title: 'Controls', width: 160 },
      { title: 'Pass', width: 32, align: 'right' },
      { title: 'Fail', width: 32, align: 'right' },
      { title: 'Muted', width: 34, align: 'right' },
      { title: 'Error', width: 34, align: 'right' },
      { title: 'N/A', width: 30, align: 'right' },
      { title: 'Status', width: p.width - 422 },
    ],
    { caption: 'HIPAA Security Rule matrix', zebra: false },
  ).start();
  for (const row of data.hipaa) {
    table.row([
      { text: row.safeguard, below: [row.title], lines: 4, face: 'condensedBold' },
      linesCell(row.controls, 12),
      fmtInt(row.pass),
      { text: fmtInt(row.fail), color: row.fail > 0 ? SEVERITY_COLORS.high : COLORS.text },
      fmtInt(row.muted),
      fmtInt(row.error),
      fmtInt(row.notAssessable),
      { text: HIPAA_STATUS_LABELS[row.status], badge: HIPAA_COLORS[row.status], face: 'condensedBold' },
    ]);
  }
  table.end();
  p.paragraph('N/A counts results the provider\'s API cannot show (NOT_ASSESSABLE): the report says where to look instead, in Scope and coverage. Controls are derived from each control\'s own HIPAA references; a control may evidence several safeguards.', {
    face: 'regular',
    size: 7.5,
    color: COLORS.muted,
  });
}

const COVERAGE_LABELS: Record<CoverageStatus, string> = { assessed: 'Assessed', 'partly-assessed': 'Partly', 'not-assessed': 'Not assessed' };
const COVERAGE_COLORS: Record<CoverageStatus, string> = { assessed: '#dcfce7', 'partly-assessed': '#e0f2fe', 'not-assessed': '#f3f4f6' };

function coverageMap(p: Pager): void {
  const map = hipaaCoverage();
  p.section(
    { id: 'hipaa-coverage', title: 'HIPAA coverage map: assessed and not', level: 1 },
    `Every standard and implementation specification of the HIPAA Security Rule (45 CFR 164.308–164.316), required (R) or addressable (A). Assessed: at least one of Ward's controls relates to it (their results are in the matrix above). Partly: a standard assessed only through some of its implementation specifications. Not assessed: this evidence says nothing about it; it needs other evidence (policies, procedures, training, contracts, physical controls). ${map.assessed} assessed, ${map.partlyAssessed} partly, ${map.notAssessed} not assessed.`,
  );
  const t = new Table(
    p,
    [
      { title: 'Section', width: 92 },
      { title: 'Standard / implementation specification', width: 178 },
      { title: 'R/A', width: 26 },
      { title: 'Coverage', width: 58 },
      { title: "Ward's controls", width: p.width - 354 },
    ],
    { caption: 'HIPAA coverage map', zebra: false },
  ).start();
  for (const item of map.items) {
    const standard = item.kind === 'standard';
    t.row([
      { text: item.ref, face: standard ? 'condensedBold' : 'condensed' },
      { text: standard ? item.title : `  ${item.title}`, lines: 2, ...(standard ? { face: 'condensedBold' as const } : {}) },
      standard ? 'Std' : item.requirement === 'required' ? 'R' : 'A',
      { text: COVERAGE_LABELS[item.status], badge: COVERAGE_COLORS[item.status] },
      { text: item.controls.length > 0 ? item.controls.join(', ') : item.through.length > 0 ? `through ${item.through.join(', ')}` : '', lines: 4 },
    ]);
  }
  t.end();
  p.heading('Thresholds, and why');
  for (const n of map.thresholds) p.paragraph(`${n.setting}: ${n.value}. ${n.why}`, { face: 'regular', size: 8 }, { gap: 4 });
}

function controlHeader(p: Pager, c: ControlRollup): void {
  p.y += 8;
  p.ensure(120);
  p.anchor({ id: `control-${c.id}`, title: `${c.id}: ${c.title}`, level: 2 });
  p.box(p.left, p.y, p.width, 18, COLORS.accentLight);
  p.text(c.title, p.left + 6, p.y + 4, p.width - 170, { face: 'bold', size: 9.5, color: COLORS.accent });
  p.text(c.id, p.left + p.width - 166, p.y + 5, 160, { face: 'condensed', size: 7.5, color: COLORS.accent }, 'right');
  p.y += 23;
  const meta = [
    `${c.provider.toUpperCase()} · ${AREA_TITLES[c.area]} · default severity ${c.severity}`,
    `HIPAA ${c.hipaa.join(', ')}`,
    `${fmtInt(c.counts.FAIL)} failing · ${fmtInt(c.counts.MUTED)} muted · ${fmtInt(c.counts.PASS)} passing · ${fmtInt(c.counts.ERROR + c.counts.NOT_ASSESSABLE)} not assessed`,
  ].join('   |   ');
  p.paragraph(meta, { face: 'condensed', size: 7.5, color: COLORS.muted }, { gap: 3 });
  if (c.description !== '') p.paragraph(c.description, { face: 'regular', size: 7.5 }, { maxLines: 3, gap: 3 });
  p.paragraph(`Remediation: ${c.remediation.text}`, { face: 'regular', size: 7.5 }, { maxLines: 5, gap: 1 });
  const urlStyle = { face: 'condensed' as const, size: 7, color: '#1d4ed8' };
  p.ensure(12);
  const w = p.text(c.remediation.url, p.left, p.y, p.width, urlStyle);
  if (p.draw) p.doc.link(p.left, p.y, w, 9, c.remediation.url);
  p.y += 14;
}

async function controlFindings(p: Pager, data: ReportData, c: ControlRollup): Promise<void> {
  controlHeader(p, c);
  const table = new Table(
    p,
    [
      { title: 'Resource', width: 150 },
      { title: 'Account / region', width: 124 },
      { title: 'Severity', width: 48 },
      { title: 'Status', width: 58 },
      { title: 'State', width: 70 },
      { title: 'First seen', width: p.width - 450 },
    ],
    { caption: `${c.id}: ${c.title}` },
  ).start(50);
  const messageStyle: TextStyle = { face: 'condensed', size: 7, color: COLORS.text };
  const evidenceStyle: TextStyle = { face: 'condensed', size: 6.3, color: COLORS.muted };
  const muteStyle: TextStyle = { face: 'condensed', size: 6.5, color: '#0369a1' };
  for (const r of c.failing) {
    const cells: Cell[] = [
      { text: r.resource, face: 'condensedBold', lines: 3 },
      { text: where(r), lines: 2 },
      { text: SEVERITY_LABELS[r.severity], color: SEVERITY_COLORS[r.severity], face: 'condensedBold' },
      { text: r.status === 'MUTED' ? 'Muted' : 'Failing', color: r.status === 'MUTED' ? '#0369a1' : COLORS.text },
      { text: r.state === undefined ? '' : (STATE_LABELS[r.state] ?? r.state) },
      { text: day(r.firstSeen) },
    ];
    const { message, evidence } = rowText(data, r);
    const details: DetailLine[] = [{ text: message, style: messageStyle, maxLines: 3, indent: 8 }];
    if (r.mute !== undefined) details.push({ text: `Accepted risk #${r.mute.index + 1} until ${r.mute.expires}, ${approval(r.mute)}: ${r.mute.reason}`, style: muteStyle, maxLines: 2, indent: 8 });
    // The deciding fields are shown whole (wrapped), never cut after the resource's own identifiers.
    if (evidence !== '') details.push({ text: `Evidence: ${evidence}`, style: evidenceStyle, maxLines: 16, indent: 8 });
    table.row(cells, details);
    await p.breathe();
  }
  table.end(6);
}

async function findingsByControl(p: Pager, data: ReportData): Promise<void> {
  p.section(
    { id: 'controls', title: 'Findings by control', level: 1 },
    'Every failing and muted resource in this week\'s posture, by control, worst first: what fails, where, since when, the evidence that decided it (the API call, where and when it was read, the deciding fields) and how to fix it. report.json and report.csv carry every finding with its full evidence.',
  );
  const failing = data.controls.filter((c) => c.failing.length > 0);
  if (failing.length === 0) p.paragraph('No control has a failing or muted resource this week.', { face: 'bold', size: 9, color: '#15803d' });
  for (const c of failing) await controlFindings(p, data, c);

  p.y += 8;
  p.ensure(80);
  p.anchor({ id: 'passing', title: 'Controls without failing resources', level: 2 });
  p.heading('Controls without failing resources', { size: 10, before: 0 });
  const rest = data.controls.filter((c) => c.failing.length === 0);
  if (rest.length === 0) {
    p.paragraph('None.', { face: 'regular', size: 8 });
    return;
  }
  const table = new Table(
    p,
    [
      { title: 'Control', width: 150 },
      { title: 'Title', width: p.width - 150 - 36 * 3 - 60 },
      { title: 'Pass', width: 36, align: 'right' },
      { title: 'Error', width: 36, align: 'right' },
      { title: 'N/A', width: 36, align: 'right' },
      { title: 'Result', width: 60 },
    ],
    { caption: 'Controls without failing resources' },
  ).start();
  for (const c of rest) {
    const total = c.counts.PASS + c.counts.ERROR + c.counts.NOT_ASSESSABLE;
    const result = total === 0 ? 'Not run' : c.counts.ERROR + c.counts.NOT_ASSESSABLE > 0 ? 'Incomplete' : 'Passing';
    table.row([c.id, { text: c.title, lines: 2 }, fmtInt(c.counts.PASS), fmtInt(c.counts.ERROR), fmtInt(c.counts.NOT_ASSESSABLE), { text: result, face: 'condensedBold' }]);
  }
  table.end();
}

type Approval = Pick<MuteRule, 'owner' | 'approvedBy' | 'ticket'>;

/** Who accepted a risk, who approved it and where the decision is recorded. */
function approvalParts(m: Approval, ownerLabel: string): string[] {
  return [`${ownerLabel}${m.owner}`, ...(m.approvedBy === undefined ? [] : [`approved by ${m.approvedBy}`]), ...(m.ticket === undefined ? [] : [`ticket ${m.ticket}`])];
}

const approval = (m: Approval): string => approvalParts(m, 'owner ').join(', ');
/** Who accepted a risk, one fact a line. */
export const approvalCell = (m: Approval, maxLines: number): Cell => linesCell(approvalParts(m, ''), maxLines);

/** Azure reads are subscription-wide: no region list, but not nothing either. */
function regionsJudged(a: ReportData['accounts'][number]): string {
  if (a.regions.length === 0) return a.provider === 'azure' ? 'every location (subscription-wide reads)' : 'none';
  return `${a.regions.length}: ${a.regions.join(', ')}`;
}

function muteScope(rule: MuteRule): string {
  const parts: string[] = [];
  if (rule.controls !== undefined) parts.push(`controls ${rule.controls.join(', ')}`);
  if (rule.accounts !== undefined) parts.push(`accounts ${rule.accounts.join(', ')}`);
  if (rule.regions !== undefined) parts.push(`regions ${rule.regions.join(', ')}`);
  if (rule.resources !== undefined) parts.push(`resources ${rule.resources.join(', ')}`);
  if (rule.tags !== undefined) parts.push(`tags ${Object.entries(rule.tags).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  return parts.length === 0 ? 'every failing finding' : parts.join('; ');
}

async function scopeAndCoverage(p: Pager, data: ReportData): Promise<void> {
  p.section(
    { id: 'coverage', title: 'Scope and coverage', level: 1 },
    `The week's scans are those that finished between ${stamp(data.week.start.toISOString())} and ${stamp(data.week.end.toISOString())} (exclusive). The posture of an account is its last scan of the week; a region that scan did not judge keeps what the latest earlier scan of the week said about it. Nothing that Ward could not read is ever reported as passing: it is listed here.`,
  );
  p.heading('Accounts assessed', { before: 0 });
  if (data.accounts.length === 0) p.paragraph('No account was scanned this week.', { face: 'bold', size: 8.5, color: SEVERITY_COLORS.high });
  else {
    const t = new Table(
      p,
      [
        { title: 'Provider', width: 40 },
        { title: 'Account', width: 156 },
        { title: 'Regions judged', width: 98 },
        { title: 'Disabled regions', width: 40, align: 'right' },
        { title: 'Deferred regions', width: 40, align: 'right' },
        { title: 'Last scan of the week', width: p.width - 374 },
      ],
      { caption: 'Accounts assessed' },
    ).start();
    for (const a of data.accounts) {
      t.row([
        a.provider,
        // The id on a line of its own (an Azure subscription id is 36 characters), the name below.
        { text: a.account, ...(a.name === undefined ? {} : { below: [a.name] }), lines: 3 },
        { text: regionsJudged(a), lines: 3 },
        String(a.disabledRegions.length),
        { text: String(a.deferredRegions.length), color: a.deferredRegions.length > 0 ? SEVERITY_COLORS.medium : COLORS.text },
        { text: stamp(a.scannedAt), below: [a.scanId], lines: 2 },
      ], [
        {
          text: readAsText(a.identity),
          style: { face: 'condensed', size: 6.5, color: a.identity === undefined ? SEVERITY_COLORS.medium : COLORS.muted },
          maxLines: 2,
          indent: 40,
        },
      ]);
      await p.breathe();
    }
    t.end();
  }
  if (data.unscanned.length > 0) {
    p.heading('Accounts with stored findings but no scan this week (not assessed)', { color: SEVERITY_COLORS.high });
    const t = new Table(p, [
      { title: 'Provider', width: 60 },
      { title: 'Account', width: 200 },
      { title: 'Last scanned', width: p.width - 260 },
    ]).start();
    for (const a of data.unscanned) t.row([a.provider, a.account, stamp(a.lastScannedAt)]);
    t.end();
  }

  p.heading('Controls and thresholds');
  const thresholds = data.thresholds.map((t) => `${t.minLogRetentionDays} days`).join(', ');
  p.paragraph(
    `${data.controlsAssessed.length} control(s) ran this week. Minimum log retention used: ${thresholds === '' ? 'n/a (no scans)' : thresholds}${data.thresholds.length > 1 ? ' (different scans used different values)' : ''}.`,
    { face: 'regular', size: 8 },
  );
  if (data.controlsAssessed.length > 0) {
    p.paragraph(data.controlsAssessed.join(', '), { face: 'condensed', size: 7.5, color: COLORS.muted });
  }

  p.heading('Scans this week');
  if (data.scans.length === 0) p.paragraph('None.', { face: 'regular', size: 8 });
  else {
    const t = new Table(
      p,
      [
        { title: 'Scan', width: 128 },
        { title: 'Started', width: 84 },
        { title: 'Finished', width: 84 },
        { title: 'Accounts', width: p.width - 330 },
        { title: 'Ward', width: 34 },
      ],
      { caption: 'Scans this week' },
    ).start();
    for (const s of data.scans) {
      const accounts = s.accounts.map((a) => `${a.provider}:${a.account}`);
      const shown = accounts.length > 6 ? `${accounts.slice(0, 6).join(', ')} and ${accounts.length - 6} more` : accounts.join(', ');
      t.row(
        [{ text: s.scanId, lines: 2 }, stamp(s.startedAt), stamp(s.finishedAt), { text: shown, lines: 3 }, s.wardVersion],
        [{ text: `Ran ${runnerText(s.runner)}`, style: { face: 'condensed', size: 6.5, color: COLORS.muted }, maxLines: 2, indent: 8 }],
      );
      await p.breathe();
    }
    t.end();
  }

  p.heading('Could not be assessed');
  const nothing = data.gaps.length === 0 && data.errors.length === 0 && data.notAssessable.length === 0 && data.accounts.every((a) => a.deferredRegions.length === 0);
  if (nothing) {
    p.paragraph('Everything in scope was read and judged: no unreadable scope, no error, nothing the provider\'s API cannot show.', { face: 'regular', size: 8 });
    return;
  }
  const deferred = data.accounts.filter((a) => a.deferredRegions.length > 0);
  if (deferred.length > 0) {
    p.paragraph(
      `Regions left for a continuation scan and not judged by the account's last scan: ${deferred.map((a) => `${a.provider}:${a.account} (${a.deferredRegions.join(', ')})`).join('; ')}.`,
      { face: 'regular', size: 8, color: SEVERITY_COLORS.medium },
    );
  }
  if (data.gaps.length > 0) {
    p.heading(`Unreadable scopes (${fmtInt(data.gaps.length)})`, { size: 9 });
    const t = new Table(
      p,
      [
        { title: 'Where', width: 112 },
        { title: 'API call', width: 100 },
        { title: 'Code', width: 96 },
        { title: 'Reason', width: 110 },
        { title: 'Controls left unjudged', width: p.width - 418 },
      ],
      { caption: 'Unreadable scopes' },
    ).start();
    for (const g of data.gaps) {
      t.row([{ text: where(g), lines: 2 }, { text: g.api, lines: 2 }, { text: g.code, lines: 2 }, { text: g.reason, lines: 4 }, { text: g.controls.join(', '), lines: 4 }]);
      await p.breathe();
    }
    t.end();
  }
  if (data.errors.length > 0) {
    p.heading(`Errors: results Ward could not reach a verdict on (${fmtInt(data.errors.length)})`, { size: 9 });
    const t = new Table(
      p,
      [
        { title: 'Control', width: 130 },
        { title: 'Resource', width: 110 },
        { title: 'Where', width: 110 },
        { title: 'Reason', width: p.width - 350 },
      ],
      { caption: 'Errors' },
    ).start();
    for (const r of data.errors) {
      t.row([r.controlId, { text: r.resource, lines: 2 }, { text: where(r), lines: 2 }, { text: rowText(data, r).message, lines: 3 }]);
      await p.breathe();
    }
    t.end();
  }
  if (data.notAssessable.length > 0) {
    p.heading(`Not assessable through the provider's API (${fmtInt(data.notAssessable.length)})`, { size: 9 });
    p.paragraph('Shown as NOT ASSESSABLE, never as passing: each line says where to look instead.', { face: 'regular', size: 7.5, color: COLORS.muted });
    const t = new Table(
      p,
      [
        { title: 'Control', width: 130 },
        { title: 'Where', width: 120 },
        { title: 'Status', width: 76 },
        { title: 'Why, and where to look instead', width: p.width - 326 },
      ],
      { caption: 'Not assessable' },
    ).start();
    for (const r of data.notAssessable) {
      t.row([r.controlId, { text: where(r), lines: 2 }, { text: 'NOT ASSESSABLE', face: 'condensedBold', color: SEVERITY_COLORS.medium }, { text: rowText(data, r).message, lines: 4 }]);
      await p.breathe();
    }
    t.end();
  }
}

function mutesSection(p: Pager, data: ReportData): void {
  p.section(
    { id: 'mutes', title: 'Accepted risks (mutes)', level: 1 },
    `Mutes accept a known risk: each has a reason, an owner and a last day (inclusive, UTC). A muted finding keeps its lifecycle and is listed under its control as Muted; once the mute expires the finding counts as failing again. Status as of ${stamp(data.asOf)}.`,
  );
  if (data.mutes.length === 0) p.paragraph('No mute is configured.', { face: 'regular', size: 8.5 });
  else {
    const t = new Table(
      p,
      [
        { title: '#', width: 18, align: 'right' },
        { title: 'Applies to', width: 140 },
        { title: 'Reason', width: 126 },
        { title: 'Owner, approval, ticket', width: 94 },
        { title: 'Last day', width: 50 },
        { title: 'Status', width: 44 },
        { title: 'Findings', width: p.width - 472, align: 'right' },
      ],
      { caption: 'Configured mutes' },
    ).start();
    for (const m of data.mutes) {
      const expired = m.status === 'expired';
      t.row(
        [
          String(m.index + 1),
          { text: muteScope(m.rule), lines: 4 },
          { text: m.rule.reason, lines: 4 },
          approvalCell(m.rule, 5),
          m.rule.expires,
          { text: expired ? 'Expired' : 'In force', face: 'condensedBold', color: expired ? SEVERITY_COLORS.high : '#15803d' },
          fmtInt(expired ? m.wouldMatch : m.muted),
        ],
        expired && m.wouldMatch > 0
          ? [{ text: `Expired: it would still match ${fmtInt(m.wouldMatch)} failing finding(s), now reported as failing.`, style: { face: 'condensed', size: 6.8, color: SEVERITY_COLORS.high }, indent: 20 }]
          : [],
      );
    }
    t.end();
    p.paragraph('Findings: for a mute in force, the findings it mutes in this week\'s posture; for an expired one, the failing findings it would still match.', {
      face: 'regular',
      size: 7,
      color: COLORS.muted,
    });
  }
  if (data.recordedMutes.length > 0) {
    p.heading('Mutes applied at scan time that the configuration no longer has as such');
    const t = new Table(p, [
      { title: '#', width: 20, align: 'right' },
      { title: 'Reason', width: 170 },
      { title: 'Owner', width: 80 },
      { title: 'Last day', width: 56 },
      { title: 'Findings', width: 44, align: 'right' },
      { title: 'Note', width: p.width - 370 },
    ]).start();
    for (const r of data.recordedMutes) {
      t.row([String(r.mute.index + 1), { text: r.mute.reason, lines: 3 }, approvalCell(r.mute, 5), r.mute.expires, fmtInt(r.muted), { text: r.note, lines: 3 }]);
    }
    t.end();
  }
}

function appendix(p: Pager, data: ReportData): void {
  p.section({ id: 'appendix', title: 'Appendix: verifying the bundle, glossary', level: 1 });
  p.heading('How to verify this bundle', { before: 0 });
  const steps = [
    `This report is one file of the evidence bundle bundles/${data.week.id}.zip: report.pdf, report.json (machine-readable, schema reports/report.schema.json), report.csv (one row per finding), the raw scan documents of the week under scans/, and manifest.json.`,
    'manifest.json lists every other file of the bundle with its SHA-256 digest and size, the period, the generator (Ward version), when it was created, and the SHA-256 of the previous week\'s manifest.json: each week is chained to the one before, so no earlier bundle can be changed or dropped unnoticed. A copy of each manifest is kept next to the bundle (bundles/<week>.manifest.json).',
    'SHA256SUMS lists the same digests in the format sha256sum -c reads; manifest.json lists SHA256SUMS itself, so the signature covers it.',
    'When a signing key is configured, manifest.sig holds a signature of manifest.json (Ed25519 or ECDSA P-256 from ward evidence keygen, ECDSA from AWS KMS, checked with the signer\'s public key; or HMAC-SHA256 with a shared key). Without a checked signature a bundle is intact at best, never verified: files and manifest could have been rewritten together.',
    'To verify offline, with nothing extracted to disk:',
  ];
  for (const s of steps) p.paragraph(s, { face: 'regular', size: 8 }, { gap: 4 });
  const commands = [
    `ward evidence verify ${data.week.id}.zip --previous <previous-week>.zip`,
    `ward evidence verify ${data.week.id}.zip --hmac-key-file evidence.key      # shared key (base64 or hex)`,
    `ward evidence verify ${data.week.id}.zip --public-key ward-evidence.pub.pem  # Ed25519 / ECDSA / RSA`,
  ];
  p.box(p.left, p.y, p.width, commands.length * 12 + 8, '#f3f4f6');
  p.y += 4;
  for (const c of commands) {
    p.text(c, p.left + 8, p.y, p.width - 16, { face: 'condensed', size: 7.5 });
    p.y += 12;
  }
  p.y += 10;
  p.paragraph(
    'It checks every digest and size, that no file is missing or extra, SHA256SUMS, the chain to the previous week, and the signature, and prints one line per problem (exit 0: valid and signature verified; 1: invalid, or signature not checked; 2: could not run). Without Ward: unzip the bundle; sha256sum -c SHA256SUMS; check that the SHA-256 of SHA256SUMS is the one manifest.json lists; decode the signature field of manifest.sig (base64) and check it over manifest.json with openssl (pkeyutl -verify -rawin for Ed25519, dgst -sha256 -verify for ECDSA); compare the SHA-256 of the previous week\'s manifest.json with "previous" in this one. The README gives the exact commands.',
    { face: 'regular', size: 8 },
  );
  p.heading('Glossary');
  const terms: Array<[string, string]> = [
    ['Finding', 'One control judged against one resource (a volume, a security group, a user, a log group…). Its id is stable: the same control and resource give the same id on every scan.'],
    ['Failing (FAIL)', 'The resource does not meet the control. Counted as open.'],
    ['Muted (accepted risk)', 'A failing finding covered by an unexpired mute with a reason, an owner and a last day. Not counted as open; listed all the same.'],
    ['Error', 'Ward could not read what the control needs (access denied, throttling past retries, a failed call, a timeout). Never counted as passing.'],
    ['Not assessable', 'The provider\'s API cannot show it (for example user MFA held in a directory service); the finding says where to look instead.'],
    ['New / Reopened / Resolved', 'Lifecycle: first seen failing; failing again after having been resolved; seen passing (or gone) in a scope Ward read completely.'],
    ['Posture', 'Per account, the results of its last scan of the week (regions that scan did not judge keep the week\'s earlier result).'],
    ['Evidence', 'The API call a verdict was read from, where and when, and the exact response fields that decided it.'],
    ['Coverage gap', 'A scope (account, region, API call) that could not be read, with the controls it left unjudged.'],
    ['Manifest / hash chain', 'The list of the bundle\'s files with SHA-256 digests, which also records the digest of the previous week\'s manifest.'],
    ['HIPAA safeguard', 'A standard or implementation specification of the HIPAA Security Rule, 45 CFR Part 164 Subpart C, cited by section.'],
  ];
  const t = new Table(p, [
    { title: 'Term', width: 110 },
    { title: 'Meaning', width: p.width - 110 },
  ]).start();
  for (const [term, meaning] of terms) t.row([{ text: term, face: 'condensedBold' }, { text: meaning, lines: 4 }]);
  t.end();
}

async function layoutReport(p: Pager, data: ReportData, toc: readonly TocEntry[], pages: ReadonlyMap<string, number> | undefined): Promise<void> {
  cover(p, data);
  summary(p, data);
  contents(p, toc, pages);
  hipaaMatrix(p, data);
  coverageMap(p);
  await findingsByControl(p, data);
  await scopeAndCoverage(p, data);
  mutesSection(p, data);
  appendix(p, data);
  p.setBreakHandler(undefined);
  p.finish();
}

export interface PdfInfo {
  title: string;
  subject: string;
  wardVersion: string;
  generatedAt: string;
  /** Running header and footer. */
  header: string;
}

/**
 * Lays a document out twice (once to count pages and find where sections start, once to draw) and
 * streams the PDF into `out`. Resolves with the page count once the document is complete.
 */
export async function renderPdf(
  out: Writable,
  info: PdfInfo,
  options: PdfOptions,
  layout: (p: Pager, pages: ReadonlyMap<string, number> | undefined) => Promise<void>,
): Promise<{ pages: number }> {
  const fontFiles = options.fonts ?? defaultFontFiles();
  const doc = new PDFDocument({
    // Our own font as the document default: pdfkit's built-in Helvetica is loaded through a
    // package import (#standard-fonts) that a bundled Lambda cannot resolve.
    font: fontFiles.regular,
    autoFirstPage: false,
    bufferPages: false,
    fontLayoutCache: false,
    compress: true,
    size: [PAGE.width, PAGE.height],
    margin: 0,
    info: {
      Title: info.title,
      Author: 'Ward',
      Subject: info.subject,
      Creator: `Ward ${info.wardVersion}`,
      Producer: `Ward ${info.wardVersion} (pdfkit)`,
      CreationDate: new Date(info.generatedAt),
    },
    displayTitle: true,
    lang: 'en',
  });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', () => resolve());
    out.on('close', () => resolve());
    out.on('error', reject);
    doc.on('error', reject);
  });
  doc.pipe(out);
  let pages = 0;
  try {
    const fonts = new FontBook(doc, fontFiles);
    const decoration = { header: info.header, footer: `Ward ${info.wardVersion} · generated ${stamp(info.generatedAt)} · confidential` };
    const measure = new Pager(doc, fonts, false, decoration);
    await layout(measure, undefined);
    const pager = new Pager(doc, fonts, true, decoration, measure.page);
    await layout(pager, measure.anchors);
    if (pager.page !== measure.page) throw new Error(`PDF layout is not deterministic: measured ${measure.page} pages, drew ${pager.page}`);
    pages = pager.page;
  } catch (error) {
    doc.unpipe(out);
    out.destroy(error as Error);
    throw error;
  }
  doc.end();
  await done;
  doc.unpipe(out);
  return { pages };
}

/** The weekly report.pdf, streamed into `out`. */
export async function renderReportPdf(data: ReportData, out: Writable, options: PdfOptions = {}): Promise<{ pages: number }> {
  const toc = tocEntries(data);
  return renderPdf(
    out,
    {
      title: `HIPAA security evidence report ${data.week.id}: ${data.organization}`,
      subject: `Weekly security posture, ${describeWeek(data.week)}`,
      wardVersion: data.wardVersion,
      generatedAt: data.generatedAt,
      header: `${data.organization} · HIPAA security evidence · ${data.week.id}`,
    },
    options,
    (p, pages) => layoutReport(p, data, toc, pages),
  );
}

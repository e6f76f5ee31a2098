// The human summary of a scan for a terminal: posture by area and severity, the worst findings,
// and what could not be read.

import { displaySafe } from '../core/display-text.js';
import { AREAS, AREA_TITLES, SEVERITIES, type Finding, type ScanDocument, type Severity } from '../core/model.js';
import { tallyOf, totalOf, type ScanTally } from './scan-tally.js';
import { readAsLines } from './who-scanned.js';

/**
 * A plain-text table. Given a width, columns that do not fit are narrowed (widest first, never below
 * their header) and their cells wrap onto more lines, so no line is longer than the width. Cells are
 * shown with control characters escaped (displaySafe): a cell is one line, as it looks.
 */
export function renderTable(header: readonly string[], unsafeRows: readonly (readonly string[])[], width = Number.POSITIVE_INFINITY, details?: readonly string[]): string {
  const rows = unsafeRows.map((r) => r.map(displaySafe));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // A column is not narrowed below its header or its longest word (ids stay whole), up to 30.
  const longestWord = (i: number) => Math.max(0, ...rows.flatMap((r) => (r[i] ?? '').split(/\s+/).map((w) => w.length)));
  const floor = header.map((h, i) => Math.max(h.length, Math.min(longestWord(i), 30)));
  const total = () => widths.reduce((sum, w) => sum + w, 0) + 2 * (widths.length - 1);
  while (total() > width) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > (floor[i] ?? 0) && (widest < 0 || w > (widths[widest] ?? 0))) widest = i;
    });
    if (widest < 0) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const rowLines = (cells: readonly string[]): string[] => {
    const wrapped = widths.map((w, i) => {
      const cell = cells[i] ?? '';
      return cell.length <= w ? [cell] : wrap(cell, w);
    });
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, k) => line(wrapped.map((w) => w[k] ?? '')));
  };
  // A row's detail goes on its own lines below the row, indented, wrapped to the width.
  const detailLines = (i: number): string[] => {
    const detail = details?.[i];
    return detail === undefined || detail === '' ? [] : wrap(detail, Math.min(width, 1000) - 4).map((l) => `    ${l}`);
  };
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.flatMap((r, i) => [...rowLines(r), ...detailLines(i)])].join('\n');
}

/** Lines longer than `width` wrap at spaces; continuation lines are indented four more spaces. */
export function fitLines(lines: readonly string[], width: number): string[] {
  return lines.flatMap((text) => text.split('\n')).flatMap((line) => {
    if (line.length <= width) return [line];
    const lead = /^ */.exec(line)?.[0] ?? '';
    const [first = '', ...rest] = wrap(line.slice(lead.length), width - lead.length - 4);
    return [`${lead}${first}`, ...rest.map((l) => `${lead}    ${l}`)];
  });
}

const SEVERITIES_DESC = [...SEVERITIES].reverse();

/** Compact headers, so the table fits 80 columns: failing by severity, then the other outcomes. */
const SEVERITY_HEADERS: Record<Severity, string> = { critical: 'Crit', high: 'High', medium: 'Med', low: 'Low', info: 'Info' };

export function summaryByArea(tally: ScanTally, width?: number): string {
  const header = ['Area', ...SEVERITIES_DESC.map((s) => SEVERITY_HEADERS[s]), 'Pass', 'Muted', 'Err', 'N/A'];
  const rows = AREAS.map((area) => {
    const { failing, status } = tally.byArea[area];
    return [AREA_TITLES[area], ...SEVERITIES_DESC.map((s) => String(failing[s])), String(status.PASS), String(status.MUTED), String(status.ERROR), String(status.NOT_ASSESSABLE)];
  });
  return `Results by area: failing by severity, then passed, muted, error (Err), N/A:\n${renderTable(header, rows, width)}`;
}

const INDENT = ' '.repeat(10);

/** Splits text into lines of at most `width` characters, at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = '';
    }
    line = line === '' ? word : `${line} ${word}`;
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = line.slice(width);
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function where(f: Finding): string {
  return displaySafe(`${f.provider}:${f.account}${f.region === 'global' ? '' : `/${f.region}`}`);
}

export interface SummaryOptions {
  maxFindings?: number;
  /** Terminal width: no line of the summary is longer (default 80, at least 60). */
  width?: number;
  /** Lifecycle changes against the previous scan. */
  changes?: { new: number; reopened: number; resolved: number };
  /** Shown loudly when mutes hide more than the configured share of failing findings. */
  muteWarning?: string;
}

export function renderScanSummary(scan: ScanDocument, options: SummaryOptions = {}): string {
  return renderTallySummary(tallyOf(scan, options.maxFindings ?? 25), options);
}

/** The summary from counts and the few worst findings: what `ward scan` prints at any scale. */
export function renderTallySummary(scan: ScanTally, options: SummaryOptions = {}): string {
  const maxFindings = options.maxFindings ?? 25;
  const seconds = (Date.parse(scan.finishedAt) - Date.parse(scan.startedAt)) / 1000;
  const regions = scan.targets.reduce((n, t) => n + t.regions.length, 0);
  const failing = totalOf(scan, 'FAIL');
  const errors = totalOf(scan, 'ERROR');
  const width = Math.max(60, options.width ?? 80);
  const out: string[] = [];
  out.push(
    `Scan ${scan.scanId}: ${scan.targets.length} account(s), ${regions} region(s), ${scan.controls} control(s) in ${seconds.toFixed(1)} s` +
      ` (log retention threshold ${scan.thresholds.minLogRetentionDays} days)`,
  );
  // Who scanned: where Ward ran, then each identity a cloud was read as.
  const [ran = '', ...readAs] = readAsLines(scan);
  out.push(displaySafe(ran), ...readAs.map((line) => `  ${displaySafe(line)}`));
  if (options.changes !== undefined) {
    const { new: added, reopened, resolved } = options.changes;
    out.push(`Since the previous scan: ${added} new, ${reopened} reopened, ${resolved} resolved.`);
  }
  const muted = totalOf(scan, 'MUTED');
  if (muted > 0) out.push(`${muted} failing finding(s) muted by accepted risks in the configuration.`);
  if (options.muteWarning !== undefined) out.push('', options.muteWarning, '');
  out.push('');
  out.push(summaryByArea(scan, width));
  out.push('');
  if (failing === 0) {
    out.push('No failing findings.');
  } else {
    out.push(`Failing findings (${failing}), most severe first:`);
    for (const f of scan.worst.slice(0, maxFindings)) {
      out.push(`${f.severity.toUpperCase().padEnd(9)} ${f.controlId}  ${where(f)}  ${displaySafe(f.resource.name ?? f.resource.id)}`);
      for (const line of wrap(displaySafe(f.message), width - INDENT.length)) out.push(`${INDENT}${line}`);
    }
    if (failing > maxFindings) out.push(`… and ${failing - maxFindings} more (ward scan --output json lists every one).`);
  }
  if (errors > 0 || scan.coverage.length > 0) {
    out.push('');
    out.push(`Could not assess (${errors} result(s) are ERROR; earlier findings for these scopes stand):`);
    for (const gap of scan.coverage.slice(0, 15)) {
      out.push(displaySafe(`  ${gap.provider}:${gap.account}/${gap.region}  ${gap.api}  ${gap.code}: ${gap.reason}`));
    }
    if (scan.coverage.length > 15) out.push(`  … and ${scan.coverage.length - 15} more`);
  }
  const disabled = scan.targets.filter((t) => t.disabledRegions.length > 0);
  if (disabled.length > 0) {
    out.push('');
    out.push('Regions not enabled (nothing can run there, so they were not read):');
    for (const t of disabled) out.push(displaySafe(`  ${t.provider}:${t.account}  ${t.disabledRegions.join(', ')}`));
  }
  return fitLines(out, width).join('\n');
}

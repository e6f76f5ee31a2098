// `ward scan --output csv`: the scan's results with report.csv's columns and its spreadsheet-injection
// rules (reports/csv.ts), so one import sheet or script reads both.

import type { TrackedFinding } from '../core/lifecycle.js';
import type { ScanDocument } from '../core/model.js';
import { CSV_COLUMNS, csvCells, csvRow } from './csv.js';
import type { ReportFinding } from './json.js';

/** A whole CSV document (byte order mark, header, rows) for findings held in memory. */
export function csvDocument(items: readonly ReportFinding[]): string {
  return `\uFEFF${csvRow([...CSV_COLUMNS])}${items.map((item) => csvRow(csvCells(item))).join('')}`;
}

export function renderScanCsv(scan: ScanDocument, lifecycle: ReadonlyMap<string, TrackedFinding> = new Map()): string {
  return csvDocument(
    scan.results.map((finding) => {
      const tracked = lifecycle.get(finding.id);
      const state = tracked === undefined ? null : (({ finding: _omitted, ...rest }) => rest)(tracked);
      return { finding, scanId: scan.scanId, lifecycle: state };
    }),
  );
}

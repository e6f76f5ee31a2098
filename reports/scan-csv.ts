// `ward scan --output csv`: the scan's results with report.csv's columns and its spreadsheet-injection
// rules (reports/csv.ts), so one import sheet or script reads both.

import type { TrackedFinding } from '../core/lifecycle.js';
import type { ScanDocument } from '../core/model.js';
import { CSV_COLUMNS, csvCells, csvRow } from './csv.js';

export function renderScanCsv(scan: ScanDocument, lifecycle: ReadonlyMap<string, TrackedFinding> = new Map()): string {
  const rows = scan.results.map((finding) => {
    const tracked = lifecycle.get(finding.id);
    const state = tracked === undefined ? null : (({ finding: _omitted, ...rest }) => rest)(tracked);
    return csvRow(csvCells({ finding, scanId: scan.scanId, lifecycle: state }));
  });
  return `\uFEFF${csvRow([...CSV_COLUMNS])}${rows.join('')}`;
}

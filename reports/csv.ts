// report.csv: one row per finding, RFC 4180 (CRLF line ends, fields quoted when they hold a comma,
// a quote or a line break; quotes doubled). Resource names, tags and messages come from the scanned
// accounts, so anyone able to name a resource controls those cells: a cell a spreadsheet would run
// as a formula (starting with =, +, -, @, a tab or a carriage return, or their full-width forms) is
// neutralised with a leading single quote. Streamed row by row.

import { Readable } from 'node:stream';
import type { ScanStore } from '../core/store/scans.js';
import type { ReportData } from './data.js';
import { reportFindings, type ReportFinding } from './json.js';

export const CSV_COLUMNS = [
  'finding_id',
  'status',
  'lifecycle_state',
  'severity',
  'control_id',
  'title',
  'area',
  'provider',
  'account',
  'region',
  'scope',
  'resource_id',
  'resource_uid',
  'resource_type',
  'resource_name',
  'message',
  'first_seen',
  'last_seen',
  'resolved_at',
  'reopened_at',
  'hipaa',
  'mute_owner',
  'mute_reason',
  'mute_expires',
  'evidence',
  'remediation_url',
  'scan_id',
] as const;

/** Excel stops at 32,767 characters a cell; the JSON report has the evidence whole. */
const MAX_CELL = 32_000;
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Makes a cell inert for spreadsheets: a leading formula character gets a single quote before it. */
export function neutralise(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One RFC 4180 field, neutralised first. */
export function csvField(raw: string | number | boolean | null | undefined): string {
  let value = raw === null || raw === undefined ? '' : String(raw);
  if (value.length > MAX_CELL) value = `${value.slice(0, MAX_CELL)}… (truncated; see report.json)`;
  value = neutralise(value);
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRow(cells: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

export function csvCells(item: ReportFinding): Array<string | null | undefined> {
  const { finding: f, lifecycle: l } = item;
  return [
    f.id,
    f.status,
    l?.state,
    f.severity,
    f.controlId,
    f.title,
    f.area,
    f.provider,
    f.account,
    f.region,
    f.scope,
    f.resource.id,
    f.resource.uid,
    f.resource.type,
    f.resource.name,
    f.message,
    l?.firstSeen,
    l?.lastSeen,
    l?.resolvedAt,
    l?.reopenedAt,
    f.hipaa.join('; '),
    f.mute?.owner,
    f.mute?.reason,
    f.mute?.expires,
    f.evidence.length === 0 ? '' : JSON.stringify(f.evidence),
    f.remediation.url,
    item.scanId,
  ];
}

const CHUNK = 64 * 1024;

async function* csvChunks(store: ScanStore, data: ReportData): AsyncGenerator<string> {
  // A byte order mark, so that spreadsheets read non-Latin resource names as UTF-8.
  let buffer = `\uFEFF${csvRow([...CSV_COLUMNS])}`;
  for await (const item of reportFindings(store, data)) {
    buffer += csvRow(csvCells(item));
    if (buffer.length >= CHUNK) {
      yield buffer;
      buffer = '';
    }
  }
  yield buffer;
}

export function reportCsvStream(store: ScanStore, data: ReportData): Readable {
  return Readable.from(csvChunks(store, data), { objectMode: false });
}

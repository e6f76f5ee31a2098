import { describe, expect, it } from 'vitest';
import { parseCsv } from '../providers/aws/collectors/iam.js';
import { finding, scanOf } from '../test/support/findings.js';
import { CSV_COLUMNS } from './csv.js';
import { renderScanCsv } from './scan-csv.js';

describe('ward scan --output csv', () => {
  it("has report.csv's columns, its injection rules and the lifecycle when the scan was stored", () => {
    const evil = finding('vol-a', 'FAIL', { message: '=HYPERLINK("http://x","click"), now' });
    const scan = scanOf([evil, finding('vol-b', 'PASS')]);
    const lifecycle = new Map([[evil.id, { finding: evil, state: 'new' as const, firstSeen: scan.finishedAt, lastSeen: scan.finishedAt, changedAt: scan.finishedAt }]]);
    const text = renderScanCsv(scan, lifecycle);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, first, second, ...rest] = parseCsv(text.slice(1));
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rest.filter((r) => r.some((c) => c !== ''))).toEqual([]);
    const cell = (row: string[] | undefined, column: string) => row?.[CSV_COLUMNS.indexOf(column as (typeof CSV_COLUMNS)[number])];
    expect(cell(first, 'message')).toBe('\'=HYPERLINK("http://x","click"), now');
    expect(cell(first, 'lifecycle_state')).toBe('new');
    expect(cell(first, 'first_seen')).toBe(scan.finishedAt);
    expect(cell(second, 'status')).toBe('PASS');
    expect(cell(second, 'lifecycle_state')).toBe('');
    expect(cell(second, 'scan_id')).toBe(scan.scanId);
  });
});

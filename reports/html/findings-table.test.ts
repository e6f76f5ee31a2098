// The findings table report.html embeds by column: decoding it gives back, for every finding of the
// week's report.json, exactly the fields the page shows; the period report's findings likewise.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSampleStore, SAMPLE_MUTES } from '../fixtures.js';
import { buildWeeklyEvidence } from '../weekly.js';
import { decodeFindingsTable, encodeFindingsTable, periodRows, type FindingsTable, type TableRow } from './findings-table.js';
import { pageData } from './report-page.js';

interface JsonFinding {
  id: string;
  controlId: string;
  provider: string;
  account: string;
  region: string;
  status: string;
  severity: string;
  message: string;
  resource: { id: string; name?: string; uid?: string };
  lifecycle: { state: string } | null;
  remediation: { text: string; url?: string };
  evidence: unknown;
}

describe('the findings table by column', () => {
  it("round-trips the week's findings: the shown fields, remediation and evidence line by line", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-findings-table-'));
    const store = await buildSampleStore(dir, { week: '2026-W47', accounts: 2, resourcesPerControl: 3, weeks: 2 });
    const out = await buildWeeklyEvidence(store, { week: '2026-W47', organization: 'Acme Health', mutes: SAMPLE_MUTES, now: new Date('2026-11-22T22:00:00Z') });
    const json = readFileSync(join(dir, out.keys.json), 'utf8');
    const findings = (JSON.parse(json) as { findings: JsonFinding[] }).findings;
    expect(findings.length).toBeGreaterThan(10);
    const page = pageData(json);
    const table = JSON.parse(page.table) as FindingsTable;
    const remediations = (JSON.parse(page.data) as { remediations: Record<string, { text: string }>; findings?: unknown }).remediations;
    expect(JSON.parse(page.data)).not.toHaveProperty('findings');
    const rows = decodeFindingsTable(table);
    expect(rows.map(({ remediation: _, ...shown }) => shown)).toEqual(
      findings.map((f) => ({
        id: f.id,
        controlId: f.controlId,
        provider: f.provider,
        account: f.account,
        region: f.region,
        status: f.status,
        severity: f.severity,
        lifecycle: f.lifecycle?.state ?? '',
        resourceId: f.resource.id,
        resourceName: f.resource.name ?? null,
        resourceUid: f.resource.uid ?? null,
        message: f.message,
      })),
    );
    // Each finding's remediation: its own where it differs, else its control's (embedded once).
    rows.forEach((row, i) => expect(row.remediation ?? remediations[row.controlId]).toEqual(findings[i]?.remediation));
    // The evidence block: line i is finding i's evidence.
    expect(page.evidence.split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(findings.map((f) => f.evidence));
    // Each coded column is a dictionary of distinct values: small, whatever the number of findings.
    for (const column of Object.values(table.coded)) expect(new Set(column.values).size).toBe(column.values.length);
    expect(table.coded.controlId.values.length).toBeLessThan(findings.length);
  });

  it('round-trips rows with and without names, lifecycle, remediation or facts', () => {
    const rows: TableRow[] = [
      { id: 'a', controlId: 'c1', provider: 'aws', account: '1', region: 'us-east-1', status: 'FAIL', severity: 'high', lifecycle: 'new', resourceId: 'r1', resourceName: 'one', resourceUid: null, message: 'm1' },
      { id: 'b', controlId: 'c1', provider: 'aws', account: '2', region: 'us-east-1', status: 'PASS', severity: 'high', lifecycle: '', resourceId: 'r2', resourceName: null, resourceUid: 'u2', message: 'm2', remediation: { text: 'its own', url: 'https://example.org' } },
      { id: 'c', controlId: 'c2', provider: 'gcp', account: '2', region: 'global', status: 'FAIL', severity: 'low', lifecycle: 'new', resourceId: 'r3', resourceName: null, resourceUid: null, message: '' },
      // Marker characters of its own: kept whole, not templated.
      { id: 'd', controlId: 'c2', provider: 'gcp', account: '2', region: 'global', status: 'FAIL', severity: 'low', lifecycle: 'new', resourceId: 'r\u0002', resourceName: 'one', resourceUid: 'one/\u0001', message: 'one \u0003 r\u0002 in 2' },
    ];
    const table = encodeFindingsTable(rows);
    expect(table.coded.account).toEqual({ values: ['1', '2'], codes: [0, 1, 1, 1] });
    // Texts are templates of the row's own resource, account and region: m1 and m2 share none, but a
    // message naming its resource does.
    expect(encodeFindingsTable([{ ...rows[0], message: 'one in 1' } as TableRow, { ...rows[0], resourceName: 'two', account: '2', message: 'two in 2' } as TableRow]).message).toEqual({ values: ['\u0002 in \u0003'], codes: [0, 0], raw: {} });
    expect(table.message.raw).toEqual({ '3': 'one \u0003 r\u0002 in 2' });
    expect(table.facts).toBeUndefined();
    expect(decodeFindingsTable(JSON.parse(JSON.stringify(table)) as FindingsTable)).toEqual(rows);
    expect(decodeFindingsTable(encodeFindingsTable([]))).toEqual([]);
  });

  it("encodes a period report's findings with their facts", () => {
    const base = { id: 'x', controlId: 'c', severity: 'high', provider: 'aws', account: '1', region: 'eu-west-1', resource: 'bucket', openedAt: '2026-03-01' };
    const rows = periodRows({ openAtEnd: [{ ...base, status: 'FAIL', ageDays: 19 }], remediated: [{ ...base, id: 'y', resolvedAt: '2026-03-04', days: 3 }] });
    const decoded = decodeFindingsTable(JSON.parse(JSON.stringify(encodeFindingsTable(rows))) as FindingsTable);
    expect(decoded).toEqual(rows);
    expect(decoded.map((r) => [r.id, r.status, r.lifecycle, r.facts?.[0]])).toEqual([
      ['x', 'FAIL', 'open at end', ['Opened', '2026-03-01']],
      ['y', 'RESOLVED', 'remediated', ['Opened', '2026-03-01']],
    ]);
  });
});

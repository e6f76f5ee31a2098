import { describe, expect, it } from 'vitest';
import type { Finding, ScanDocument } from '../model.js';
import { parseStoredScan, storedScanText } from './stored-scan.js';

function finding(n: number, controlId: string, overrides: Partial<Finding> = {}): Finding {
  return {
    id: n.toString(16).padStart(32, '0'),
    controlId,
    area: controlId === 'aws-log-retention' ? 'retention' : 'mfa',
    provider: 'aws',
    account: '111122223333',
    region: 'us-east-1',
    scope: 'us-east-1',
    resource: { id: `r-${n}`, uid: `arn:aws:x:us-east-1:111122223333:r/${n}`, type: 'AWS::X::Y', tags: { Name: `naïve ${n}` } },
    status: n % 3 === 0 ? 'FAIL' : 'PASS',
    severity: 'high',
    title: controlId === 'aws-log-retention' ? 'Log groups keep logs a year' : 'Console users have MFA',
    message: `Resource ${n} judged — see evidence.`,
    remediation: { text: controlId === 'aws-log-retention' ? 'Set retention → 365 days…' : 'Assign an MFA device.', url: 'https://docs.aws.amazon.com/' },
    hipaa: ['164.312(b)'],
    evidence: [{ api: 'logs:DescribeLogGroups', region: 'us-east-1', readAt: '2026-12-04T10:00:00.000Z', fields: { n } }],
    ...overrides,
  };
}

function scanOf(results: Finding[]): ScanDocument {
  return {
    schemaVersion: 1,
    scanId: '20261204T100000Z-abcd',
    startedAt: '2026-12-04T10:00:00.000Z',
    finishedAt: '2026-12-04T10:01:00.000Z',
    wardVersion: '0.1.0',
    thresholds: { minLogRetentionDays: 365 },
    controls: ['aws-console-user-mfa', 'aws-log-retention'],
    targets: [],
    coverage: [],
    results,
  };
}

describe('stored scan documents', () => {
  const results = Array.from({ length: 1_234 }, (_, n) => finding(n, n % 2 === 0 ? 'aws-log-retention' : 'aws-console-user-mfa'));

  it('name each control’s shared fields once and load back exactly as scanned (fields in the same order)', () => {
    const scan = scanOf(results);
    const stored = storedScanText(scan);
    const raw = JSON.parse(stored) as { schemaVersion: number; catalog: Record<string, unknown>; results: Array<Record<string, unknown>> };
    expect(raw.schemaVersion).toBe(2);
    expect(Object.keys(raw.catalog).sort()).toEqual(['aws-console-user-mfa', 'aws-log-retention']);
    expect(raw.results).toHaveLength(1_234);
    expect(raw.results.every((r) => !('remediation' in r) && !('title' in r) && !('hipaa' in r) && !('area' in r))).toBe(true);
    expect(JSON.stringify(parseStoredScan(stored, 'scans/x.json'))).toBe(JSON.stringify(scan));
    expect(stored.length).toBeLessThan(JSON.stringify(scan).length * 0.9);
  });

  it('keep a result’s own fields when they differ from its control’s first result', () => {
    const odd = finding(7, 'aws-log-retention', { remediation: { text: 'A different text', url: 'https://example.com/' }, status: 'MUTED', mute: { index: 0, reason: 'Accepted', owner: 'ops@example.com', expires: '2027-01-01' } });
    const scan = scanOf([finding(1, 'aws-log-retention'), odd, finding(9, 'aws-log-retention')]);
    const stored = storedScanText(scan);
    const raw = JSON.parse(stored) as { results: Array<Record<string, unknown>> };
    expect(raw.results[1]).toHaveProperty('remediation.text', 'A different text');
    expect(raw.results[2]).not.toHaveProperty('remediation');
    expect(parseStoredScan(stored, 'k')).toEqual(scan);
  });

  it('read documents stored before the catalog as they are, and name the key of a damaged one', () => {
    const scan = scanOf(results.slice(0, 3));
    expect(parseStoredScan(JSON.stringify(scan), 'scans/old.json')).toEqual(scan);
    const damaged = JSON.parse(storedScanText(scan)) as { catalog: Record<string, unknown> };
    damaged.catalog = {};
    expect(() => parseStoredScan(JSON.stringify(damaged), 'scans/bad.json')).toThrow(/scans\/bad\.json: result 0+ names control aws-log-retention, which is neither in the document's catalog/);
    expect(() => parseStoredScan(JSON.stringify({ ...scan, schemaVersion: 3 }), 'scans/new.json')).toThrow(/scans\/new\.json: schemaVersion 3 .* upgrade Ward/);
  });

  it('hold an empty scan', () => {
    const scan = scanOf([]);
    expect(parseStoredScan(storedScanText(scan), 'k')).toEqual(scan);
  });
});

import { describe, expect, it } from 'vitest';
import { finding } from '../test/support/findings.js';
import type { ListedFinding } from './findings.js';
import { queryFindings } from './findings-query.js';

function row(id: string, overrides: Parameters<typeof finding>[2], firstSeen: string): ListedFinding {
  return { finding: finding(id, 'FAIL', overrides), state: 'open', firstSeen, lastSeen: firstSeen, changedAt: firstSeen };
}

describe('ward findings filters and order', () => {
  const rows = [
    row('vol-new-high', { severity: 'high' }, '2026-11-20T00:00:00Z'),
    row('vol-old-high', { severity: 'high' }, '2026-10-01T00:00:00Z'),
    row('db-critical', { severity: 'critical', controlId: 'aws-rds-not-public', region: 'us-east-1' }, '2026-11-25T00:00:00Z'),
    row('sub-low', { severity: 'low', provider: 'azure', account: '3f1c6a52-7d4e-4b8a-9c1d-2e5f0a7b8c9d', controlId: 'azure-disk-encrypted' }, '2026-09-01T00:00:00Z'),
  ];
  const ids = (list: ListedFinding[]) => list.map((r) => r.finding.resource.id);

  it('sorts by severity, most severe first, then oldest first', () => {
    expect(ids(queryFindings(rows, {}))).toEqual(['db-critical', 'vol-old-high', 'vol-new-high', 'sub-low']);
  });

  it('filters by severity, control (with *), account, provider and region', () => {
    expect(ids(queryFindings(rows, { severities: ['high', 'low'] }))).toEqual(['vol-old-high', 'vol-new-high', 'sub-low']);
    expect(ids(queryFindings(rows, { controls: ['aws-rds-*'] }))).toEqual(['db-critical']);
    expect(ids(queryFindings(rows, { controls: ['aws-ebs-volume-encrypted', 'azure-*'] }))).toEqual(['vol-old-high', 'vol-new-high', 'sub-low']);
    expect(ids(queryFindings(rows, { accounts: ['3f1c6a52-7d4e-4b8a-9c1d-2e5f0a7b8c9d'] }))).toEqual(['sub-low']);
    expect(ids(queryFindings(rows, { providers: ['aws'] }))).toEqual(['db-critical', 'vol-old-high', 'vol-new-high']);
    expect(ids(queryFindings(rows, { regions: ['us-east-1'] }))).toEqual(['db-critical']);
    expect(ids(queryFindings(rows, { controls: ['aws-rds.*'] }))).toEqual([]);
  });
});

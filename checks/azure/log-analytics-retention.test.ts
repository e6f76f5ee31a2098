import { describe, expect, it } from 'vitest';
import control from './log-analytics-retention.js';
import { collected, judge, statuses } from '../../test/support/checks.js';
import type { WorkspaceRecord } from '../../providers/azure/datasets.js';
import { workspace } from '../../sandbox/azure/builders.js';

const SUB = '11111111-2222-4333-8444-555555555555';
const ws = (...args: Parameters<typeof workspace>): WorkspaceRecord => workspace(...args) as unknown as WorkspaceRecord;
const workspaces = (items: WorkspaceRecord[]) => ({ workspaces: collected('arm:GET Microsoft.OperationalInsights/workspaces', items, 'global') });

describe('azure-log-analytics-retention', () => {
  it('fails 30 days and passes 730 days against the 365-day default policy', () => {
    const results = judge(control, workspaces([ws(SUB, 'rg', 'law-dev', 30, { location: 'northeurope' }), ws(SUB, 'rg', 'law-sec', 730)]));
    expect(statuses(results)).toEqual({ 'law-dev': 'FAIL', 'law-sec': 'PASS' });
    expect(results[0]?.message).toContain('30 days');
    expect(results[0]?.message).toContain('365 days');
    expect(results[0]?.region).toBe('northeurope');
    expect(results[0]?.evidence[0]?.fields['properties.retentionInDays']).toBe(30);
  });

  it('applies the configured threshold (hipaa-6y: 2190 days) and passes exactly at it', () => {
    expect(statuses(judge(control, workspaces([ws(SUB, 'rg', 'law-sec', 730)]), { minLogRetentionDays: 2190 }))).toEqual({ 'law-sec': 'FAIL' });
    expect(statuses(judge(control, workspaces([ws(SUB, 'rg', 'law-exact', 365)])))).toEqual({ 'law-exact': 'PASS' });
    expect(statuses(judge(control, workspaces([ws(SUB, 'rg', 'law-short', 30)]), { minLogRetentionDays: 30 }))).toEqual({ 'law-short': 'PASS' });
  });

  it('reads an unset retention as the 30-day default', () => {
    const [result] = judge(control, workspaces([ws(SUB, 'rg', 'law-unset', undefined)]));
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('default of 30 days');
    const [zero] = judge(control, workspaces([ws(SUB, 'rg', 'law-zero', 0)]));
    expect(zero?.message).toContain('not a retention period');
  });

  it('holds the Free tier to 7 days whatever retentionInDays says', () => {
    const [result] = judge(control, workspaces([ws(SUB, 'rg', 'law-free', 30, { sku: 'Free' })]), { minLogRetentionDays: 10 });
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('keeps data for 7 days');
    expect(result?.message).toContain('Free tier');
  });

  it('caps retention at 30 days when immediatePurgeDataOn30Days is on', () => {
    const [result] = judge(control, workspaces([ws(SUB, 'rg', 'law-purge', 730, { purgeAfter30Days: true })]));
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('immediatePurgeDataOn30Days');
    expect(statuses(judge(control, workspaces([ws(SUB, 'rg', 'law-nopurge', 730, { purgeAfter30Days: false })])))).toEqual({ 'law-nopurge': 'PASS' });
  });

  it('yields nothing for a subscription without workspaces', () => {
    expect(judge(control, workspaces([]))).toEqual([]);
  });
});

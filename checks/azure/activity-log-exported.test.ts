import { describe, expect, it } from 'vitest';
import control from './activity-log-exported.js';
import { ACCOUNT, collected, judge } from '../../test/support/checks.js';
import type { DiagnosticSettingRecord } from '../../providers/azure/datasets.js';
import { activityLogExport } from '../../sandbox/azure/builders.js';

const WORKSPACE = `/subscriptions/${ACCOUNT}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law-sec`;
const STORAGE = `/subscriptions/${ACCOUNT}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/auditarchive`;

const setting = (...args: Parameters<typeof activityLogExport>): DiagnosticSettingRecord => activityLogExport(...args) as DiagnosticSettingRecord;

function verdict(items: DiagnosticSettingRecord[]) {
  const results = judge(control, { settings: collected('arm:GET microsoft.insights/diagnosticSettings (subscription)', items, 'global') });
  expect(results).toHaveLength(1);
  const [result] = results;
  if (result === undefined) throw new Error('no judgement');
  return result;
}

describe('azure-activity-log-exported', () => {
  it('fails high without any diagnostic setting, saying the activity log keeps 90 days', () => {
    const result = verdict([]);
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('no activity-log diagnostic setting');
    expect(result.message).toContain('90 days');
    expect(result.resource).toMatchObject({ uid: `/subscriptions/${ACCOUNT}/providers/microsoft.insights/diagnosticsettings`, name: 'Activity log' });
    expect(result.region).toBe('global');
  });

  it('fails a setting that exports Administrative only, naming the missing categories', () => {
    const result = verdict([setting('activity-to-law', { workspaceId: WORKSPACE }, ['Administrative'])]);
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('exports the Alert, Policy, Security categories (CIS Azure 5.1.2 requires Administrative, Alert, Policy, Security)');
    expect(result.message).toContain('activity-to-law exports Administrative to Log Analytics workspace law-sec');
  });

  it('fails Administrative and Security without Alert and Policy (CIS Azure 5.1.2), naming the one missing', () => {
    const result = verdict([setting('both', { workspaceId: WORKSPACE }, ['Administrative', 'Security', 'Policy'])]);
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('exports the Alert category (CIS Azure 5.1.2');
    expect(control.description).toContain('CIS Microsoft Azure Foundations Benchmark 5.1.2');
  });

  it('passes Administrative, Alert, Policy and Security, or the allLogs category group', () => {
    const four = verdict([setting('four', { workspaceId: WORKSPACE }, ['Administrative', 'Security', 'Policy', 'Alert'])]);
    expect(four.status).toBe('PASS');
    expect(four.message).toContain('exported with the Administrative, Alert, Policy, Security categories');
    const all = verdict([setting('all', { storageAccountId: STORAGE }, 'allLogs')]);
    expect(all.status).toBe('PASS');
    expect(all.message).toContain('all categories (allLogs)');
  });

  it('counts categories split across two settings that both deliver somewhere', () => {
    expect(verdict([setting('admin', { workspaceId: WORKSPACE }, ['Administrative', 'Policy']), setting('security', { storageAccountId: STORAGE }, ['Security', 'Alert'])]).status).toBe('PASS');
  });

  it('does not count categories listed but disabled (the portal default), nor a setting without a destination', () => {
    expect(verdict([setting('nothing-ticked', { workspaceId: WORKSPACE }, [])]).status).toBe('FAIL');
    const nowhere = verdict([setting('nowhere', {}, ['Administrative', 'Alert', 'Policy', 'Security'])]);
    expect(nowhere.status).toBe('FAIL');
    expect(nowhere.message).toContain('has no destination');
  });

  it('reads categories and allLogs case-insensitively, and does not count other category groups', () => {
    const lower: DiagnosticSettingRecord = {
      name: 'lower',
      properties: { workspaceId: WORKSPACE, logs: [{ category: 'administrative', enabled: true }, { category: 'SECURITY', enabled: true }, { category: 'alert', enabled: true }, { category: 'POLICY', enabled: true }] },
    };
    expect(verdict([lower]).status).toBe('PASS');
    expect(verdict([{ name: 'group', properties: { workspaceId: WORKSPACE, logs: [{ categoryGroup: 'AllLogs', enabled: true }] } }]).status).toBe('PASS');
    const audit = verdict([{ name: 'audit', properties: { workspaceId: WORKSPACE, logs: [{ categoryGroup: 'audit', enabled: true }] } }]);
    expect(audit.status).toBe('FAIL');
    expect(audit.message).toContain('category groups audit not counted');
  });

  it('accepts an event hub or a partner solution as the destination', () => {
    const hub: DiagnosticSettingRecord = {
      name: 'siem',
      properties: { eventHubAuthorizationRuleId: '/x/authorizationRules/send', eventHubName: 'activity', logs: [{ categoryGroup: 'allLogs', enabled: true }] },
    };
    const result = verdict([hub]);
    expect(result.status).toBe('PASS');
    expect(result.message).toContain('event hub activity');
  });
});

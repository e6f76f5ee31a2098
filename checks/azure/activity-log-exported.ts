import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import type { DiagnosticSettingRecord } from '../../providers/azure/datasets.js';
import { azureActivityLogDiagnosticSettings } from '../../providers/azure/datasets.js';
import { nameOf } from './support/resources.js';

/**
 * The activity log categories that must leave the 90-day activity log (CIS Azure 5.1.2): who changed what,
 * fired alerts, Azure Policy actions, and Defender for Cloud security alerts.
 */
const REQUIRED = ['Administrative', 'Alert', 'Policy', 'Security'] as const;
const ALL_LOGS = 'alllogs';

interface SettingReading {
  name: string;
  destinations: string[];
  /** Enabled categories, lower-cased > as written. */
  categories: Map<string, string>;
  allLogs: boolean;
  /** Enabled category groups other than allLogs: their membership is not known here. */
  otherGroups: string[];
}

function destinationsOf(setting: DiagnosticSettingRecord): string[] {
  const p = setting.properties;
  const out: string[] = [];
  const add = (kind: string, value: string | null | undefined) => {
    if (typeof value === 'string' && value.trim() !== '') out.push(`${kind} ${nameOf(value)}`);
  };
  add('Log Analytics workspace', p?.workspaceId);
  add('storage account', p?.storageAccountId);
  if (typeof p?.eventHubAuthorizationRuleId === 'string' && p.eventHubAuthorizationRuleId !== '') out.push(`event hub ${p.eventHubName ?? '(default)'}`);
  add('Service Bus', p?.serviceBusRuleId);
  add('partner solution', p?.marketplacePartnerId);
  return out;
}

function read(setting: DiagnosticSettingRecord): SettingReading {
  const categories = new Map<string, string>();
  let allLogs = false;
  const otherGroups: string[] = [];
  for (const log of setting.properties?.logs ?? []) {
    // Only `enabled: true` exports; the portal lists every category and leaves them unticked by default.
    if (log.enabled !== true) continue;
    if (typeof log.category === 'string' && log.category !== '') categories.set(log.category.toLowerCase(), log.category);
    if (typeof log.categoryGroup === 'string' && log.categoryGroup !== '') {
      if (log.categoryGroup.toLowerCase() === ALL_LOGS) allLogs = true;
      else otherGroups.push(log.categoryGroup);
    }
  }
  return { name: setting.name ?? (setting.id === undefined ? '(unnamed setting)' : nameOf(setting.id)), destinations: destinationsOf(setting), categories, allLogs, otherGroups };
}

function exported(reading: SettingReading): string[] {
  if (reading.allLogs) return ['all categories (allLogs)'];
  const required: string[] = REQUIRED.filter((c) => reading.categories.has(c.toLowerCase()));
  const others = [...reading.categories].filter(([key]) => !REQUIRED.some((r) => r.toLowerCase() === key)).map(([, written]) => written);
  return [...required, ...others];
}

function summary(reading: SettingReading): string {
  const what = exported(reading);
  const to = reading.destinations.length > 0 ? ` to ${reading.destinations.join(' and ')}` : ' but has no destination';
  const groups = reading.otherGroups.length > 0 ? ` (category groups ${reading.otherGroups.join(', ')} not counted)` : '';
  return `${reading.name} exports ${what.length > 0 ? what.join(', ') : 'no category'}${to}${groups}`;
}

export default defineControl({
  id: 'azure-activity-log-exported',
  provider: 'azure',
  area: 'audit',
  title: 'Activity log exported with Administrative, Alert, Policy and Security events',
  severity: 'high',
  hipaa: ['164.312(b)'],
  scope: 'account',
  // Designed, not wired yet (README: Change-driven scans).
  changeEvents: { eventGrid: { resourceTypes: ['Microsoft.Insights/diagnosticSettings'] } },
  description:
    'Azure keeps a subscription\'s activity log (every create, update and delete through Resource Manager, and security alerts) for 90 days only. A subscription diagnostic setting must export at least the Administrative, Alert, Policy and Security categories, as CIS Microsoft Azure Foundations Benchmark 5.1.2 requires (or the allLogs category group), to a Log Analytics workspace, storage account, event hub or partner solution, so audit records outlive that window. A category counts when it is enabled in a setting that has a destination; categories may be split across settings. Legacy log profiles, which Microsoft is retiring, are not counted.',
  remediation: {
    text: 'Monitor > Activity log > Export Activity Logs > Add diagnostic setting: tick Administrative, Alert, Policy and Security (or allLogs), send them to a Log Analytics workspace or storage account whose retention meets the policy. `az monitor diagnostic-settings subscription create` does the same from the CLI.',
    url: 'https://learn.microsoft.com/azure/azure-monitor/essentials/activity-log',
  },
  reads: { settings: azureActivityLogDiagnosticSettings },
  evaluate({ settings }, _context, ctx): Judgement[] {
    const readings = settings.items.map(read);
    const delivering = readings.filter((r) => r.destinations.length > 0);
    const covered = (category: string) => delivering.some((r) => r.allLogs || r.categories.has(category.toLowerCase()));
    const missing = REQUIRED.filter((c) => !covered(c));
    const uid = `/subscriptions/${ctx.account}/providers/microsoft.insights/diagnosticSettings`.toLowerCase();
    const resource = { id: `${ctx.account}/activity-log`, uid, type: 'Microsoft.Insights/diagnosticSettings', name: 'Activity log', tags: {} };
    const evidence = [
      evidenceFrom(settings, {
        diagnosticSettings: settings.items.map((s) => ({ name: s.name, properties: s.properties })),
      }),
    ];
    const described = readings.length === 0 ? '' : ` Settings: ${readings.map(summary).join('; ')}.`;
    if (missing.length === 0) {
      return [{ resource, status: 'PASS', region: 'global', message: `The subscription's activity log is exported with the ${REQUIRED.join(', ')} categories.${described}`, evidence }];
    }
    const problem =
      readings.length === 0
        ? 'The subscription has no activity-log diagnostic setting'
        : `No diagnostic setting with a destination exports the ${missing.join(', ')} categor${missing.length === 1 ? 'y' : 'ies'} (CIS Azure 5.1.2 requires ${REQUIRED.join(', ')})`;
    return [
      {
        resource,
        status: 'FAIL',
        region: 'global',
        message: `${problem}, so those activity-log events are kept for 90 days only and then lost.${described}`,
        evidence,
      },
    ];
  },
});

import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import { azureLogAnalyticsWorkspaces } from '../../providers/azure/datasets.js';
import { armResource, label, regionOf } from './support/resources.js';

const TYPE = 'Microsoft.OperationalInsights/workspaces';
/** What a workspace keeps when retentionInDays is not set. */
const DEFAULT_DAYS = 30;
/** The Free tier keeps data for 7 days, whatever the setting says. */
const FREE_TIER_DAYS = 7;
const PURGE_DAYS = 30;

export default defineControl({
  id: 'azure-log-analytics-retention',
  provider: 'azure',
  area: 'retention',
  title: 'Log Analytics workspaces keep data at least as long as the policy',
  severity: 'medium',
  hipaa: ['164.312(b)', '164.316(b)(2)(i)'],
  scope: 'account',
  // Designed, not wired yet (README: Change-driven scans).
  changeEvents: { eventGrid: { resourceTypes: ['Microsoft.OperationalInsights/workspaces'] } },
  description:
    'Every Log Analytics workspace must keep data for at least the configured minimum (minLogRetentionDays: 365 by default, 2190 days in the hipaa-6y profile). The workspace retention (retentionInDays) defaults to 30 days when unset; the Free tier keeps 7 days whatever it says; and the immediatePurgeDataOn30Days feature deletes data after 30 days. Individual tables can keep data longer (total retention with long-term retention, up to 12 years); Ward judges the workspace default that every table inherits.',
  remediation: {
    text: 'Raise the workspace retention (Log Analytics workspace > Usage and estimated costs > Data retention, or `az monitor log-analytics workspace update --retention-time <days>`, up to 730 days), and set a longer total retention on the tables that hold audit data (long-term retention, up to 12 years) to meet the policy. Move workspaces off the Free tier.',
    url: 'https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure',
  },
  reads: { workspaces: azureLogAnalyticsWorkspaces },
  evaluate({ workspaces }, _context, ctx): Judgement[] {
    const min = ctx.thresholds.minLogRetentionDays;
    return workspaces.items.map((workspace): Judgement => {
      const resource = armResource(workspace, TYPE);
      const region = regionOf(workspace);
      const name = label('Log Analytics workspace', workspace);
      const p = workspace.properties;
      const sku = p?.sku?.name ?? undefined;
      const setting = p?.retentionInDays;
      const purge = p?.features?.immediatePurgeDataOn30Days === true;
      const evidence = [
        evidenceFrom(workspaces, {
          id: workspace.id,
          'properties.retentionInDays': setting,
          'properties.sku.name': sku,
          ...(p?.features?.immediatePurgeDataOn30Days === undefined ? {} : { 'properties.features.immediatePurgeDataOn30Days': p.features.immediatePurgeDataOn30Days }),
        }),
      ];

      const notes: string[] = [];
      let days: number;
      if (typeof setting === 'number' && Number.isFinite(setting) && setting > 0) {
        days = setting;
      } else {
        days = DEFAULT_DAYS;
        notes.push(setting === undefined || setting === null ? `retentionInDays is not set, so the default of ${DEFAULT_DAYS} days applies` : `retentionInDays is ${String(setting)}, not a retention period, so the default of ${DEFAULT_DAYS} days is assumed`);
      }
      if ((sku ?? '').toLowerCase() === 'free' && days > FREE_TIER_DAYS) {
        notes.push(`the Free tier keeps data for ${FREE_TIER_DAYS} days whatever the setting`);
        days = FREE_TIER_DAYS;
      } else if ((sku ?? '').toLowerCase() === 'free') {
        notes.push('the workspace is on the Free tier');
      }
      if (purge && days > PURGE_DAYS) {
        notes.push(`immediatePurgeDataOn30Days is on, so data is deleted after ${PURGE_DAYS} days`);
        days = PURGE_DAYS;
      }
      const why = notes.length > 0 ? ` (${notes.join('; ')})` : '';

      if (days < min) {
        return {
          resource,
          status: 'FAIL',
          region,
          message: `${name} keeps data for ${days} days${why}, fewer than the ${min} days the policy requires (minLogRetentionDays). Tables with a longer total retention keep theirs; the workspace default applies to every other table.`,
          evidence,
        };
      }
      return { resource, status: 'PASS', region, message: `${name} keeps data for ${days} days${why}, at least the ${min} days the policy requires.`, evidence };
    });
  },
});

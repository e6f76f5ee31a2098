import { azureActivityLogDiagnosticSettings, azureLogAnalyticsWorkspaces } from '../datasets.js';
import type { DiagnosticSettingRecord, WorkspaceProperties, WorkspaceRecord } from '../datasets.js';
import { fetcher, listResources } from './fetcher.js';

const WORKSPACE_PROPERTIES = ['retentionInDays', 'sku', 'features', 'provisioningState', 'customerId'] as const;

export const monitorFetchers = [
  // @azure/arm-monitor 7.x has no subscription-scope diagnostic settings operation and its model drops
  // `categoryGroup`, so the ARM response is read as it is (same pipeline: auth, retries, metrics).
  fetcher(azureActivityLogDiagnosticSettings, ({ arm }) => arm.subscriptionDiagnosticSettings<DiagnosticSettingRecord>()),

  fetcher(azureLogAnalyticsWorkspaces, (ctx) =>
    listResources<WorkspaceProperties, WorkspaceRecord>(ctx, 'Microsoft.OperationalInsights/workspaces', WORKSPACE_PROPERTIES, (workspace) => {
      const features = workspace.properties?.features;
      if (features === undefined || features === null || workspace.properties === undefined || workspace.properties === null) return workspace;
      // Only the purge flag is read among the workspace features.
      const purge = features.immediatePurgeDataOn30Days;
      return { ...workspace, properties: { ...workspace.properties, features: purge === undefined ? {} : { immediatePurgeDataOn30Days: purge } } };
    }),
  ),
];

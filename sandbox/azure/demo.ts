// The demo Azure world: one subscription, "ward-demo-clinic", run by a small healthcare provider.
// Mostly clean, with every Azure control failing somewhere and the edge cases that trip scanners up:
// a port range that contains 22, SSH from a service tag that is not the internet, an open rule shadowed
// by a higher-priority Deny, the "Allow Azure services" firewall rule versus the whole internet, the
// Log Analytics default of 30 days, and an activity-log export missing the Security category.

import {
  activityLogExport,
  disk,
  firewallRule,
  flexibleServer,
  networkSecurityGroup,
  resourceId,
  sqlServer,
  workspace,
} from './builders.js';
import type { AzureWorld } from './types.js';

export const DEMO_SUBSCRIPTION_ID = '3f1c6a52-7d4e-4b8a-9c1d-2e5f0a7b8c9d';
export const DEMO_SUBSCRIPTION_NAME = 'ward-demo-clinic';
export const DEMO_TENANT_ID = 'b7e2c1d4-5a6f-4e3b-8c9d-0f1e2d3c4b5a';

const S = DEMO_SUBSCRIPTION_ID;
const tags = { environment: 'production', workload: 'ehr', 'data-classification': 'phi' };

const vmId = (rg: string, name: string) => resourceId(S, rg, 'Microsoft.Compute/virtualMachines', name);
const nicId = (rg: string, name: string) => resourceId(S, rg, 'Microsoft.Network/networkInterfaces', name);
const subnetId = (name: string) => `${resourceId(S, 'rg-network', 'Microsoft.Network/virtualNetworks', 'vnet-clinic')}/subnets/${name}`;
const centralWorkspace = resourceId(S, 'rg-monitoring', 'Microsoft.OperationalInsights/workspaces', 'law-clinic-security');

const sqlEhr = sqlServer(S, 'rg-ehr-prod', 'sql-ehr-prod', 'Disabled', { location: 'eastus', tags });
const sqlBilling = sqlServer(S, 'rg-billing', 'sql-billing', 'Enabled', { location: 'eastus', tags: { workload: 'billing' } });
const sqlResearch = sqlServer(S, 'rg-research', 'sql-research-export', 'Enabled', { location: 'westus2', tags: { workload: 'research', owner: 'data-team' } });
const pgReporting = flexibleServer('postgresql', S, 'rg-analytics', 'pg-reporting', { publicNetworkAccess: 'Enabled' }, { location: 'eastus' });

export const AZURE_DEMO_WORLD: AzureWorld = {
  tenantId: DEMO_TENANT_ID,
  subscriptions: [
    {
      subscriptionId: S,
      displayName: DEMO_SUBSCRIPTION_NAME,
      state: 'Enabled',
      tags: { industry: 'healthcare', 'cost-center': 'clinic-it' },
      resources: [
        // volumes: customer-managed keys on the EHR, platform keys on a forgotten scratch disk.
        disk(S, 'rg-ehr-prod', 'ehr-db-data', 'customer', { location: 'eastus', tags, attachedTo: vmId('rg-ehr-prod', 'vm-ehr-db'), sizeGB: 1024 }),
        disk(S, 'rg-ehr-prod', 'ehr-app-os', 'double', { location: 'eastus', tags, attachedTo: vmId('rg-ehr-prod', 'vm-ehr-app') }),
        disk(S, 'rg-analytics', 'analytics-scratch', 'platform', { location: 'eastus', sizeGB: 512 }),

        // databases
        sqlEhr,
        sqlBilling,
        // Only "Allow Azure services and resources to access this server": broad, but not the internet.
        firewallRule(sqlBilling, 'AllowAllWindowsAzureIps', '0.0.0.0', '0.0.0.0'),
        sqlResearch,
        firewallRule(sqlResearch, 'AllowAll', '0.0.0.0', '255.255.255.255'),
        flexibleServer('postgresql', S, 'rg-ehr-prod', 'pg-patient-portal', { publicNetworkAccess: 'Disabled', delegatedSubnetResourceId: subnetId('snet-postgres') }, { location: 'eastus', tags }),
        pgReporting,
        firewallRule(pgReporting, 'clinic-office', '203.0.113.0', '203.0.113.255'),
        flexibleServer('mysql', S, 'rg-scheduling', 'mysql-scheduling', { publicNetworkAccess: 'Disabled' }, { location: 'eastus' }),

        // ssh
        networkSecurityGroup(S, 'rg-ehr-prod', 'nsg-ehr-web', [{ name: 'allow-https', priority: 100, ports: '443', source: 'Internet' }], {
          location: 'eastus',
          tags,
          subnets: [subnetId('snet-web')],
        }),
        // A port range from the internet that contains 22: fails.
        networkSecurityGroup(S, 'rg-ops', 'nsg-jumpbox', [{ name: 'allow-mgmt-range', priority: 300, ports: '20-30', source: 'Internet' }], {
          location: 'eastus',
          networkInterfaces: [nicId('rg-ops', 'nic-jumpbox')],
        }),
        // SSH only from the virtual network (a service tag that is not the internet): passes.
        networkSecurityGroup(S, 'rg-ops', 'nsg-build-agents', [{ name: 'allow-ssh-vnet', priority: 200, ports: '22', source: 'VirtualNetwork' }], {
          location: 'eastus',
          networkInterfaces: [nicId('rg-ops', 'nic-build-01')],
        }),
        // Allow from '*' on 22, shadowed by a higher-priority (lower number) Deny: passes.
        networkSecurityGroup(
          S,
          'rg-legacy',
          'nsg-legacy-app',
          [
            { name: 'deny-ssh-internet', priority: 100, access: 'Deny', ports: '22', source: '*' },
            { name: 'allow-ssh-any', priority: 400, ports: '22', source: '*' },
          ],
          { location: 'westus2', networkInterfaces: [nicId('rg-legacy', 'nic-legacy-01')] },
        ),

        // retention
        workspace(S, 'rg-monitoring', 'law-clinic-security', 730, { location: 'eastus', tags }),
        workspace(S, 'rg-analytics', 'law-analytics-dev', 30, { location: 'eastus' }),
      ],
      // audit: the activity log goes to the workspace, but without the Security category.
      diagnosticSettings: [activityLogExport('activity-to-law', { workspaceId: centralWorkspace }, ['Administrative'])],
    },
  ],
};

/** A fresh copy, so a caller may add faults or resources without touching the shared demo. */
export function azureDemoWorld(): AzureWorld {
  return structuredClone(AZURE_DEMO_WORLD);
}

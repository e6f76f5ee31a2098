// Small builders for ARM resources in their wire shape, shared by the demo world, the generator and
// tests, so each fixture states only what makes it interesting.

import type { AzureWorldDiagnosticSetting, AzureWorldResource } from './types.js';

export function resourceId(subscriptionId: string, resourceGroup: string, type: string, name: string): string {
  const [namespace, ...types] = type.split('/');
  const names = name.split('/');
  const pairs = types.map((t, i) => `${t}/${names[i] ?? ''}`).join('/');
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${namespace ?? ''}/${pairs}`;
}

interface Common {
  location?: string;
  tags?: Record<string, string>;
}

function resource(subscriptionId: string, resourceGroup: string, type: string, name: string, properties: Record<string, unknown>, common: Common & { sku?: { name?: string; tier?: string }; managedBy?: string } = {}): AzureWorldResource {
  const out: AzureWorldResource = { id: resourceId(subscriptionId, resourceGroup, type, name), name: name.split('/').pop() ?? name, type, properties };
  if (common.location !== undefined || type.split('/').length === 2) out.location = common.location ?? 'eastus';
  if (common.tags !== undefined) out.tags = common.tags;
  if (common.sku !== undefined) out.sku = common.sku;
  if (common.managedBy !== undefined) out.managedBy = common.managedBy;
  return out;
}

export type DiskKey = 'platform' | 'customer' | 'double' | 'absent';

export function disk(sub: string, rg: string, name: string, key: DiskKey, options: Common & { attachedTo?: string; sizeGB?: number } = {}): AzureWorldResource {
  const desId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/diskEncryptionSets/des-${rg}`;
  const encryption =
    key === 'platform'
      ? { type: 'EncryptionAtRestWithPlatformKey' }
      : key === 'customer'
        ? { type: 'EncryptionAtRestWithCustomerKey', diskEncryptionSetId: desId }
        : key === 'double'
          ? { type: 'EncryptionAtRestWithPlatformAndCustomerKeys', diskEncryptionSetId: desId }
          : undefined;
  const properties: Record<string, unknown> = {
    diskSizeGB: options.sizeGB ?? 128,
    diskState: options.attachedTo === undefined ? 'Unattached' : 'Attached',
    provisioningState: 'Succeeded',
    ...(encryption === undefined ? {} : { encryption }),
  };
  return resource(sub, rg, 'Microsoft.Compute/disks', name, properties, {
    ...options,
    sku: { name: 'Premium_LRS', tier: 'Premium' },
    ...(options.attachedTo === undefined ? {} : { managedBy: options.attachedTo }),
  });
}

export function sqlServer(sub: string, rg: string, name: string, publicNetworkAccess: 'Enabled' | 'Disabled' | 'SecuredByPerimeter' | undefined, options: Common = {}): AzureWorldResource {
  return resource(
    sub,
    rg,
    'Microsoft.Sql/servers',
    name,
    {
      fullyQualifiedDomainName: `${name}.database.windows.net`,
      state: 'Ready',
      version: '12.0',
      minimalTlsVersion: '1.2',
      ...(publicNetworkAccess === undefined ? {} : { publicNetworkAccess }),
    },
    { ...options, tags: options.tags ?? {} },
  );
}

export function flexibleServer(
  engine: 'postgresql' | 'mysql',
  sub: string,
  rg: string,
  name: string,
  network: { publicNetworkAccess?: 'Enabled' | 'Disabled'; delegatedSubnetResourceId?: string },
  options: Common = {},
): AzureWorldResource {
  const type = engine === 'postgresql' ? 'Microsoft.DBforPostgreSQL/flexibleServers' : 'Microsoft.DBforMySQL/flexibleServers';
  const domain = engine === 'postgresql' ? 'postgres.database.azure.com' : 'mysql.database.azure.com';
  return resource(sub, rg, type, name, { fullyQualifiedDomainName: `${name}.${domain}`, state: 'Ready', version: engine === 'postgresql' ? '16' : '8.0.21', network }, options);
}

/** A firewall rule child of `server` (any of the three database types). */
export function firewallRule(server: AzureWorldResource, name: string, startIpAddress: string, endIpAddress: string): AzureWorldResource {
  const type = `${server.type ?? ''}/firewallRules`;
  return { id: `${server.id}/firewallRules/${name}`, name, type, properties: { startIpAddress, endIpAddress } };
}

export interface RuleSpec {
  name: string;
  priority: number;
  access?: 'Allow' | 'Deny';
  direction?: 'Inbound' | 'Outbound';
  protocol?: string;
  /** A single port or range, or several (destinationPortRanges). */
  ports?: string | string[];
  /** A single prefix or tag, or several (sourceAddressPrefixes). */
  source?: string | string[];
  destination?: string;
}

/** A security rule in ARM's shape: a single value goes in the singular field, a list in the plural one. */
export function securityRule(nsgId: string, spec: RuleSpec, collection: 'securityRules' | 'defaultSecurityRules' = 'securityRules'): Record<string, unknown> {
  const ports = spec.ports ?? '*';
  const source = spec.source ?? '*';
  return {
    id: `${nsgId}/${collection}/${spec.name}`,
    name: spec.name,
    type: `Microsoft.Network/networkSecurityGroups/${collection}`,
    properties: {
      provisioningState: 'Succeeded',
      protocol: spec.protocol ?? 'Tcp',
      sourcePortRange: '*',
      ...(Array.isArray(ports) ? { destinationPortRanges: ports, destinationPortRange: '' } : { destinationPortRange: ports, destinationPortRanges: [] }),
      ...(Array.isArray(source) ? { sourceAddressPrefixes: source, sourceAddressPrefix: '' } : { sourceAddressPrefix: source, sourceAddressPrefixes: [] }),
      destinationAddressPrefix: spec.destination ?? '*',
      destinationAddressPrefixes: [],
      access: spec.access ?? 'Allow',
      priority: spec.priority,
      direction: spec.direction ?? 'Inbound',
    },
  };
}

/** The three inbound and three outbound rules Azure puts in every NSG. */
export function defaultSecurityRules(nsgId: string): Record<string, unknown>[] {
  const rule = (name: string, priority: number, access: 'Allow' | 'Deny', direction: 'Inbound' | 'Outbound', source: string, destination: string) =>
    securityRule(nsgId, { name, priority, access, direction, protocol: '*', ports: '*', source, destination }, 'defaultSecurityRules');
  return [
    rule('AllowVnetInBound', 65000, 'Allow', 'Inbound', 'VirtualNetwork', 'VirtualNetwork'),
    rule('AllowAzureLoadBalancerInBound', 65001, 'Allow', 'Inbound', 'AzureLoadBalancer', '*'),
    rule('DenyAllInBound', 65500, 'Deny', 'Inbound', '*', '*'),
    rule('AllowVnetOutBound', 65000, 'Allow', 'Outbound', 'VirtualNetwork', 'VirtualNetwork'),
    rule('AllowInternetOutBound', 65001, 'Allow', 'Outbound', '*', 'Internet'),
    rule('DenyAllOutBound', 65500, 'Deny', 'Outbound', '*', '*'),
  ];
}

export function networkSecurityGroup(sub: string, rg: string, name: string, rules: RuleSpec[], options: Common & { networkInterfaces?: string[]; subnets?: string[] } = {}): AzureWorldResource {
  const id = resourceId(sub, rg, 'Microsoft.Network/networkSecurityGroups', name);
  return resource(
    sub,
    rg,
    'Microsoft.Network/networkSecurityGroups',
    name,
    {
      provisioningState: 'Succeeded',
      securityRules: rules.map((r) => securityRule(id, r)),
      defaultSecurityRules: defaultSecurityRules(id),
      ...(options.networkInterfaces === undefined ? {} : { networkInterfaces: options.networkInterfaces.map((nic) => ({ id: nic })) }),
      ...(options.subnets === undefined ? {} : { subnets: options.subnets.map((subnet) => ({ id: subnet })) }),
    },
    options,
  );
}

export function workspace(sub: string, rg: string, name: string, retentionInDays: number | undefined, options: Common & { sku?: string; purgeAfter30Days?: boolean } = {}): AzureWorldResource {
  return resource(
    sub,
    rg,
    'Microsoft.OperationalInsights/workspaces',
    name,
    {
      provisioningState: 'Succeeded',
      customerId: '6f1f9b0e-0000-4000-8000-000000000000',
      sku: { name: options.sku ?? 'PerGB2018' },
      ...(retentionInDays === undefined ? {} : { retentionInDays }),
      features: { enableLogAccessUsingOnlyResourcePermissions: true, ...(options.purgeAfter30Days === undefined ? {} : { immediatePurgeDataOn30Days: options.purgeAfter30Days }) },
    },
    { ...(options.location === undefined ? {} : { location: options.location }), ...(options.tags === undefined ? {} : { tags: options.tags }) },
  );
}

export const ACTIVITY_LOG_CATEGORIES = ['Administrative', 'Security', 'ServiceHealth', 'Alert', 'Recommendation', 'Policy', 'Autoscale', 'ResourceHealth'] as const;

/** A subscription diagnostic setting exporting the named categories (others listed as disabled). */
export function activityLogExport(name: string, destination: { workspaceId?: string; storageAccountId?: string }, enabled: readonly string[] | 'allLogs'): AzureWorldDiagnosticSetting {
  const logs =
    enabled === 'allLogs'
      ? [{ category: null, categoryGroup: 'allLogs', enabled: true }]
      : ACTIVITY_LOG_CATEGORIES.map((category) => ({ category, categoryGroup: null, enabled: enabled.includes(category) }));
  return { name, properties: { ...destination, logs } };
}

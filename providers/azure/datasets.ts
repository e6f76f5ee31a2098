// The typed Azure inventory: what each collector produces and each check may read. Records keep Azure
// Resource Manager's own wire shape and property names (`properties.encryption.type`, not an SDK's
// flattened model), so evidence quotes the response exactly and a check must handle every field ARM
// may leave out or send as null. Every dataset is read once per subscription (the `account`).

import { dataset } from '../../core/control.js';

/** The envelope every ARM resource shares; `properties` is the resource type's own payload. */
export interface ArmResource<P> {
  /** `/subscriptions/{id}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}`; case-insensitive. */
  id: string;
  name?: string;
  type?: string;
  location?: string;
  tags?: Record<string, string> | null;
  sku?: { name?: string; tier?: string } | null;
  kind?: string;
  managedBy?: string | null;
  properties?: P | null;
}

/** A read of a resource's children (firewall rules), which can fail on its own. */
export type ChildRead<T> = { ok: true; items: T[]; api: string; readAt: string } | { ok: false; api: string; code: string; reason: string };

// --- Subscription ------------------------------------------------------------------------------

/** GET /subscriptions/{subscriptionId}. */
export interface SubscriptionRecord {
  id?: string;
  subscriptionId: string;
  displayName?: string;
  /** Enabled, Warned, PastDue, Disabled, Deleted. */
  state?: string;
  tenantId?: string;
}

// --- Microsoft.Compute/disks ------------------------------------------------------------------

export const DISK_ENCRYPTION_TYPES = [
  'EncryptionAtRestWithPlatformKey',
  'EncryptionAtRestWithCustomerKey',
  'EncryptionAtRestWithPlatformAndCustomerKeys',
] as const;

export interface DiskProperties {
  /** Server-side encryption at rest. Absent on old disks: ARM then means the platform key. */
  encryption?: {
    /** One of DISK_ENCRYPTION_TYPES (an unknown future value is possible). */
    type?: string | null;
    /** The disk encryption set holding the customer-managed key. */
    diskEncryptionSetId?: string | null;
  } | null;
  /** Azure Disk Encryption (BitLocker / DM-Crypt inside the guest), keys in the customer's Key Vault. */
  encryptionSettingsCollection?: { enabled?: boolean | null; encryptionSettingsVersion?: string | null } | null;
  /** Confidential VM disks: `ConfidentialVM_DiskEncryptedWithCustomerKey` etc. */
  securityProfile?: { securityType?: string | null; secureVMDiskEncryptionSetId?: string | null } | null;
  /** Unattached, Attached, Reserved, ActiveSAS, ReadyToUpload, ActiveUpload, … */
  diskState?: string;
  diskSizeGB?: number;
  osType?: string;
  provisioningState?: string;
}

export type DiskRecord = ArmResource<DiskProperties>;

// --- Databases --------------------------------------------------------------------------------

/** A server-level firewall rule: an inclusive IPv4 range. 0.0.0.0–0.0.0.0 means "Allow Azure services". */
export interface FirewallRuleRecord {
  id?: string;
  name?: string;
  properties?: { startIpAddress?: string; endIpAddress?: string } | null;
}

/** Microsoft.Sql/servers. */
export interface SqlServerProperties {
  /** Enabled, Disabled or SecuredByPerimeter; absent (older servers) means Enabled. */
  publicNetworkAccess?: string | null;
  fullyQualifiedDomainName?: string;
  state?: string;
  version?: string;
  minimalTlsVersion?: string | null;
}

/** Microsoft.DBforPostgreSQL/flexibleServers and Microsoft.DBforMySQL/flexibleServers. */
export interface FlexibleServerProperties {
  network?: {
    /** Enabled or Disabled. Always Disabled for a VNet-integrated (private access) server. */
    publicNetworkAccess?: string | null;
    /** Set for a VNet-integrated server: it has no public endpoint at all. */
    delegatedSubnetResourceId?: string | null;
    privateDnsZoneArmResourceId?: string | null;
  } | null;
  fullyQualifiedDomainName?: string;
  state?: string;
  version?: string;
}

/** A database server and, when it has a public endpoint, its firewall rules. */
export interface DatabaseServerRecord<P> {
  server: ArmResource<P>;
  /** Absent when not read: the server has no public endpoint (public access disabled or VNet-integrated). */
  firewallRules?: ChildRead<FirewallRuleRecord>;
}

export type SqlServerRecord = DatabaseServerRecord<SqlServerProperties>;
export type FlexibleServerRecord = DatabaseServerRecord<FlexibleServerProperties>;

// --- Microsoft.Network/networkSecurityGroups --------------------------------------------------

export interface SecurityRuleProperties {
  /** Tcp, Udp, Icmp, Esp, Ah or `*`. */
  protocol?: string;
  sourcePortRange?: string | null;
  sourcePortRanges?: string[] | null;
  /** `*`, `22` or `20-30`; empty or absent when `destinationPortRanges` is used. */
  destinationPortRange?: string | null;
  destinationPortRanges?: string[] | null;
  /** A CIDR, an IP, `*`, or a service tag (`Internet`, `VirtualNetwork`, `AzureLoadBalancer`, …). */
  sourceAddressPrefix?: string | null;
  sourceAddressPrefixes?: string[] | null;
  sourceApplicationSecurityGroups?: Array<{ id?: string }> | null;
  destinationAddressPrefix?: string | null;
  destinationAddressPrefixes?: string[] | null;
  destinationApplicationSecurityGroups?: Array<{ id?: string }> | null;
  /** Allow or Deny. */
  access?: string;
  /** 100–4096 for custom rules (65000+ for the default ones); the lowest number wins. */
  priority?: number;
  /** Inbound or Outbound. */
  direction?: string;
  description?: string;
}

export interface SecurityRuleRecord {
  id?: string;
  name?: string;
  properties?: SecurityRuleProperties | null;
}

export interface NetworkSecurityGroupProperties {
  securityRules?: SecurityRuleRecord[] | null;
  defaultSecurityRules?: SecurityRuleRecord[] | null;
  networkInterfaces?: Array<{ id?: string }> | null;
  subnets?: Array<{ id?: string }> | null;
}

export type NetworkSecurityGroupRecord = ArmResource<NetworkSecurityGroupProperties>;

// --- Subscription diagnostic settings (the activity log's export) ------------------------------

export interface DiagnosticLogSetting {
  /** Administrative, Security, ServiceHealth, Alert, Recommendation, Policy, Autoscale, ResourceHealth. */
  category?: string | null;
  /** `allLogs` covers every category. */
  categoryGroup?: string | null;
  enabled?: boolean;
}

export interface DiagnosticSettingRecord {
  id?: string;
  name?: string;
  type?: string;
  properties?: {
    workspaceId?: string | null;
    storageAccountId?: string | null;
    eventHubAuthorizationRuleId?: string | null;
    eventHubName?: string | null;
    serviceBusRuleId?: string | null;
    marketplacePartnerId?: string | null;
    logs?: DiagnosticLogSetting[] | null;
  } | null;
}

// --- Microsoft.OperationalInsights/workspaces -------------------------------------------------

export interface WorkspaceProperties {
  /** Interactive retention in days; absent means the default (30, or 7 on the Free tier). */
  retentionInDays?: number | null;
  /** Free, PerGB2018, CapacityReservation, LACluster, Standalone, PerNode, Standard, Premium. */
  sku?: { name?: string } | null;
  features?: { immediatePurgeDataOn30Days?: boolean | null } | null;
  provisioningState?: string;
  customerId?: string;
}

export type WorkspaceRecord = ArmResource<WorkspaceProperties>;

// --- Dataset definitions ----------------------------------------------------------------------

export const azureSubscription = dataset<SubscriptionRecord>({
  key: 'azure.subscription',
  provider: 'azure',
  scope: 'account',
  api: 'arm:GET subscription',
  actions: ['Microsoft.Resources/subscriptions/read'],
});

export const azureDisks = dataset<DiskRecord>({
  key: 'azure.compute.disks',
  provider: 'azure',
  scope: 'account',
  api: 'arm:GET Microsoft.Compute/disks',
  actions: ['Microsoft.Compute/disks/read'],
});

export const azureSqlServers = dataset<SqlServerRecord>({
  key: 'azure.sql.servers',
  provider: 'azure',
  scope: 'account',
  api: 'arm:GET Microsoft.Sql/servers',
  actions: ['Microsoft.Sql/servers/read', 'Microsoft.Sql/servers/firewallRules/read'],
});

export const azurePostgresFlexibleServers = dataset<FlexibleServerRecord>({
  key: 'azure.postgresql.flexibleServers',
  provider: 'azure',
  scope: 'account',
  api: 'arm:GET Microsoft.DBforPostgreSQL/flexibleServers',
  actions: ['Microsoft.DBforPostgreSQL/flexibleServers/read', 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/read'],
});

export const azureMysqlFlexibleServers = dataset<FlexibleServerRecord>({
  key: 'azure.mysql.flexibleServers',
  provider: 'azure',
  scope: 'account',
  api: 'arm:GET Microsoft.DBforMySQL/flexibleServers',
  actions: ['Microsoft.DBforMySQL/flexibleServers/read', 'Microsoft.DBforMySQL/flexibleServers/firewallRules/read'],
});

export const azureNetworkSecurityGroups = dataset<NetworkSecurityGroupRecord>({
  key: 'azure.network.networkSecurityGroups',
  provider: 'azure',
  scope: 'account',
  api: 'arm:GET Microsoft.Network/networkSecurityGroups',
  actions: ['Microsoft.Network/networkSecurityGroups/read'],
});

export const azureActivityLogDiagnosticSettings = dataset<DiagnosticSettingRecord>({
  key: 'azure.insights.subscriptionDiagnosticSettings',
  provider: 'azure',
  scope: 'account',
  api: 'arm:GET microsoft.insights/diagnosticSettings (subscription)',
  actions: ['Microsoft.Insights/DiagnosticSettings/Read'],
});

export const azureLogAnalyticsWorkspaces = dataset<WorkspaceRecord>({
  key: 'azure.operationalinsights.workspaces',
  provider: 'azure',
  scope: 'account',
  api: 'arm:GET Microsoft.OperationalInsights/workspaces',
  actions: ['Microsoft.OperationalInsights/workspaces/read'],
});

export const AZURE_DATASETS = [
  azureSubscription,
  azureDisks,
  azureSqlServers,
  azurePostgresFlexibleServers,
  azureMysqlFlexibleServers,
  azureNetworkSecurityGroups,
  azureActivityLogDiagnosticSettings,
  azureLogAnalyticsWorkspaces,
] as const;

/** Actions Ward needs whatever controls are enabled: listing and opening the subscriptions. */
export const AZURE_BASE_ACTIONS = ['Microsoft.Resources/subscriptions/read'] as const;

/**
 * The ARM API version used to read each resource type (current stable versions), in one place.
 * Child types are read under their parent with the parent's version.
 */
export const AZURE_API_VERSIONS = {
  'Microsoft.Compute/disks': '2024-03-02',
  'Microsoft.Sql/servers': '2023-08-01',
  'Microsoft.Sql/servers/firewallRules': '2023-08-01',
  'Microsoft.DBforPostgreSQL/flexibleServers': '2024-08-01',
  'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules': '2024-08-01',
  'Microsoft.DBforMySQL/flexibleServers': '2023-12-30',
  'Microsoft.DBforMySQL/flexibleServers/firewallRules': '2023-12-30',
  'Microsoft.Network/networkSecurityGroups': '2024-05-01',
  'Microsoft.OperationalInsights/workspaces': '2023-09-01',
  'microsoft.insights/diagnosticSettings': '2021-05-01-preview',
} as const;

export type AzureResourceType = keyof typeof AZURE_API_VERSIONS;

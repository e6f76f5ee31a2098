// The typed Google Cloud inventory, read through Cloud Asset Inventory (listAssets). Each record keeps
// the asset's envelope (full resource name, type, location, ancestors) and the resource's own JSON
// representation with the service API's field names and optionality: proto3 JSON leaves out false,
// zero and empty values, so a check must treat every field as possibly absent.
//
// GCP is scoped by project: every dataset is `account`-scoped, where the account is the project id.
// Judgements carry the resource's location (zone, region or `global`) as their region.

import { dataset } from '../../core/control.js';

/** The Cloud Asset Inventory asset types Ward reads. */
export const ASSET_TYPES = {
  project: 'cloudresourcemanager.googleapis.com/Project',
  folder: 'cloudresourcemanager.googleapis.com/Folder',
  organization: 'cloudresourcemanager.googleapis.com/Organization',
  computeProject: 'compute.googleapis.com/Project',
  disk: 'compute.googleapis.com/Disk',
  firewall: 'compute.googleapis.com/Firewall',
  sqlInstance: 'sqladmin.googleapis.com/Instance',
  logBucket: 'logging.googleapis.com/LogBucket',
} as const;

/** The asset envelope: where the resource is and what it is. */
export interface GcpAssetRef {
  /** Full resource name, e.g. `//compute.googleapis.com/projects/p/zones/us-central1-a/disks/d`. */
  name: string;
  assetType: string;
  /** `resource.location`: a zone, a region, a multi-region or `global`; absent when not reported. */
  location?: string;
  /** `projects/NUMBER`, then `folders/…`, then `organizations/…`, nearest first. */
  ancestors?: string[];
  updateTime?: string;
}

export interface GcpRecord<Data> {
  asset: GcpAssetRef;
  data: Data;
}

// ---- compute.googleapis.com/Disk (Compute Engine v1 Disk) ----

/**
 * Compute Engine CustomerEncryptionKey. In responses a CMEK disk carries `kmsKeyName` (possibly with a
 * `/cryptoKeyVersions/N` suffix) and a CSEK disk carries `sha256`; `rawKey` and `rsaEncryptedKey` are
 * input-only and never returned, but are typed so a record built from other sources is judged right.
 */
export interface CustomerEncryptionKey {
  kmsKeyName?: string;
  kmsKeyServiceAccount?: string;
  sha256?: string;
  rawKey?: string;
  rsaEncryptedKey?: string;
}

export interface ComputeDisk {
  name?: string;
  id?: string;
  /** Zone URL for zonal disks. */
  zone?: string;
  /** Region URL for regional disks. */
  region?: string;
  /** int64, as a decimal string in JSON. */
  sizeGb?: string;
  status?: string;
  type?: string;
  /** Instance URLs the disk is attached to. */
  users?: string[];
  labels?: Record<string, string>;
  selfLink?: string;
  diskEncryptionKey?: CustomerEncryptionKey;
}

export type DiskRecord = GcpRecord<ComputeDisk>;

// ---- sqladmin.googleapis.com/Instance (Cloud SQL Admin v1 DatabaseInstance) ----

export interface SqlAclEntry {
  /** A CIDR or a single IPv4 address. */
  value?: string;
  name?: string;
  expirationTime?: string;
}

export interface SqlPscConfig {
  pscEnabled?: boolean;
  allowedConsumerProjects?: string[];
}

export interface SqlIpConfiguration {
  /** Whether the instance has a public IPv4 address. Absent in JSON when false. */
  ipv4Enabled?: boolean;
  /** VPC network for private IP, e.g. `projects/p/global/networks/default`. */
  privateNetwork?: string;
  authorizedNetworks?: SqlAclEntry[];
  pscConfig?: SqlPscConfig;
  requireSsl?: boolean;
  sslMode?: string;
}

export interface SqlIpMapping {
  /** `PRIMARY` (public, connections in), `OUTGOING`, `PRIVATE`, `MIGRATED_1ST_GEN`. */
  type?: string;
  ipAddress?: string;
}

export interface SqlInstance {
  name?: string;
  project?: string;
  region?: string;
  gceZone?: string;
  databaseVersion?: string;
  /** `RUNNABLE`, `SUSPENDED`, `PENDING_CREATE`, `MAINTENANCE`, `FAILED`, `STOPPED`… */
  state?: string;
  /** `CLOUD_SQL_INSTANCE`, `ON_PREMISES_INSTANCE`, `READ_REPLICA_INSTANCE`. */
  instanceType?: string;
  connectionName?: string;
  settings?: {
    activationPolicy?: string;
    ipConfiguration?: SqlIpConfiguration;
    userLabels?: Record<string, string>;
  };
  ipAddresses?: SqlIpMapping[];
}

export type SqlInstanceRecord = GcpRecord<SqlInstance>;

// ---- compute.googleapis.com/Firewall (Compute Engine v1 Firewall, VPC firewall rules) ----

export interface FirewallProtocolPorts {
  /** `tcp`, `udp`, `icmp`, `esp`, `ah`, `sctp`, `ipip`, `all`, or an IP protocol number such as `6`. */
  IPProtocol?: string;
  /** `22`, `20-30`; absent means every port of the protocol. */
  ports?: string[];
}

export interface ComputeFirewall {
  name?: string;
  id?: string;
  /** Network URL. */
  network?: string;
  /** 0–65535, lower wins; absent means the default 1000. */
  priority?: number;
  /** `INGRESS` (the default when absent) or `EGRESS`. */
  direction?: string;
  /** Absent means enabled. */
  disabled?: boolean;
  sourceRanges?: string[];
  destinationRanges?: string[];
  sourceTags?: string[];
  sourceServiceAccounts?: string[];
  targetTags?: string[];
  targetServiceAccounts?: string[];
  allowed?: FirewallProtocolPorts[];
  denied?: FirewallProtocolPorts[];
  selfLink?: string;
  description?: string;
}

export type FirewallRecord = GcpRecord<ComputeFirewall>;

// ---- compute.googleapis.com/Project (Compute Engine project settings) ----

export interface MetadataItem {
  key?: string;
  value?: string;
}

export interface ComputeProject {
  /** The project id. */
  name?: string;
  id?: string;
  commonInstanceMetadata?: { items?: MetadataItem[]; fingerprint?: string };
}

export type ComputeProjectRecord = GcpRecord<ComputeProject>;

// ---- cloudresourcemanager.googleapis.com/Project IAM policy: audit configs only ----

export interface AuditLogConfig {
  /** `ADMIN_READ`, `DATA_WRITE`, `DATA_READ` (or `LOG_TYPE_UNSPECIFIED`). */
  logType?: string;
  exemptedMembers?: string[];
}

export interface AuditConfig {
  /** A service name such as `storage.googleapis.com`, or `allServices`. */
  service?: string;
  auditLogConfigs?: AuditLogConfig[];
}

/** An ancestor's (folder's or organisation's) audit configs, which the project inherits; each read may fail alone. */
export type InheritedAuditConfigs =
  | { resource: string; ok: true; auditConfigs: AuditConfig[] }
  | { resource: string; ok: false; code: string; reason: string };

export interface ProjectAuditRecord {
  /** The project's Cloud Resource Manager asset (name `//cloudresourcemanager.googleapis.com/projects/NUMBER`). */
  asset: GcpAssetRef;
  projectId: string;
  /** `auditConfigs` of the project's own IAM policy ([] when it sets none). */
  auditConfigs: AuditConfig[];
  /** Folders and organisation above the project, nearest first; the effective config is the union. */
  inherited: InheritedAuditConfigs[];
}

// ---- logging.googleapis.com/LogBucket (Cloud Logging v2 LogBucket) ----

export interface LogBucket {
  /** `projects/p/locations/global/buckets/_Default`. */
  name?: string;
  description?: string;
  /** Days; absent or 0 means the default of 30 days. `_Required` is fixed at 400. */
  retentionDays?: number;
  locked?: boolean;
  /** `ACTIVE`, `DELETE_REQUESTED`, `UPDATING`, `CREATING`, `FAILED`. */
  lifecycleState?: string;
  analyticsEnabled?: boolean;
}

export type LogBucketRecord = GcpRecord<LogBucket>;

// ---- Datasets ----

const LIST_RESOURCE = 'cloudasset.assets.listResource';
const LIST_IAM_POLICY = 'cloudasset.assets.listIamPolicy';

export const gcpDisks = dataset<DiskRecord>({
  key: 'gcp.compute.disks',
  provider: 'gcp',
  scope: 'account',
  api: `cloudasset:ListAssets(${ASSET_TYPES.disk})`,
  actions: [LIST_RESOURCE],
});

export const gcpSqlInstances = dataset<SqlInstanceRecord>({
  key: 'gcp.sqladmin.instances',
  provider: 'gcp',
  scope: 'account',
  api: `cloudasset:ListAssets(${ASSET_TYPES.sqlInstance})`,
  actions: [LIST_RESOURCE],
});

export const gcpFirewalls = dataset<FirewallRecord>({
  key: 'gcp.compute.firewalls',
  provider: 'gcp',
  scope: 'account',
  api: `cloudasset:ListAssets(${ASSET_TYPES.firewall})`,
  actions: [LIST_RESOURCE],
});

export const gcpComputeProject = dataset<ComputeProjectRecord>({
  key: 'gcp.compute.project',
  provider: 'gcp',
  scope: 'account',
  api: `cloudasset:ListAssets(${ASSET_TYPES.computeProject})`,
  actions: [LIST_RESOURCE],
});

export const gcpProjectAudit = dataset<ProjectAuditRecord>({
  key: 'gcp.iam.projectAuditConfigs',
  provider: 'gcp',
  scope: 'account',
  api: `cloudasset:ListAssets(${ASSET_TYPES.project}, IAM_POLICY)`,
  // Folder and organisation policies are read with the same permission on those resources.
  actions: [LIST_IAM_POLICY],
});

export const gcpLogBuckets = dataset<LogBucketRecord>({
  key: 'gcp.logging.buckets',
  provider: 'gcp',
  scope: 'account',
  api: `cloudasset:ListAssets(${ASSET_TYPES.logBucket})`,
  actions: [LIST_RESOURCE],
});

export const GCP_DATASETS = [gcpDisks, gcpSqlInstances, gcpFirewalls, gcpComputeProject, gcpProjectAudit, gcpLogBuckets] as const;

/**
 * Permissions Ward needs whatever controls are enabled: listing projects under a folder or
 * organisation scope (and resolving a project scope), and using the Cloud Asset API's quota.
 */
export const GCP_BASE_PERMISSIONS = [LIST_RESOURCE, 'serviceusage.services.use'] as const;

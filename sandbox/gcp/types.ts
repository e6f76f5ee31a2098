// The Google Cloud part of a sandbox world: an organisation tree (organisations, folders, projects),
// each project's resources in their service APIs' own JSON shape, the audit configs of every IAM
// policy, the knobs that make Cloud Asset Inventory misbehave (denied scopes or permissions, exhausted
// quota, unavailability) and a seeded generator for scale.
// `world.schema.json` is the same contract for editors and validation; keep the two in step.

export interface GcpWorld {
  organizations?: GcpOrganizationWorld[];
  folders?: GcpFolderWorld[];
  projects?: GcpProjectWorld[];
  faults?: GcpFaults;
  /** Seeded projects appended to `projects` (see generateGcpProjects). */
  generate?: GcpGenerator;
  /** The `readTime` every response reports (ISO 8601). Default: the time of the request. */
  readTime?: string;
}

export interface GcpOrganizationWorld {
  /** The organisation number, e.g. `100000000001`. */
  id: string;
  /** The domain, e.g. `example-health.com`. */
  displayName?: string;
  auditConfigs?: GcpAuditConfig[];
}

export interface GcpFolderWorld {
  /** The folder number. */
  id: string;
  displayName?: string;
  /** `organizations/N` or `folders/N`. */
  parent: string;
  auditConfigs?: GcpAuditConfig[];
}

export interface GcpProjectWorld {
  projectId: string;
  projectNumber: string;
  displayName?: string;
  /** `organizations/N` or `folders/N`; absent: a project with no organisation. */
  parent?: string;
  /** Default ACTIVE. */
  lifecycleState?: 'ACTIVE' | 'DELETE_REQUESTED';
  labels?: Record<string, string>;
  /** `auditConfigs` of the project's IAM policy. */
  auditConfigs?: GcpAuditConfig[];
  /**
   * Compute Engine project metadata (`commonInstanceMetadata.items`). Absent: the Compute Engine API is
   * not enabled, so there is no compute.googleapis.com/Project asset.
   */
  computeMetadata?: Array<{ key: string; value?: string }>;
  /** compute.googleapis.com/Disk; `location` is a zone (zonal disk) or a region (regional disk). */
  disks?: GcpWorldResource[];
  /** compute.googleapis.com/Firewall (VPC firewall rules; location `global`). */
  firewalls?: GcpWorldResource[];
  /** sqladmin.googleapis.com/Instance; `location` is the region. */
  sqlInstances?: GcpWorldResource[];
  /** logging.googleapis.com/LogBucket; `name` is the bucket id, `location` e.g. `global`. */
  logBuckets?: GcpWorldResource[];
  /** Any other asset, as listAssets returns it. */
  assets?: GcpRawAsset[];
}

/** One resource: the sandbox fills in the name, self link, zone/region URLs; `data` overrides or adds fields. */
export interface GcpWorldResource {
  name: string;
  location?: string;
  data?: Record<string, unknown>;
}

export interface GcpRawAsset {
  assetType: string;
  /** Full resource name, e.g. `//pubsub.googleapis.com/projects/p/topics/t`. */
  name: string;
  location?: string;
  data?: Record<string, unknown>;
}

export interface GcpAuditConfig {
  service: string;
  auditLogConfigs?: Array<{ logType: 'ADMIN_READ' | 'DATA_READ' | 'DATA_WRITE'; exemptedMembers?: string[] }>;
}

export interface GcpFaults {
  /** Scopes (`projects/<id or number>`, `folders/N`, `organizations/N`) whose every read answers 403 PERMISSION_DENIED. */
  deniedScopes?: string[];
  /** Permissions the caller lacks everywhere, e.g. `cloudasset.assets.listIamPolicy`: reads that need one answer 403. */
  deniedPermissions?: string[];
  /** The first `calls` matching requests answer 429 RESOURCE_EXHAUSTED (quota exceeded). */
  exhausted?: GcpFaultCount;
  /** The first `calls` matching requests answer 503 UNAVAILABLE. */
  unavailable?: GcpFaultCount;
}

export interface GcpFaultCount {
  calls: number;
  /** Only requests whose path and query contain this text (e.g. `compute.googleapis.com/Firewall`). */
  matching?: string;
}

export interface GcpGenerator {
  seed: number;
  projects: number;
  /** Resources per project, spread over disks, firewall rules, Cloud SQL instances and log buckets. */
  resourcesPerProject: number;
  /** Share of resources (and project settings) that fail their control, 0–1. Default 0.1. */
  failureRate?: number;
  /** The organisation the projects belong to (created when absent from `organizations`). Default `100000000001`. */
  organizationId?: string;
}

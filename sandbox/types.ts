import type { AzureWorld } from './azure/handler.js';
import type { GcpWorld } from './gcp/types.js';
// The world file: a declarative description of the simulated cloud (organisations, accounts, regions
// and the resources every AWS control reads), plus the knobs that make it misbehave (latency, rate
// limits, faults) and seeded generators for scale. `world.schema.json` is the same contract for
// editors and for validation; keep the two in step.

/** EC2 DescribeRegions' OptInStatus. `not-opted-in` is a disabled opt-in region. */
export type OptInStatus = 'opt-in-not-required' | 'opted-in' | 'not-opted-in';

export interface World {
  version?: 1;
  name?: string;
  description?: string;
  /** Seeds every random choice the server makes (fault probabilities, latency jitter). */
  seed?: number;
  /** The regions every account has, with their status; accounts may override or add regions. */
  regions?: Record<string, OptInStatus>;
  organizations?: WorldOrganization[];
  accounts?: WorldAccount[];
  /** Seeded accounts appended to `accounts` (see expandWorld). */
  generate?: WorldGenerator;
  /** Added to every response: a fixed delay, or a seeded uniform delay between min and max. */
  latencyMs?: number | { min: number; max: number };
  rateLimits?: RateLimit[];
  faults?: Fault[];
  /** The Google Cloud part: organisations, folders, projects and their assets. */
  gcp?: GcpWorld;
  /** The Azure part: subscriptions and their resources. */
  azure?: AzureWorld;
}

export interface WorldOrganization {
  /** o-xxxxxxxxxx */
  id: string;
  managementAccount: string;
  featureSet?: 'ALL' | 'CONSOLIDATED_BILLING';
}

export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';

export interface WorldAccount {
  /** 12 digits, quoted in YAML. */
  id: string;
  name?: string;
  email?: string;
  /** The account behind the sandbox's default credentials (at most one; else the first account). */
  current?: boolean;
  /** The organisation the account belongs to (implied for a management account). */
  organization?: string;
  /** As Organizations reports it. A suspended account cannot be assumed into. */
  status?: AccountStatus;
  joinedMethod?: 'CREATED' | 'INVITED';
  /** ISO 8601 */
  joined?: string;
  /** Long-term access key ids that act as this account (any other AKIA key acts as the current one). */
  accessKeys?: string[];
  roles?: WorldRole[];
  iam?: WorldIam;
  /** Per region: its status override and its resources. */
  regions?: Record<string, WorldRegion>;
}

export interface WorldRole {
  name: string;
  /** When set, AssumeRole must pass exactly this ExternalId. */
  externalId?: string;
  /** Accounts allowed to assume the role; default every account of the world. */
  trustedAccounts?: string[];
  /** Seconds, 3600 to 43200; default 3600. */
  maxSessionDuration?: number;
}

export interface WorldIam {
  root?: WorldRootUser;
  users?: WorldIamUser[];
  /** Extra or overriding GetAccountSummary SummaryMap entries. */
  summary?: Record<string, number>;
  credentialReport?: {
    /** How long a generation takes; GenerateCredentialReport says INPROGRESS meanwhile. Default 0. */
    generationMs?: number;
    /** A report already exists when the server starts (the first Generate says COMPLETE). */
    preGenerated?: boolean;
    /**
     * How old a report may be before GenerateCredentialReport builds a new one and GetCredentialReport
     * calls it expired. AWS: four hours (the default); a world shortens it to let a test see a change
     * reach the report without waiting four hours.
     */
    maxAgeMs?: number;
  };
}

export interface WorldRootUser {
  /** Default true. False with no MFA and no keys: a root user with no credentials at all. */
  password?: boolean;
  /** Default false. */
  mfa?: boolean;
  /** Number of root access keys (0 to 2). Default 0. */
  accessKeys?: number;
  created?: string;
  passwordLastUsed?: string;
}

export interface WorldIamUser {
  name: string;
  path?: string;
  created?: string;
  /** Has a console password (login profile). Default false. */
  password?: boolean;
  passwordLastUsed?: string;
  passwordLastChanged?: string;
  /** Has an MFA device. Default false. */
  mfa?: boolean;
  accessKeys?: WorldAccessKey[];
}

export interface WorldAccessKey {
  /** Default true. */
  active?: boolean;
  lastRotated?: string;
  lastUsed?: string;
  lastUsedRegion?: string;
  lastUsedService?: string;
}

export interface WorldRegion {
  optInStatus?: OptInStatus;
  /** GetEbsEncryptionByDefault. Default false, as in a new AWS account. */
  ebsEncryptionByDefault?: boolean;
  volumes?: WorldVolume[];
  securityGroups?: WorldSecurityGroup[];
  /** Managed prefix lists security group rules can reference (DescribeManagedPrefixLists). */
  prefixLists?: WorldPrefixList[];
  networkInterfaces?: WorldNetworkInterface[];
  dbInstances?: WorldDbInstance[];
  dbClusters?: WorldDbCluster[];
  /** Trails homed in this region (multi-region and organisation trails appear elsewhere too). */
  trails?: WorldTrail[];
  logGroups?: WorldLogGroup[];
}

export type Tags = Record<string, string>;

export interface WorldVolume {
  id?: string;
  encrypted: boolean;
  kmsKeyId?: string;
  size?: number;
  type?: 'standard' | 'io1' | 'io2' | 'gp2' | 'gp3' | 'sc1' | 'st1';
  /** Default: in-use when attached, else available. */
  state?: 'creating' | 'available' | 'in-use' | 'deleting' | 'deleted' | 'error';
  availabilityZone?: string;
  attachments?: Array<{ instanceId: string; device?: string; state?: 'attaching' | 'attached' | 'detaching' | 'detached' }>;
  created?: string;
  tags?: Tags;
}

/** A CIDR, or a CIDR with the rule's description. */
export type CidrEntry = string | { cidr: string; description?: string };

export interface WorldRule {
  /** tcp, udp, icmp, icmpv6, -1 / all (every protocol), or an IP protocol number. */
  protocol: string | number;
  fromPort?: number;
  toPort?: number;
  ipv4?: CidrEntry[];
  ipv6?: CidrEntry[];
  /** Source security groups (sg-…, optionally "account/sg-…" for another account's group). */
  groups?: string[];
  /** Source prefix lists: ids (pl-…) or names of the region's prefix lists. */
  prefixLists?: string[];
}

/**
 * A managed prefix list. A name starting with `com.amazonaws.` is an AWS-managed list (owner `AWS`, a
 * service's address ranges; customers cannot use that prefix); any other is the account's own.
 */
export interface WorldPrefixList {
  /** Default: derived from the account, region and name. */
  id?: string;
  name: string;
  /** Default: IPv6 when the first entry is an IPv6 CIDR, else IPv4. */
  addressFamily?: 'IPv4' | 'IPv6';
  /** Default: at least 10, and at least the number of entries (customer-managed lists only). */
  maxEntries?: number;
  entries?: CidrEntry[];
  tags?: Tags;
}

export interface WorldSecurityGroup {
  id?: string;
  name: string;
  description?: string;
  vpcId?: string;
  ingress?: WorldRule[];
  /** Default: all traffic to 0.0.0.0/0, as AWS creates it. */
  egress?: WorldRule[];
  tags?: Tags;
}

export interface WorldNetworkInterface {
  id?: string;
  description?: string;
  /** Security group ids in the same account and region. */
  groups?: string[];
  privateIp?: string;
  publicIp?: string;
  ipv6?: string[];
  subnetId?: string;
  vpcId?: string;
  availabilityZone?: string;
  status?: 'available' | 'associated' | 'attaching' | 'in-use' | 'detaching';
  interfaceType?: string;
  requesterManaged?: boolean;
  attachment?: { instanceId?: string; deviceIndex?: number; status?: 'attaching' | 'attached' | 'detaching' | 'detached' };
  tags?: Tags;
}

export interface WorldDbInstance {
  id: string;
  engine: string;
  engineVersion?: string;
  instanceClass?: string;
  status?: string;
  /** Default: the cluster's setting for a cluster member, else false. */
  storageEncrypted?: boolean;
  kmsKeyId?: string;
  publiclyAccessible?: boolean;
  /** Default: the engine's port (5432, 3306, 1521, 1433). */
  port?: number;
  /** VPC security group ids in the same account and region. */
  securityGroups?: string[];
  /** The DB cluster this instance belongs to (Aurora). */
  cluster?: string;
  /** For a cluster member: whether it is the writer (default: the first member). */
  writer?: boolean;
  multiAZ?: boolean;
  allocatedStorage?: number;
  vpcId?: string;
  created?: string;
  tags?: Tags;
}

export interface WorldDbCluster {
  id: string;
  engine: string;
  engineVersion?: string;
  engineMode?: 'provisioned' | 'serverless' | 'parallelquery' | 'global' | 'multimaster';
  status?: string;
  storageEncrypted?: boolean;
  kmsKeyId?: string;
  port?: number;
  securityGroups?: string[];
  created?: string;
  tags?: Tags;
}

export interface WorldEventSelector {
  readWriteType?: 'ReadOnly' | 'WriteOnly' | 'All';
  includeManagementEvents?: boolean;
  dataResources?: Array<{ type: string; values: string[] }>;
  excludeManagementEventSources?: string[];
}

export interface WorldAdvancedFieldSelector {
  field: string;
  equals?: string[];
  startsWith?: string[];
  endsWith?: string[];
  notEquals?: string[];
  notStartsWith?: string[];
  notEndsWith?: string[];
}

export interface WorldTrail {
  name: string;
  multiRegion?: boolean;
  /** An organisation trail: only in a management account; applies to every member account. */
  organization?: boolean;
  /** Default true. */
  logging?: boolean;
  s3Bucket?: string;
  s3KeyPrefix?: string;
  includeGlobalServiceEvents?: boolean;
  logFileValidation?: boolean;
  kmsKeyId?: string;
  cloudWatchLogsLogGroup?: string;
  latestDeliveryError?: string;
  /** Default (neither set): management events, read and write. */
  eventSelectors?: WorldEventSelector[];
  advancedEventSelectors?: Array<{ name?: string; fieldSelectors: WorldAdvancedFieldSelector[] }>;
  insightSelectors?: boolean;
}

export interface WorldLogGroup {
  name: string;
  /** Absent: events never expire. */
  retentionInDays?: number;
  storedBytes?: number;
  created?: string;
  kmsKeyId?: string;
  class?: 'STANDARD' | 'INFREQUENT_ACCESS' | 'DELIVERY';
}

/** A token bucket per account, region and API for every API the pattern matches. */
export interface RateLimit {
  /** "service:Action", with * wildcards: "ec2:Describe*", "*". */
  api: string;
  /** Tokens added per second. */
  rate: number;
  /** Bucket size (requests allowed at once). Default: rate, at least 1. */
  burst?: number;
  /** Only in this account (id or name). */
  account?: string;
  region?: string;
}

export type FaultKind = 'access-denied' | 'throttle' | 'internal-error' | 'unavailable' | 'slow' | 'hang' | 'region-disabled' | 'error';

export interface Fault {
  kind: FaultKind;
  /** "service:Action" with * wildcards. Default every API. */
  api?: string;
  /** Account id or name. Default every account. */
  account?: string;
  /** Default every region (global services are matched on their signing region, us-east-1). */
  region?: string;
  /** Chance per matching request (seeded). Default 1. */
  probability?: number;
  /** Fire at most this many times, then stop. Default unlimited. */
  count?: number;
  /** For slow: the extra delay. */
  delayMs?: number;
  /** For error: the error code, HTTP status and message to answer with. */
  code?: string;
  status?: number;
  message?: string;
}

/** Deterministic accounts for scale tests: N accounts × R regions × K resources of each kind. */
export interface WorldGenerator {
  seed: number;
  accounts: number;
  /** A number of regions from a standard list, or the regions by name. */
  regions: number | string[];
  /** Opt-in regions the generated accounts have not enabled. */
  disabledRegions?: string[];
  /** Resources of each kind per account and region (K). Default 5. */
  resources?: number;
  /** Per-kind overrides of `resources`. */
  perRegion?: Partial<Record<'volumes' | 'securityGroups' | 'networkInterfaces' | 'dbInstances' | 'dbClusters' | 'logGroups', number>>;
  /** IAM users per account. Default 5. */
  users?: number;
  /** Chance that a generated resource or setting fails its control. Default 0.1. */
  failureRate?: number;
  /** The organisation generated accounts join (default: the first one, or a new one). */
  organization?: string;
  /** The role Ward assumes in generated accounts. */
  role?: { name?: string; externalId?: string };
}

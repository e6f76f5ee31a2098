// The provider-neutral finding model. Everything a provider collects and a check judges ends up in
// these shapes; stores, alerts and reports read nothing else.

export const PROVIDERS = ['aws', 'gcp', 'azure'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const AREAS = ['volumes', 'databases', 'ssh', 'mfa', 'audit', 'retention'] as const;
export type Area = (typeof AREAS)[number];

export const AREA_TITLES: Record<Area, string> = {
  volumes: 'Unencrypted volumes',
  databases: 'Publicly reachable databases',
  ssh: 'SSH open to the internet',
  mfa: 'Missing MFA',
  audit: 'Audit logging',
  retention: 'Log retention',
};

/** Ordered from least to most severe, so the index is the rank. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export const STATUSES = ['PASS', 'FAIL', 'ERROR', 'NOT_ASSESSABLE', 'MUTED'] as const;
export type Status = (typeof STATUSES)[number];

/** What a check may conclude; MUTED is applied later, from configuration, never by a check. */
export type Verdict = Exclude<Status, 'MUTED'>;

export interface ResourceRef {
  /** The provider's own short identifier (vol-0abc…, sg-…, a user name). */
  id: string;
  /** Globally unique: an ARN, a GCP full resource name or an Azure resource ID. */
  uid: string;
  type: string;
  name?: string;
  tags: Record<string, string>;
}

export interface Evidence {
  /** The API call the fields came from, as `service:Operation`. */
  api: string;
  /** Where the call was made: a region, a location, or `global`. */
  region: string;
  readAt: string;
  /** The exact response fields that decided the verdict, with the API's own names. */
  fields: Record<string, unknown>;
}

export interface Remediation {
  text: string;
  url: string;
}

/** The accepted risk that muted a finding: configuration entry index, reason, owner and expiry. */
export interface MuteRef {
  index: number;
  reason: string;
  owner: string;
  expires: string;
  approvedBy?: string;
  ticket?: string;
}

export interface Finding {
  /** Same control and same resource give the same id, on every scan and machine. */
  id: string;
  controlId: string;
  area: Area;
  provider: Provider;
  account: string;
  /** Where the resource lives. */
  region: string;
  /** The scope it was judged in: a region, `global` for account-wide reads, `*` for a whole account. */
  scope: string;
  resource: ResourceRef;
  status: Status;
  severity: Severity;
  title: string;
  /** What is wrong (or right) with this resource, in this scan. */
  message: string;
  remediation: Remediation;
  hipaa: string[];
  evidence: Evidence[];
  /** Present when status is MUTED. */
  mute?: MuteRef;
}

/** Something Ward could not read, and therefore could not judge. */
export interface CoverageGap {
  provider: Provider;
  account: string;
  region: string;
  /** The API call that failed, as `service:Operation`. */
  api: string;
  /** Controls left unjudged in this scope because of it. */
  controls: string[];
  code: string;
  reason: string;
}

/** Who read an account: the principal the cloud saw, and how Ward came to act as it. */
export interface ReadIdentity {
  /** An AWS caller ARN (an assumed-role session for member accounts), a GCP principal, an Azure client / object id. */
  principal: string;
  /** How the credentials were obtained, e.g. `sts:AssumeRole arn:aws:iam::…:role/WardAudit`. */
  via: string;
}

/** Where Ward ran a scan. */
export interface ScanRunner {
  kind: 'lambda' | 'host';
  /** The host name (a Lambda sandbox's is not meaningful and is left out). */
  host?: string;
  /** The Lambda function's ARN, or its name and region when the ARN is not known. */
  function?: string;
  /** The operating-system user, on a host. */
  user?: string;
}

export interface ScannedTarget {
  provider: Provider;
  account: string;
  name?: string;
  /** Who read it; absent when the provider could not tell (or a scan made before Ward recorded it). */
  identity?: ReadIdentity;
  regions: string[];
  /** Regions that exist but are not enabled for the account: nothing can run there. */
  disabledRegions: string[];
  /** Enabled regions left for a continuation part because time ran out; not judged here. */
  deferredRegions?: string[];
}

export interface Thresholds {
  minLogRetentionDays: number;
}

export interface ScanDocument {
  schemaVersion: 1;
  scanId: string;
  startedAt: string;
  finishedAt: string;
  wardVersion: string;
  thresholds: Thresholds;
  controls: string[];
  targets: ScannedTarget[];
  coverage: CoverageGap[];
  results: Finding[];
  /** Where Ward ran (absent in scans made before Ward recorded it). */
  runner?: ScanRunner;
  /**
   * Set on a change-driven scan (issue 18): the only scopes it read. Its results can change no
   * finding outside them, so a scan of one security group never resolves another group's finding.
   */
  partial?: PartialScope[];
}

/** One control in one account and scope (a region, or `global`), whole or limited to some resources. */
export interface PartialScope {
  controlId: string;
  account: string;
  region: string;
  /** The `resource.id`s read; absent: the control's whole scope was read. */
  resourceIds?: string[];
}

// The typed AWS inventory: what each collector produces and each check may read. Item types keep the
// API's own field names (and its optionality), so evidence quotes the response exactly and a check
// must handle every field that the API may leave out.

import type { Trail, EventSelector, AdvancedEventSelector } from '@aws-sdk/client-cloudtrail';
import type { LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import type { ManagedPrefixList, NetworkInterface, PrefixListEntry, SecurityGroup, Volume } from '@aws-sdk/client-ec2';
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import { dataset } from '../../core/control.js';

export type VolumeRecord = Pick<
  Volume,
  'VolumeId' | 'Encrypted' | 'KmsKeyId' | 'State' | 'Size' | 'VolumeType' | 'AvailabilityZone' | 'Attachments' | 'Tags'
>;

export interface EbsDefaultEncryptionRecord {
  EbsEncryptionByDefault?: boolean;
}

export type SecurityGroupRecord = Pick<
  SecurityGroup,
  'GroupId' | 'GroupName' | 'VpcId' | 'OwnerId' | 'IpPermissions' | 'Tags'
>;

/**
 * A managed prefix list of the region (DescribeManagedPrefixLists). `Entries` are read with
 * GetManagedPrefixListEntries for customer-managed lists only: an AWS-managed list holds a service's
 * address ranges, not the internet, and its entries are not needed to judge it.
 */
export type PrefixListRecord = Pick<ManagedPrefixList, 'PrefixListId' | 'PrefixListName' | 'OwnerId' | 'AddressFamily'> & {
  Entries?: Array<Pick<PrefixListEntry, 'Cidr' | 'Description'>>;
};

/** AWS reserves the `com.amazonaws.` name prefix for the prefix lists it manages. */
export function isAwsManagedPrefixList(list: Pick<ManagedPrefixList, 'PrefixListName'>): boolean {
  return list.PrefixListName?.startsWith('com.amazonaws.') === true;
}

export type NetworkInterfaceRecord = Pick<
  NetworkInterface,
  'NetworkInterfaceId' | 'Groups' | 'Association' | 'PrivateIpAddresses' | 'Ipv6Addresses' | 'Ipv6Prefixes' | 'Attachment' | 'Status' | 'InterfaceType'
>;

export type DbInstanceRecord = Pick<
  DBInstance,
  | 'DBInstanceIdentifier'
  | 'DBInstanceArn'
  | 'DBInstanceStatus'
  | 'DBClusterIdentifier'
  | 'Engine'
  | 'StorageEncrypted'
  | 'KmsKeyId'
  | 'PubliclyAccessible'
  | 'Endpoint'
  | 'DbInstancePort'
  | 'VpcSecurityGroups'
  | 'TagList'
>;

export type DbClusterRecord = Pick<
  DBCluster,
  'DBClusterIdentifier' | 'DBClusterArn' | 'Status' | 'Engine' | 'EngineMode' | 'StorageEncrypted' | 'KmsKeyId' | 'TagList'
>;

/** IAM GetAccountSummary's SummaryMap, e.g. `{ AccountMFAEnabled: 1, AccountPasswordPresent: 1 }`. */
export type AccountSummaryRecord = Record<string, number>;

/** One row of the IAM credential report, with the report's own column names. */
export interface CredentialReportRow {
  user: string;
  arn: string;
  user_creation_time: string;
  password_enabled: string;
  password_last_used: string;
  mfa_active: string;
  /** When AWS generated the report (it can be up to four hours old). */
  generatedTime: string;
}

export interface TrailStatusRecord {
  IsLogging?: boolean;
  LatestDeliveryError?: string;
}

export interface TrailSelectorsRecord {
  EventSelectors?: EventSelector[];
  AdvancedEventSelectors?: AdvancedEventSelector[];
}

/** A read of one trail detail, which can fail on its own (e.g. an organisation trail's status). */
export type TrailDetail<T> = { ok: true; value: T; api: string; region: string; readAt: string } | { ok: false; api: string; code: string; reason: string };

/**
 * A trail that applies to the region it was listed in: DescribeTrails with shadow trails included
 * returns the region's own trails, multi-region trails homed elsewhere and organisation trails.
 */
export interface TrailRecord {
  trail: Pick<
    Trail,
    | 'Name'
    | 'TrailARN'
    | 'HomeRegion'
    | 'IsMultiRegionTrail'
    | 'IsOrganizationTrail'
    | 'IncludeGlobalServiceEvents'
    | 'S3BucketName'
    | 'HasCustomEventSelectors'
    | 'HasInsightSelectors'
  >;
  status: TrailDetail<TrailStatusRecord>;
  selectors: TrailDetail<TrailSelectorsRecord>;
}

export type LogGroupRecord = Pick<LogGroup, 'logGroupName' | 'arn' | 'retentionInDays' | 'creationTime' | 'storedBytes' | 'logGroupClass'>;

export const ec2Volumes = dataset<VolumeRecord>({
  key: 'aws.ec2.volumes',
  provider: 'aws',
  scope: 'region',
  api: 'ec2:DescribeVolumes',
  actions: ['ec2:DescribeVolumes'],
});

export const ebsDefaultEncryption = dataset<EbsDefaultEncryptionRecord>({
  key: 'aws.ec2.ebsEncryptionByDefault',
  provider: 'aws',
  scope: 'region',
  api: 'ec2:GetEbsEncryptionByDefault',
  actions: ['ec2:GetEbsEncryptionByDefault'],
});

export const ec2SecurityGroups = dataset<SecurityGroupRecord>({
  key: 'aws.ec2.securityGroups',
  provider: 'aws',
  scope: 'region',
  api: 'ec2:DescribeSecurityGroups',
  actions: ['ec2:DescribeSecurityGroups'],
});

export const ec2PrefixLists = dataset<PrefixListRecord>({
  key: 'aws.ec2.prefixLists',
  provider: 'aws',
  scope: 'region',
  api: 'ec2:DescribeManagedPrefixLists',
  actions: ['ec2:DescribeManagedPrefixLists', 'ec2:GetManagedPrefixListEntries'],
});

export const ec2NetworkInterfaces = dataset<NetworkInterfaceRecord>({
  key: 'aws.ec2.networkInterfaces',
  provider: 'aws',
  scope: 'region',
  api: 'ec2:DescribeNetworkInterfaces',
  actions: ['ec2:DescribeNetworkInterfaces'],
});

export const rdsInstances = dataset<DbInstanceRecord>({
  key: 'aws.rds.instances',
  provider: 'aws',
  scope: 'region',
  api: 'rds:DescribeDBInstances',
  actions: ['rds:DescribeDBInstances'],
});

export const rdsClusters = dataset<DbClusterRecord>({
  key: 'aws.rds.clusters',
  provider: 'aws',
  scope: 'region',
  api: 'rds:DescribeDBClusters',
  actions: ['rds:DescribeDBClusters'],
});

export const iamAccountSummary = dataset<AccountSummaryRecord>({
  key: 'aws.iam.accountSummary',
  provider: 'aws',
  scope: 'account',
  api: 'iam:GetAccountSummary',
  actions: ['iam:GetAccountSummary'],
});

export const iamCredentialReport = dataset<CredentialReportRow>({
  key: 'aws.iam.credentialReport',
  provider: 'aws',
  scope: 'account',
  api: 'iam:GetCredentialReport',
  actions: ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'],
});

export const cloudTrailTrails = dataset<TrailRecord>({
  key: 'aws.cloudtrail.trails',
  provider: 'aws',
  scope: 'region',
  api: 'cloudtrail:DescribeTrails',
  actions: ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
});

export const logGroups = dataset<LogGroupRecord>({
  key: 'aws.logs.logGroups',
  provider: 'aws',
  scope: 'region',
  api: 'logs:DescribeLogGroups',
  actions: ['logs:DescribeLogGroups'],
});

export const AWS_DATASETS = [
  ec2Volumes,
  ebsDefaultEncryption,
  ec2SecurityGroups,
  ec2PrefixLists,
  ec2NetworkInterfaces,
  rdsInstances,
  rdsClusters,
  iamAccountSummary,
  iamCredentialReport,
  cloudTrailTrails,
  logGroups,
] as const;

/** Actions Ward needs whatever controls are enabled: discovering the account's enabled regions. */
export const AWS_BASE_ACTIONS = ['ec2:DescribeRegions'] as const;

/** Listing the organisation's accounts for an organisation scan (here, not beside the SDK client, so `ward policy` loads no SDK). */
export const ORGANIZATION_ACTIONS = ['organizations:ListAccounts'] as const;

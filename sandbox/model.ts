// The world as the server answers from it: every default filled in, every id assigned, every
// resource already in the shape (and with the field names) of the AWS API that returns it.

import type {
  AccountStatus,
  CidrEntry,
  OptInStatus,
  Tags,
  World,
  WorldAccount,
  WorldDbCluster,
  WorldDbInstance,
  WorldIamUser,
  WorldNetworkInterface,
  WorldPrefixList,
  WorldRegion,
  WorldRole,
  WorldRule,
  WorldSecurityGroup,
  WorldTrail,
  WorldVolume,
} from './types.js';
import { generateAccountShell, generateRegion, generateTrails, planGeneration } from './generate.js';
import { EPOCH, isoAt, stableHex } from './util.js';

export interface Tag {
  Key: string;
  Value: string;
}

export interface VolumeModel {
  VolumeId: string;
  Encrypted: boolean;
  KmsKeyId?: string;
  Size: number;
  VolumeType: string;
  Iops?: number;
  Throughput?: number;
  State: string;
  AvailabilityZone: string;
  /** ISO 8601, like every time in the model. */
  CreateTime: string;
  Attachments: Array<{ VolumeId: string; InstanceId: string; Device: string; State: string; AttachTime: string; DeleteOnTermination: boolean }>;
  Tags: Tag[];
}

export interface PermissionModel {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges: Array<{ CidrIp: string; Description?: string }>;
  Ipv6Ranges: Array<{ CidrIpv6: string; Description?: string }>;
  UserIdGroupPairs: Array<{ UserId: string; GroupId: string }>;
  PrefixListIds: Array<{ PrefixListId: string }>;
}

export interface SecurityGroupModel {
  GroupId: string;
  GroupName: string;
  Description: string;
  VpcId: string;
  OwnerId: string;
  SecurityGroupArn: string;
  IpPermissions: PermissionModel[];
  IpPermissionsEgress: PermissionModel[];
  Tags: Tag[];
}

export interface PrefixListModel {
  PrefixListId: string;
  AddressFamily: 'IPv4' | 'IPv6';
  State: string;
  PrefixListArn: string;
  PrefixListName: string;
  /** Absent on AWS-managed lists. */
  MaxEntries?: number;
  Version?: number;
  OwnerId: string;
  Entries: Array<{ Cidr: string; Description?: string }>;
  Tags: Tag[];
}

export interface NetworkInterfaceModel {
  NetworkInterfaceId: string;
  Description: string;
  Groups: Array<{ GroupId: string; GroupName: string }>;
  PrivateIpAddress: string;
  PrivateDnsName: string;
  Association?: { PublicIp: string; PublicDnsName: string; IpOwnerId: string };
  Ipv6Addresses: Array<{ Ipv6Address: string }>;
  SubnetId: string;
  VpcId: string;
  AvailabilityZone: string;
  Status: string;
  InterfaceType: string;
  RequesterManaged: boolean;
  MacAddress: string;
  OwnerId: string;
  Attachment?: { AttachmentId: string; InstanceId?: string; InstanceOwnerId: string; DeviceIndex: number; Status: string; AttachTime: string; DeleteOnTermination: boolean };
  Tags: Tag[];
}

export interface DbInstanceModel {
  DBInstanceIdentifier: string;
  DBInstanceClass: string;
  Engine: string;
  EngineVersion: string;
  DBInstanceStatus: string;
  MasterUsername: string;
  Endpoint?: { Address: string; Port: number; HostedZoneId: string };
  AllocatedStorage: number;
  InstanceCreateTime: string;
  BackupRetentionPeriod: number;
  VpcSecurityGroups: Array<{ VpcSecurityGroupId: string; Status: string }>;
  AvailabilityZone: string;
  VpcId: string;
  MultiAZ: boolean;
  PubliclyAccessible: boolean;
  StorageType: string;
  DbInstancePort: number;
  DBClusterIdentifier?: string;
  StorageEncrypted: boolean;
  KmsKeyId?: string;
  DbiResourceId: string;
  DBInstanceArn: string;
  PromotionTier?: number;
  TagList: Tag[];
  /** For cluster members. */
  writer: boolean;
}

export interface DbClusterModel {
  DBClusterIdentifier: string;
  Engine: string;
  EngineVersion: string;
  EngineMode: string;
  Status: string;
  StorageEncrypted: boolean;
  KmsKeyId?: string;
  Port: number;
  Endpoint: string;
  ReaderEndpoint: string;
  MultiAZ: boolean;
  AvailabilityZones: string[];
  VpcSecurityGroups: Array<{ VpcSecurityGroupId: string; Status: string }>;
  DBClusterMembers: Array<{ DBInstanceIdentifier: string; IsClusterWriter: boolean; PromotionTier: number }>;
  HostedZoneId: string;
  DbClusterResourceId: string;
  DBClusterArn: string;
  ClusterCreateTime: string;
  TagList: Tag[];
}

export interface TrailModel {
  /** The account that owns the trail. */
  account: string;
  Name: string;
  HomeRegion: string;
  TrailARN: string;
  IsMultiRegionTrail: boolean;
  IsOrganizationTrail: boolean;
  S3BucketName: string;
  S3KeyPrefix?: string;
  IncludeGlobalServiceEvents: boolean;
  LogFileValidationEnabled: boolean;
  KmsKeyId?: string;
  CloudWatchLogsLogGroupArn?: string;
  CloudWatchLogsRoleArn?: string;
  HasCustomEventSelectors: boolean;
  HasInsightSelectors: boolean;
  logging: boolean;
  latestDeliveryError?: string;
  EventSelectors?: Array<{ ReadWriteType: string; IncludeManagementEvents: boolean; DataResources: Array<{ Type: string; Values: string[] }>; ExcludeManagementEventSources: string[] }>;
  AdvancedEventSelectors?: Array<{ Name?: string; FieldSelectors: Array<Record<string, string | string[]>> }>;
}

export interface LogGroupModel {
  logGroupName: string;
  creationTime: number;
  retentionInDays?: number;
  metricFilterCount: number;
  arn: string;
  logGroupArn: string;
  storedBytes: number;
  kmsKeyId?: string;
  logGroupClass: string;
}

export interface IamModel {
  root: { password: boolean; mfa: boolean; accessKeys: number; created: string; passwordLastUsed?: string };
  users: WorldIamUser[];
  summary: Record<string, number>;
  generationMs: number;
  preGenerated: boolean;
  /** How old a credential report may get before it is rebuilt (AWS: four hours). */
  reportMaxAgeMs: number;
}

export interface RegionModel {
  name: string;
  optInStatus: OptInStatus;
  ebsEncryptionByDefault: boolean;
  volumes: VolumeModel[];
  securityGroups: SecurityGroupModel[];
  prefixLists: PrefixListModel[];
  networkInterfaces: NetworkInterfaceModel[];
  dbInstances: DbInstanceModel[];
  dbClusters: DbClusterModel[];
  logGroups: LogGroupModel[];
}

export interface AccountModel {
  id: string;
  name: string;
  email: string;
  status: AccountStatus;
  joinedMethod: 'CREATED' | 'INVITED';
  joined: Date;
  organization?: string;
  roles: Map<string, WorldRole>;
  iam: IamModel;
  /** Every region the account knows, with its status (DescribeRegions). */
  regionStatus: Map<string, OptInStatus>;
  /** The account's own trails, each in its home region. */
  trails: TrailModel[];
  /** The account's resources in a region, built on first use; an unknown region is enabled and empty. */
  region(name: string): RegionModel;
}

export interface OrganizationModel {
  id: string;
  arn: string;
  managementAccount: string;
  featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
}

export interface WorldModel {
  accounts: Map<string, AccountModel>;
  /** In world order. */
  accountList: AccountModel[];
  current: AccountModel;
  organizations: Map<string, OrganizationModel>;
  accessKeys: Map<string, AccountModel>;
}

const DEFAULT_PORTS: Array<[RegExp, number]> = [
  [/postgres/, 5432],
  [/mysql|mariadb/, 3306],
  [/^oracle/, 1521],
  [/^sqlserver/, 1433],
  [/^db2/, 50000],
];

const ENGINE_VERSIONS: Array<[RegExp, string]> = [
  [/^aurora-postgresql$/, '15.4'],
  [/^aurora-mysql$/, '8.0.mysql_aurora.3.05.2'],
  [/^postgres$/, '15.5'],
  [/^mysql$/, '8.0.35'],
  [/^mariadb$/, '10.11.6'],
];

export function defaultPort(engine: string): number {
  return DEFAULT_PORTS.find(([re]) => re.test(engine))?.[1] ?? 5432;
}

function tags(source: Tags | undefined): Tag[] {
  return Object.entries(source ?? {}).map(([Key, Value]) => ({ Key, Value }));
}

function date(value: string | undefined, fallbackHours: number): string {
  return value ?? isoAt(fallbackHours);
}

/** The ARN of an AWS managed key (aws/ebs, aws/rds) of a region. */
export function managedKey(region: string, account: string, alias: string): string {
  const h = stableHex(`kms/${account}/${region}/${alias}`, 32);
  return `arn:aws:kms:${region}:${account}:key/${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' };

/** AWS reserves the `com.amazonaws.` prefix for the lists it manages (service address ranges). */
export const AWS_MANAGED_PREFIX_LIST = 'com.amazonaws.';

function prefixList(p: WorldPrefixList, account: string, region: string, fallbackId: string): PrefixListModel {
  const entry = (e: CidrEntry) => (typeof e === 'string' ? { cidr: e } : e);
  const Entries = (p.entries ?? []).map(entry).map((e) => (e.description === undefined ? { Cidr: e.cidr } : { Cidr: e.cidr, Description: e.description }));
  const awsManaged = p.name.startsWith(AWS_MANAGED_PREFIX_LIST);
  const PrefixListId = p.id ?? fallbackId;
  const out: PrefixListModel = {
    PrefixListId,
    AddressFamily: p.addressFamily ?? (Entries[0]?.Cidr.includes(':') === true ? 'IPv6' : 'IPv4'),
    State: 'create-complete',
    PrefixListArn: `arn:aws:ec2:${region}:${awsManaged ? 'aws' : account}:prefix-list/${PrefixListId}`,
    PrefixListName: p.name,
    OwnerId: awsManaged ? 'AWS' : account,
    Entries,
    Tags: tags(p.tags),
  };
  if (!awsManaged) {
    out.MaxEntries = p.maxEntries ?? Math.max(10, Entries.length);
    out.Version = 1;
  }
  return out;
}

function permission(rule: WorldRule, account: string, groupIds: Map<string, string>, prefixListIds: Map<string, string>): PermissionModel {
  const raw = String(rule.protocol).toLowerCase();
  const IpProtocol = PROTOCOL_NAMES[raw] ?? raw;
  const entry = (e: CidrEntry) => (typeof e === 'string' ? { cidr: e } : e);
  const out: PermissionModel = {
    IpProtocol,
    IpRanges: (rule.ipv4 ?? []).map(entry).map((e) => (e.description === undefined ? { CidrIp: e.cidr } : { CidrIp: e.cidr, Description: e.description })),
    Ipv6Ranges: (rule.ipv6 ?? []).map(entry).map((e) => (e.description === undefined ? { CidrIpv6: e.cidr } : { CidrIpv6: e.cidr, Description: e.description })),
    UserIdGroupPairs: (rule.groups ?? []).map((ref) => {
      const [owner, group] = ref.includes('/') ? (ref.split('/', 2) as [string, string]) : [account, ref];
      return { UserId: owner, GroupId: groupIds.get(group) ?? group };
    }),
    PrefixListIds: (rule.prefixLists ?? []).map((ref) => ({ PrefixListId: prefixListIds.get(ref) ?? ref })),
  };
  // Every-protocol rules carry no ports; tcp/udp default to the whole range, icmp to every type.
  if (IpProtocol !== '-1') {
    const ranged = IpProtocol === 'tcp' || IpProtocol === 'udp';
    out.FromPort = rule.fromPort ?? (ranged ? 0 : -1);
    out.ToPort = rule.toPort ?? rule.fromPort ?? (ranged ? 65535 : -1);
  }
  return out;
}

function buildRegion(id: string, name: string, optInStatus: OptInStatus, source: WorldRegion | undefined): RegionModel {
  const hex = (kind: string, i: number | string) => stableHex(`${id}/${name}/${kind}/${i}`, 17);
  const keys = new Map<string, string>();
  const awsManagedKey = (alias: string) => {
    let key = keys.get(alias);
    if (key === undefined) {
      key = managedKey(name, id, alias);
      keys.set(alias, key);
    }
    return key;
  };
  const src = source ?? {};
  const defaultVpc = `vpc-${hex('vpc', 'default')}`;
  const az = (i: number) => `${name}${'abc'[i % 3]}`;

  const volumes = (src.volumes ?? []).map((v: WorldVolume, i): VolumeModel => {
    const VolumeId = v.id ?? `vol-${hex('vol', i)}`;
    const AvailabilityZone = v.availabilityZone ?? az(i);
    const VolumeType = v.type ?? 'gp3';
    const Size = v.size ?? 8;
    const CreateTime = date(v.created, i);
    const out: VolumeModel = {
      VolumeId,
      Encrypted: v.encrypted,
      Size,
      VolumeType,
      State: v.state ?? ((v.attachments ?? []).length > 0 ? 'in-use' : 'available'),
      AvailabilityZone,
      CreateTime,
      Attachments: (v.attachments ?? []).map((a) => ({
        VolumeId,
        InstanceId: a.instanceId,
        Device: a.device ?? '/dev/xvda',
        State: a.state ?? 'attached',
        AttachTime: CreateTime,
        DeleteOnTermination: true,
      })),
      Tags: tags(v.tags),
    };
    if (v.encrypted) out.KmsKeyId = v.kmsKeyId ?? awsManagedKey('aws/ebs');
    if (VolumeType === 'gp3') {
      out.Iops = 3000;
      out.Throughput = 125;
    } else if (VolumeType === 'gp2') {
      out.Iops = Math.min(16000, Math.max(100, Size * 3));
    } else if (VolumeType === 'io1' || VolumeType === 'io2') {
      out.Iops = 3000;
    }
    return out;
  });

  const prefixLists = (src.prefixLists ?? []).map((p, i) => prefixList(p, id, name, `pl-${hex('pl', i)}`));
  const prefixListIds = new Map<string, string>();
  for (const p of prefixLists) {
    prefixListIds.set(p.PrefixListId, p.PrefixListId);
    if (!prefixListIds.has(p.PrefixListName)) prefixListIds.set(p.PrefixListName, p.PrefixListId);
  }

  const groupIds = new Map<string, string>();
  const groupSources = src.securityGroups ?? [];
  groupSources.forEach((g: WorldSecurityGroup, i) => {
    const gid = g.id ?? `sg-${hex('sg', i)}`;
    groupIds.set(gid, gid);
    if (!groupIds.has(g.name)) groupIds.set(g.name, gid);
  });
  const securityGroups = groupSources.map((g, i): SecurityGroupModel => {
    const GroupId = g.id ?? `sg-${hex('sg', i)}`;
    return {
      GroupId,
      GroupName: g.name,
      Description: g.description ?? (g.name === 'default' ? 'default VPC security group' : `${g.name} security group`),
      VpcId: g.vpcId ?? defaultVpc,
      OwnerId: id,
      SecurityGroupArn: `arn:aws:ec2:${name}:${id}:security-group/${GroupId}`,
      IpPermissions: (g.ingress ?? []).map((r) => permission(r, id, groupIds, prefixListIds)),
      IpPermissionsEgress: (g.egress ?? [{ protocol: '-1', ipv4: ['0.0.0.0/0'] }]).map((r) => permission(r, id, groupIds, prefixListIds)),
      Tags: tags(g.tags),
    };
  });
  const groupNames = new Map(securityGroups.map((g) => [g.GroupId, g.GroupName]));
  const resolveGroups = (refs: string[] | undefined) => (refs ?? []).map((ref) => groupIds.get(ref) ?? ref);

  const networkInterfaces = (src.networkInterfaces ?? []).map((n: WorldNetworkInterface, i): NetworkInterfaceModel => {
    const NetworkInterfaceId = n.id ?? `eni-${hex('eni', i)}`;
    const PrivateIpAddress = n.privateIp ?? `172.31.${Math.floor(i / 250) % 250}.${(i % 250) + 4}`;
    const mac = stableHex(`mac/${NetworkInterfaceId}`, 10);
    const out: NetworkInterfaceModel = {
      NetworkInterfaceId,
      Description: n.description ?? '',
      Groups: resolveGroups(n.groups).map((GroupId) => ({ GroupId, GroupName: groupNames.get(GroupId) ?? GroupId })),
      PrivateIpAddress,
      PrivateDnsName: `ip-${PrivateIpAddress.replace(/\./g, '-')}.${name === 'us-east-1' ? 'ec2.internal' : `${name}.compute.internal`}`,
      Ipv6Addresses: (n.ipv6 ?? []).map((Ipv6Address) => ({ Ipv6Address })),
      SubnetId: n.subnetId ?? `subnet-${hex('subnet', i % 3)}`,
      VpcId: n.vpcId ?? defaultVpc,
      AvailabilityZone: n.availabilityZone ?? az(i),
      Status: n.status ?? (n.attachment === undefined ? 'available' : 'in-use'),
      InterfaceType: n.interfaceType ?? 'interface',
      RequesterManaged: n.requesterManaged ?? false,
      MacAddress: `02:${mac.match(/../g)?.join(':') ?? '00:00:00:00:00'}`,
      OwnerId: id,
      Tags: tags(n.tags),
    };
    if (n.publicIp !== undefined) {
      out.Association = {
        PublicIp: n.publicIp,
        PublicDnsName: `ec2-${n.publicIp.replace(/\./g, '-')}.${name === 'us-east-1' ? 'compute-1' : `${name}.compute`}.amazonaws.com`,
        IpOwnerId: 'amazon',
      };
    }
    if (n.attachment !== undefined) {
      out.Attachment = {
        AttachmentId: `eni-attach-${hex('attach', i)}`,
        InstanceOwnerId: id,
        DeviceIndex: n.attachment.deviceIndex ?? 0,
        Status: n.attachment.status ?? 'attached',
        AttachTime: date(undefined, i),
        DeleteOnTermination: true,
      };
      if (n.attachment.instanceId !== undefined) out.Attachment.InstanceId = n.attachment.instanceId;
    }
    return out;
  });

  const rdsSuffix = `${stableHex(`rds/${id}/${name}`, 12)}.${name}.rds.amazonaws.com`;
  const host = (kind: string, ident: string) => `${ident}.${kind}${rdsSuffix}`;
  const zone = `Z${stableHex(`zone/${name}`, 12).toUpperCase()}`;
  const sgMembership = (refs: string[] | undefined) => resolveGroups(refs).map((VpcSecurityGroupId) => ({ VpcSecurityGroupId, Status: 'active' }));
  const clusterSources = src.dbClusters ?? [];
  const instanceSources = src.dbInstances ?? [];

  const dbClusters = clusterSources.map((c: WorldDbCluster, i): DbClusterModel => {
    const members = instanceSources.filter((d) => d.cluster === c.id);
    const writerIndex = Math.max(0, members.findIndex((m) => m.writer === true));
    const encrypted = c.storageEncrypted ?? false;
    const out: DbClusterModel = {
      DBClusterIdentifier: c.id,
      Engine: c.engine,
      EngineVersion: c.engineVersion ?? ENGINE_VERSIONS.find(([re]) => re.test(c.engine))?.[1] ?? '1.0',
      EngineMode: c.engineMode ?? 'provisioned',
      Status: c.status ?? 'available',
      StorageEncrypted: encrypted,
      Port: c.port ?? defaultPort(c.engine),
      Endpoint: host('cluster-', c.id),
      ReaderEndpoint: host('cluster-ro-', c.id),
      MultiAZ: members.length > 1,
      AvailabilityZones: [az(0), az(1), az(2)],
      VpcSecurityGroups: sgMembership(c.securityGroups),
      DBClusterMembers: members.map((m, k) => ({ DBInstanceIdentifier: m.id, IsClusterWriter: k === writerIndex, PromotionTier: 1 })),
      HostedZoneId: zone,
      DbClusterResourceId: `cluster-${stableHex(`cluster/${id}/${name}/${c.id}`, 26).toUpperCase()}`,
      DBClusterArn: `arn:aws:rds:${name}:${id}:cluster:${c.id}`,
      ClusterCreateTime: date(c.created, i),
      TagList: tags(c.tags),
    };
    if (encrypted) out.KmsKeyId = c.kmsKeyId ?? awsManagedKey('aws/rds');
    return out;
  });
  const clusterById = new Map(dbClusters.map((c) => [c.DBClusterIdentifier, c]));

  const dbInstances = instanceSources.map((d: WorldDbInstance, i): DbInstanceModel => {
    const cluster = d.cluster === undefined ? undefined : clusterById.get(d.cluster);
    const encrypted = d.storageEncrypted ?? cluster?.StorageEncrypted ?? false;
    const status = d.status ?? 'available';
    const port = d.port ?? cluster?.Port ?? defaultPort(d.engine);
    const out: DbInstanceModel = {
      DBInstanceIdentifier: d.id,
      DBInstanceClass: d.instanceClass ?? (cluster === undefined ? 'db.t4g.medium' : 'db.r6g.large'),
      Engine: d.engine,
      EngineVersion: d.engineVersion ?? cluster?.EngineVersion ?? ENGINE_VERSIONS.find(([re]) => re.test(d.engine))?.[1] ?? '1.0',
      DBInstanceStatus: status,
      MasterUsername: 'dbadmin',
      AllocatedStorage: d.allocatedStorage ?? (cluster === undefined ? 100 : 1),
      InstanceCreateTime: date(d.created, i),
      BackupRetentionPeriod: 7,
      VpcSecurityGroups: d.securityGroups === undefined && cluster !== undefined ? cluster.VpcSecurityGroups : sgMembership(d.securityGroups),
      AvailabilityZone: az(i),
      VpcId: d.vpcId ?? defaultVpc,
      MultiAZ: d.multiAZ ?? false,
      PubliclyAccessible: d.publiclyAccessible ?? false,
      StorageType: cluster === undefined ? 'gp3' : 'aurora',
      // DescribeDBInstances reports 0 here unless the port was set on the instance itself; the
      // port clients connect to is Endpoint.Port.
      DbInstancePort: d.port !== undefined && cluster !== undefined ? d.port : 0,
      StorageEncrypted: encrypted,
      DbiResourceId: `db-${stableHex(`dbi/${id}/${name}/${d.id}`, 26).toUpperCase()}`,
      DBInstanceArn: `arn:aws:rds:${name}:${id}:db:${d.id}`,
      TagList: tags(d.tags),
      writer: cluster?.DBClusterMembers.find((m) => m.DBInstanceIdentifier === d.id)?.IsClusterWriter ?? false,
    };
    if (status !== 'creating') out.Endpoint = { Address: host('', d.id), Port: port, HostedZoneId: zone };
    if (cluster !== undefined) {
      out.DBClusterIdentifier = cluster.DBClusterIdentifier;
      out.PromotionTier = 1;
    }
    if (encrypted) out.KmsKeyId = d.kmsKeyId ?? cluster?.KmsKeyId ?? awsManagedKey('aws/rds');
    return out;
  });

  const logGroups = (src.logGroups ?? [])
    .map((l, i): LogGroupModel => {
      const logGroupArn = `arn:aws:logs:${name}:${id}:log-group:${l.name}`;
      const out: LogGroupModel = {
        logGroupName: l.name,
        creationTime: Date.parse(date(l.created, i)),
        metricFilterCount: 0,
        arn: `${logGroupArn}:*`,
        logGroupArn,
        storedBytes: l.storedBytes ?? 0,
        logGroupClass: l.class ?? 'STANDARD',
      };
      if (l.retentionInDays !== undefined) out.retentionInDays = l.retentionInDays;
      if (l.kmsKeyId !== undefined) out.kmsKeyId = l.kmsKeyId;
      return out;
    })
    // DescribeLogGroups lists groups in name order.
    .sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : a.logGroupName > b.logGroupName ? 1 : 0));

  return {
    name,
    optInStatus,
    ebsEncryptionByDefault: src.ebsEncryptionByDefault ?? false,
    volumes,
    securityGroups,
    prefixLists,
    networkInterfaces,
    dbInstances,
    dbClusters,
    logGroups,
  };
}

function buildTrail(t: WorldTrail, account: string, region: string): TrailModel {
  const out: TrailModel = {
    account,
    Name: t.name,
    HomeRegion: region,
    TrailARN: `arn:aws:cloudtrail:${region}:${account}:trail/${t.name}`,
    IsMultiRegionTrail: t.multiRegion ?? false,
    IsOrganizationTrail: t.organization ?? false,
    S3BucketName: t.s3Bucket ?? `aws-cloudtrail-logs-${account}-${stableHex(`bucket/${account}/${t.name}`, 8)}`,
    IncludeGlobalServiceEvents: t.includeGlobalServiceEvents ?? true,
    LogFileValidationEnabled: t.logFileValidation ?? true,
    HasCustomEventSelectors: t.eventSelectors !== undefined || t.advancedEventSelectors !== undefined,
    HasInsightSelectors: t.insightSelectors ?? false,
    logging: t.logging ?? true,
  };
  if (t.s3KeyPrefix !== undefined) out.S3KeyPrefix = t.s3KeyPrefix;
  if (t.kmsKeyId !== undefined) out.KmsKeyId = t.kmsKeyId;
  if (t.latestDeliveryError !== undefined) out.latestDeliveryError = t.latestDeliveryError;
  if (t.cloudWatchLogsLogGroup !== undefined) {
    out.CloudWatchLogsLogGroupArn = `arn:aws:logs:${region}:${account}:log-group:${t.cloudWatchLogsLogGroup}:*`;
    out.CloudWatchLogsRoleArn = `arn:aws:iam::${account}:role/CloudTrail_CloudWatchLogs_Role`;
  }
  if (t.advancedEventSelectors !== undefined) {
    out.AdvancedEventSelectors = t.advancedEventSelectors.map((s) => {
      const selector: NonNullable<TrailModel['AdvancedEventSelectors']>[number] = {
        FieldSelectors: s.fieldSelectors.map((f) => {
          const field: Record<string, string | string[]> = { Field: f.field };
          if (f.equals !== undefined) field['Equals'] = f.equals;
          if (f.startsWith !== undefined) field['StartsWith'] = f.startsWith;
          if (f.endsWith !== undefined) field['EndsWith'] = f.endsWith;
          if (f.notEquals !== undefined) field['NotEquals'] = f.notEquals;
          if (f.notStartsWith !== undefined) field['NotStartsWith'] = f.notStartsWith;
          if (f.notEndsWith !== undefined) field['NotEndsWith'] = f.notEndsWith;
          return field;
        }),
      };
      if (s.name !== undefined) selector.Name = s.name;
      return selector;
    });
  } else {
    out.EventSelectors = (t.eventSelectors ?? [{}]).map((s) => ({
      ReadWriteType: s.readWriteType ?? 'All',
      IncludeManagementEvents: s.includeManagementEvents ?? true,
      DataResources: (s.dataResources ?? []).map((d) => ({ Type: d.type, Values: d.values })),
      ExcludeManagementEventSources: s.excludeManagementEventSources ?? [],
    }));
  }
  return out;
}

/** How the regions of an account are found: written in the world, or generated on demand. */
interface RegionSource {
  names: readonly string[];
  trails: Record<string, WorldTrail[] | undefined>;
  region(name: string): WorldRegion | undefined;
  /** A status the account sets for itself (written worlds only). */
  status(name: string): OptInStatus | undefined;
  /** Keep built regions for good (written worlds), or only the recently used ones (generated). */
  cache: 'all' | 'recent';
}

/** Recently built regions of generated accounts: bounded, so a huge world stays small in memory. */
class RecentRegions {
  private readonly entries = new Map<string, RegionModel>();
  constructor(private readonly limit: number) {}

  get(key: string, build: () => RegionModel): RegionModel {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const made = build();
    this.entries.set(key, made);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
    return made;
  }
}

function buildAccount(account: WorldAccount, index: number, regionTable: Record<string, OptInStatus>, source: RegionSource, recent: RecentRegions, orgByManagement: Map<string, string>): AccountModel {
  const regionStatus = new Map<string, OptInStatus>();
  for (const name of new Set([...Object.keys(regionTable), ...source.names])) {
    regionStatus.set(name, source.status(name) ?? regionTable[name] ?? 'opt-in-not-required');
  }
  const trails = Object.entries(source.trails).flatMap(([region, list]) => (list ?? []).map((t) => buildTrail(t, account.id, region)));
  const built = new Map<string, RegionModel>();
  const region = (name: string): RegionModel => {
    const status = regionStatus.get(name) ?? 'opt-in-not-required';
    const make = () => buildRegion(account.id, name, status, source.region(name));
    if (source.cache === 'recent') return recent.get(`${account.id}/${name}`, make);
    let hit = built.get(name);
    if (hit === undefined) {
      hit = make();
      built.set(name, hit);
    }
    return hit;
  };
  const iam = account.iam ?? {};
  const root = { password: iam.root?.password ?? true, mfa: iam.root?.mfa ?? false, accessKeys: iam.root?.accessKeys ?? 0, created: iam.root?.created ?? isoAt(-24 * 400 + index) };
  const users = iam.users ?? [];
  const roles = new Map((account.roles ?? []).map((r) => [r.name, r]));
  const mfaDevices = users.filter((u) => u.mfa === true).length + (root.mfa ? 1 : 0);
  const summary: Record<string, number> = {
    AccountMFAEnabled: root.mfa ? 1 : 0,
    AccountAccessKeysPresent: root.accessKeys > 0 ? 1 : 0,
    AccountPasswordPresent: root.password ? 1 : 0,
    AccountSigningCertificatesPresent: 0,
    Users: users.length,
    UsersQuota: 5000,
    Groups: 0,
    GroupsQuota: 300,
    GroupsPerUserQuota: 10,
    Roles: roles.size,
    RolesQuota: 1000,
    Policies: 0,
    PoliciesQuota: 1500,
    PolicySizeQuota: 6144,
    PolicyVersionsInUse: 0,
    PolicyVersionsInUseQuota: 10000,
    VersionsPerPolicyQuota: 5,
    MFADevices: mfaDevices,
    MFADevicesInUse: mfaDevices,
    ServerCertificates: 0,
    ServerCertificatesQuota: 20,
    InstanceProfiles: 0,
    InstanceProfilesQuota: 1000,
    Providers: 0,
    AccessKeysPerUserQuota: 2,
    SigningCertificatesPerUserQuota: 2,
    AttachedPoliciesPerUserQuota: 10,
    AttachedPoliciesPerRoleQuota: 10,
    AttachedPoliciesPerGroupQuota: 10,
    UserPolicySizeQuota: 2048,
    RolePolicySizeQuota: 10240,
    GroupPolicySizeQuota: 5120,
    AssumeRolePolicySizeQuota: 2048,
    GlobalEndpointTokenVersion: 1,
    ...iam.summary,
  };
  const out: AccountModel = {
    id: account.id,
    name: account.name ?? account.id,
    email: account.email ?? `aws+${account.id}@example.com`,
    status: account.status ?? 'ACTIVE',
    joinedMethod: account.joinedMethod ?? (orgByManagement.has(account.id) ? 'CREATED' : 'INVITED'),
    joined: account.joined === undefined ? new Date(EPOCH - 86_400_000 * (400 - index)) : new Date(account.joined),
    roles,
    iam: {
      root: iam.root?.passwordLastUsed === undefined ? root : { ...root, passwordLastUsed: iam.root.passwordLastUsed },
      users,
      summary,
      generationMs: iam.credentialReport?.generationMs ?? 0,
      preGenerated: iam.credentialReport?.preGenerated ?? false,
      reportMaxAgeMs: iam.credentialReport?.maxAgeMs ?? 4 * 3_600_000,
    },
    regionStatus,
    trails,
    region,
  };
  const org = account.organization ?? orgByManagement.get(account.id);
  if (org !== undefined) out.organization = org;
  return out;
}

/** How many generated account regions stay built at once. */
const RECENT_REGIONS = 512;

function writtenSource(account: WorldAccount): RegionSource {
  const regions = account.regions ?? {};
  return {
    names: Object.keys(regions),
    trails: Object.fromEntries(Object.entries(regions).map(([name, r]) => [name, r.trails])),
    region: (name) => regions[name],
    status: (name) => regions[name]?.optInStatus,
    cache: 'all',
  };
}

/**
 * Builds the runtime model of a validated world. Generated accounts are planned, not materialised:
 * each region is generated when a request first needs it (the same data expandWorld would write).
 */
export function buildModel(world: World): WorldModel {
  const plan = planGeneration(world);
  const regionTable = { ...(plan?.regionTable ?? {}), ...(world.regions ?? {}) };
  const organizationList = [...(world.organizations ?? []), ...(plan?.newOrganization === undefined ? [] : [plan.newOrganization])];
  const orgByManagement = new Map(organizationList.map((o) => [o.managementAccount, o.id]));
  const recent = new RecentRegions(RECENT_REGIONS);

  const written = world.accounts ?? [];
  const accountList = written.map((a, i) => buildAccount(a, i, regionTable, writtenSource(a), recent, orgByManagement));
  if (plan !== undefined) {
    for (const { index } of plan.accounts) {
      const shell = generateAccountShell(plan, index);
      const source: RegionSource = {
        names: plan.regions,
        trails: generateTrails(plan, index),
        region: (name) => (plan.regions.includes(name) ? generateRegion(plan, index, name) : undefined),
        status: () => undefined,
        cache: 'recent',
      };
      accountList.push(buildAccount(shell, written.length + index, regionTable, source, recent, orgByManagement));
    }
  }
  if (accountList.length === 0) {
    const fallback: WorldAccount = { id: '123456789012', name: 'sandbox', current: true };
    accountList.push(buildAccount(fallback, 0, regionTable, writtenSource(fallback), recent, orgByManagement));
  }
  const accounts = new Map(accountList.map((a) => [a.id, a]));
  const currentIndex = Math.max(0, written.findIndex((a) => a.current === true));
  const current = accountList[currentIndex] as AccountModel;
  const organizations = new Map<string, OrganizationModel>();
  for (const o of organizationList) {
    organizations.set(o.id, { id: o.id, arn: `arn:aws:organizations::${o.managementAccount}:organization/${o.id}`, managementAccount: o.managementAccount, featureSet: o.featureSet ?? 'ALL' });
  }
  const accessKeys = new Map<string, AccountModel>();
  for (const a of written) {
    const model = accounts.get(a.id);
    if (model !== undefined) for (const key of a.accessKeys ?? []) accessKeys.set(key, model);
  }
  return { accounts, accountList, current, organizations, accessKeys };
}

/** The account's view of a region; a region the world does not mention is enabled and empty. */
export function regionOf(account: AccountModel, name: string): RegionModel {
  return account.region(name);
}

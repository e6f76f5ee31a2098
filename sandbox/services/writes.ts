// The few write calls a change-driven scan is tested with: each changes the running world and is
// announced as CloudTrail would record it (sandbox/changes.ts), with CloudTrail's own field names in
// requestParameters / responseElements.

import { randomBytes } from 'node:crypto';
import { boolField, stringField, intField, type CallContext, type JsonHandler, type QueryParams, type XmlHandler } from '../context.js';
import { emitChange } from '../changes.js';
import { AwsError } from '../errors.js';
import { managedKey, regionOf, type DbInstanceModel, type PermissionModel, type TrailModel, type VolumeModel } from '../model.js';
import { stableHex } from '../util.js';
import { leaf } from '../xml.js';
import { volumeXml } from './ec2.js';
import { findTrail } from './cloudtrail.js';
import { instanceXml } from './rds.js';

const hex = (n: number) => randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);

/** CloudTrail records CloudTrail's, RDS's and IAM's answers with each key's first letter lower-cased (DBInstanceArn → dBInstanceArn). */
function cloudTrailShape(value: Record<string, unknown>): Record<string, unknown> {
  const shape = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(shape);
    if (typeof v !== 'object' || v === null) return v;
    return Object.fromEntries(Object.entries(v).map(([key, inner]) => [key.charAt(0).toLowerCase() + key.slice(1), shape(inner)]));
  };
  return shape(value) as Record<string, unknown>;
}

function emit(ctx: CallContext, request: Record<string, unknown> | null, response: Record<string, unknown> | null): void {
  emitChange(ctx, ctx.state.changeListeners, request, response);
}

/** `IpPermissions.N.…` (or the flat CidrIp / IpProtocol / FromPort / ToPort form). */
function permissionsOf(params: QueryParams): PermissionModel[] {
  const out: PermissionModel[] = [];
  const port = (name: string) => params.int(name);
  for (let n = 1; ; n += 1) {
    const protocol = params.get(`IpPermissions.${n}.IpProtocol`);
    if (protocol === undefined) break;
    const from = port(`IpPermissions.${n}.FromPort`);
    const to = port(`IpPermissions.${n}.ToPort`);
    out.push({
      IpProtocol: protocol,
      ...(from === undefined ? {} : { FromPort: from }),
      ...(to === undefined ? {} : { ToPort: to }),
      IpRanges: [],
      Ipv6Ranges: [],
      UserIdGroupPairs: [],
      PrefixListIds: [],
    });
    const last = out[out.length - 1];
    if (last === undefined) continue;
    for (let m = 1; ; m += 1) {
      const cidr = params.get(`IpPermissions.${n}.IpRanges.${m}.CidrIp`);
      if (cidr === undefined) break;
      last.IpRanges.push({ CidrIp: cidr });
    }
    for (let m = 1; ; m += 1) {
      const cidr = params.get(`IpPermissions.${n}.Ipv6Ranges.${m}.CidrIpv6`);
      if (cidr === undefined) break;
      last.Ipv6Ranges.push({ CidrIpv6: cidr });
    }
  }
  const flat = params.get('CidrIp');
  const flatProtocol = params.get('IpProtocol');
  if (flat !== undefined && flatProtocol !== undefined) {
    const from = port('FromPort');
    const to = port('ToPort');
    out.push({ IpProtocol: flatProtocol, ...(from === undefined ? {} : { FromPort: from }), ...(to === undefined ? {} : { ToPort: to }), IpRanges: [{ CidrIp: flat }], Ipv6Ranges: [], UserIdGroupPairs: [], PrefixListIds: [] });
  }
  if (out.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter ipPermissions', 400);
  return out;
}

/** CloudTrail's record of the permissions: lower camel case, lists as `{ items: [...] }`. */
function permissionsRecord(permissions: readonly PermissionModel[]): Record<string, unknown> {
  return {
    items: permissions.map((p) => ({
      ipProtocol: p.IpProtocol,
      fromPort: p.FromPort,
      toPort: p.ToPort,
      ipRanges: { items: p.IpRanges.map((r) => ({ cidrIp: r.CidrIp })) },
      ipv6Ranges: { items: p.Ipv6Ranges.map((r) => ({ cidrIpv6: r.CidrIpv6 })) },
    })),
  };
}

function groupOf(ctx: CallContext, params: QueryParams) {
  const id = params.get('GroupId');
  const name = params.get('GroupName');
  const region = regionOf(ctx.account, ctx.region);
  const group = region.securityGroups.find((g) => (id !== undefined ? g.GroupId === id : g.GroupName === name));
  if (group === undefined) throw new AwsError('InvalidGroup.NotFound', `The security group '${id ?? name ?? ''}' does not exist`, 400);
  return group;
}

/**
 * The sandbox keeps rules as IpPermissions, not as rule objects: a rule's id is derived from the group,
 * the ports and the one CIDR, so AuthorizeSecurityGroupIngress's answer and ModifySecurityGroupRules agree.
 */
function ruleId(groupId: string, p: Pick<PermissionModel, 'IpProtocol' | 'FromPort' | 'ToPort'>, cidr: string): string {
  return `sgr-${stableHex(`${groupId}/${p.IpProtocol}/${p.FromPort ?? ''}/${p.ToPort ?? ''}/${cidr}`, 17)}`;
}

const authorizeSecurityGroupIngress: XmlHandler = (ctx, params) => {
  const group = groupOf(ctx, params);
  const added = permissionsOf(params);
  group.IpPermissions.push(...added);
  const rules = added.flatMap((p) =>
    [...p.IpRanges.map((r) => ({ cidrIpv4: r.CidrIp })), ...p.Ipv6Ranges.map((r) => ({ cidrIpv6: r.CidrIpv6 }))].map((source) => ({
      groupOwnerId: group.OwnerId,
      groupId: group.GroupId,
      securityGroupRuleId: ruleId(group.GroupId, p, 'cidrIpv4' in source ? source.cidrIpv4 : source.cidrIpv6),
      isEgress: false,
      ipProtocol: p.IpProtocol,
      fromPort: p.FromPort,
      toPort: p.ToPort,
      ...source,
    })),
  );
  const request = params.get('GroupId') === undefined ? { groupName: group.GroupName } : { groupId: group.GroupId };
  emit(ctx, { ...request, ipPermissions: permissionsRecord(added) }, { _return: true, securityGroupRuleSet: { items: rules } });
  const ruleXml = rules
    .map(
      (r) =>
        `<item>${leaf('groupOwnerId', r.groupOwnerId)}${leaf('groupId', r.groupId)}${leaf('securityGroupRuleId', r.securityGroupRuleId)}${leaf('isEgress', false)}${leaf('ipProtocol', r.ipProtocol)}${leaf('fromPort', r.fromPort)}${leaf('toPort', r.toPort)}${'cidrIpv4' in r ? leaf('cidrIpv4', r.cidrIpv4) : leaf('cidrIpv6', r.cidrIpv6)}</item>`,
    )
    .join('');
  return `${leaf('return', true)}<securityGroupRuleSet>${ruleXml}</securityGroupRuleSet>`;
};

const samePorts = (a: PermissionModel, b: PermissionModel) => a.IpProtocol === b.IpProtocol && a.FromPort === b.FromPort && a.ToPort === b.ToPort;

const revokeSecurityGroupIngress: XmlHandler = (ctx, params) => {
  const group = groupOf(ctx, params);
  const removed = permissionsOf(params);
  for (const gone of removed) {
    for (const rule of group.IpPermissions.filter((p) => samePorts(p, gone))) {
      rule.IpRanges = rule.IpRanges.filter((r) => !gone.IpRanges.some((x) => x.CidrIp === r.CidrIp));
      rule.Ipv6Ranges = rule.Ipv6Ranges.filter((r) => !gone.Ipv6Ranges.some((x) => x.CidrIpv6 === r.CidrIpv6));
    }
  }
  group.IpPermissions = group.IpPermissions.filter((p) => p.IpRanges.length + p.Ipv6Ranges.length + p.UserIdGroupPairs.length + p.PrefixListIds.length > 0);
  emit(ctx, { groupId: group.GroupId, ipPermissions: permissionsRecord(removed) }, { _return: true });
  return leaf('return', true);
};

/** ModifySecurityGroupRules for ingress rules with a CIDR source: each named rule is replaced by its new form. */
const modifySecurityGroupRules: XmlHandler = (ctx, params) => {
  const group = groupOf(ctx, params);
  const updates: Array<Record<string, unknown>> = [];
  for (let n = 1; ; n += 1) {
    const id = params.get(`SecurityGroupRule.${n}.SecurityGroupRuleId`);
    if (id === undefined) break;
    const at = (name: string) => `SecurityGroupRule.${n}.SecurityGroupRule.${name}`;
    const protocol = params.get(at('IpProtocol'));
    const cidr4 = params.get(at('CidrIpv4'));
    const cidr6 = params.get(at('CidrIpv6'));
    if (protocol === undefined || (cidr4 === undefined) === (cidr6 === undefined)) {
      throw new AwsError('InvalidParameterValue', 'The sandbox models ModifySecurityGroupRules with an IpProtocol and one CidrIpv4 or CidrIpv6.', 400);
    }
    const permission = group.IpPermissions.find((p) => [...p.IpRanges.map((r) => r.CidrIp), ...p.Ipv6Ranges.map((r) => r.CidrIpv6)].some((c) => ruleId(group.GroupId, p, c) === id));
    if (permission === undefined) throw new AwsError('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${id}' does not exist`, 400);
    permission.IpRanges = permission.IpRanges.filter((r) => ruleId(group.GroupId, permission, r.CidrIp) !== id);
    permission.Ipv6Ranges = permission.Ipv6Ranges.filter((r) => ruleId(group.GroupId, permission, r.CidrIpv6) !== id);
    const from = params.int(at('FromPort'));
    const to = params.int(at('ToPort'));
    group.IpPermissions.push({
      IpProtocol: protocol,
      ...(from === undefined ? {} : { FromPort: from }),
      ...(to === undefined ? {} : { ToPort: to }),
      IpRanges: cidr4 === undefined ? [] : [{ CidrIp: cidr4 }],
      Ipv6Ranges: cidr6 === undefined ? [] : [{ CidrIpv6: cidr6 }],
      UserIdGroupPairs: [],
      PrefixListIds: [],
    });
    updates.push({ SecurityGroupRuleId: id, SecurityGroupRule: { IpProtocol: protocol, FromPort: from, ToPort: to, ...(cidr4 === undefined ? { CidrIpv6: cidr6 } : { CidrIpv4: cidr4 }) }, tag: n });
  }
  if (updates.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter SecurityGroupRules', 400);
  group.IpPermissions = group.IpPermissions.filter((p) => p.IpRanges.length + p.Ipv6Ranges.length + p.UserIdGroupPairs.length + p.PrefixListIds.length > 0);
  // CloudTrail records this call in the request's own (upper camel case) shape.
  const [only] = updates;
  emit(ctx, { ModifySecurityGroupRulesRequest: { GroupId: group.GroupId, SecurityGroupRule: updates.length === 1 ? only : updates } }, { ModifySecurityGroupRulesResponse: { _return: true } });
  return leaf('return', true);
};

const createVolume: XmlHandler = (ctx, params) => {
  const region = regionOf(ctx.account, ctx.region);
  const zone = params.get('AvailabilityZone');
  if (zone === undefined || !zone.startsWith(ctx.region)) throw new AwsError('InvalidParameterValue', `Invalid availability zone: [${zone ?? ''}]`, 400);
  const encrypted = params.bool('Encrypted') ?? region.ebsEncryptionByDefault;
  const volume: VolumeModel = {
    VolumeId: `vol-${hex(17)}`,
    Encrypted: encrypted,
    Size: params.int('Size') ?? 8,
    VolumeType: params.get('VolumeType') ?? 'gp3',
    State: 'available',
    AvailabilityZone: zone,
    CreateTime: ctx.now.toISOString(),
    Attachments: [],
    Tags: [],
  };
  region.volumes.push(volume);
  emit(ctx, { availabilityZone: zone, size: volume.Size, volumeType: volume.VolumeType, encrypted: params.bool('Encrypted') }, { volumeId: volume.VolumeId, size: volume.Size, availabilityZone: zone, encrypted, status: 'creating', volumeType: volume.VolumeType });
  return volumeXml(volume);
};

function ebsDefault(enabled: boolean): XmlHandler {
  return (ctx) => {
    regionOf(ctx.account, ctx.region).ebsEncryptionByDefault = enabled;
    const name = enabled ? 'EnableEbsEncryptionByDefault' : 'DisableEbsEncryptionByDefault';
    emit(ctx, { [`${name}Request`]: '' }, { [`${name}Response`]: { ebsEncryptionByDefault: enabled } });
    return leaf('ebsEncryptionByDefault', enabled);
  };
}

export const EC2_WRITE_HANDLERS: Record<string, XmlHandler> = {
  AuthorizeSecurityGroupIngress: authorizeSecurityGroupIngress,
  RevokeSecurityGroupIngress: revokeSecurityGroupIngress,
  ModifySecurityGroupRules: modifySecurityGroupRules,
  CreateVolume: createVolume,
  EnableEbsEncryptionByDefault: ebsDefault(true),
  DisableEbsEncryptionByDefault: ebsDefault(false),
};

function logGroupOf(ctx: CallContext, name: string | undefined) {
  const group = regionOf(ctx.account, ctx.region).logGroups.find((g) => g.logGroupName === name);
  if (group === undefined) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.', 400);
  return group;
}

const putRetentionPolicy: JsonHandler = (ctx, body) => {
  const name = stringField('logs', body, 'logGroupName');
  const days = intField('logs', body, 'retentionInDays');
  if (days === undefined) throw new AwsError('InvalidParameterException', 'retentionInDays is required', 400);
  logGroupOf(ctx, name).retentionInDays = days;
  emit(ctx, { logGroupName: name, retentionInDays: days }, null);
  return {};
};

const deleteRetentionPolicy: JsonHandler = (ctx, body) => {
  const name = stringField('logs', body, 'logGroupName');
  delete logGroupOf(ctx, name).retentionInDays;
  emit(ctx, { logGroupName: name }, null);
  return {};
};

const createLogGroup: JsonHandler = (ctx, body) => {
  const name = stringField('logs', body, 'logGroupName');
  if (name === undefined || name === '') throw new AwsError('InvalidParameterException', 'logGroupName is required', 400);
  const groups = regionOf(ctx.account, ctx.region).logGroups;
  if (groups.some((g) => g.logGroupName === name)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists', 400);
  const logGroupArn = `arn:aws:logs:${ctx.region}:${ctx.account.id}:log-group:${name}`;
  // A new group keeps its events for ever until a retention policy is set (no retentionInDays).
  groups.push({ logGroupName: name, creationTime: ctx.now.getTime(), metricFilterCount: 0, arn: `${logGroupArn}:*`, logGroupArn, storedBytes: 0, logGroupClass: 'STANDARD' });
  emit(ctx, { logGroupName: name }, null);
  return {};
};

const deleteLogGroup: JsonHandler = (ctx, body) => {
  const name = stringField('logs', body, 'logGroupName');
  const region = regionOf(ctx.account, ctx.region);
  const group = logGroupOf(ctx, name);
  region.logGroups = region.logGroups.filter((g) => g !== group);
  emit(ctx, { logGroupName: name }, null);
  return {};
};

export const LOGS_WRITE_HANDLERS: Record<string, JsonHandler> = {
  CreateLogGroup: createLogGroup,
  DeleteLogGroup: deleteLogGroup,
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
};

function logging(on: boolean): JsonHandler {
  return (ctx, body) => {
    const name = stringField('cloudtrail', body, 'Name');
    findTrail(ctx, name).logging = on;
    emit(ctx, { name }, null);
    return {};
  };
}

const deleteTrail: JsonHandler = (ctx, body) => {
  const name = stringField('cloudtrail', body, 'Name');
  const trail = findTrail(ctx, name);
  ctx.account.trails = ctx.account.trails.filter((t) => t !== trail);
  emit(ctx, { name }, null);
  return {};
};

/** The trail as UpdateTrail answers it. */
function trailAnswer(trail: TrailModel): Record<string, unknown> {
  return {
    Name: trail.Name,
    S3BucketName: trail.S3BucketName,
    IncludeGlobalServiceEvents: trail.IncludeGlobalServiceEvents,
    IsMultiRegionTrail: trail.IsMultiRegionTrail,
    TrailARN: trail.TrailARN,
    LogFileValidationEnabled: trail.LogFileValidationEnabled,
    IsOrganizationTrail: trail.IsOrganizationTrail,
  };
}

/** UpdateTrail, as far as the controls read: which regions and whether global service events. */
const updateTrail: JsonHandler = (ctx, body) => {
  const name = stringField('cloudtrail', body, 'Name');
  const trail = findTrail(ctx, name);
  const multiRegion = boolField('cloudtrail', body, 'IsMultiRegionTrail');
  const globalEvents = boolField('cloudtrail', body, 'IncludeGlobalServiceEvents');
  const nextMulti = multiRegion ?? trail.IsMultiRegionTrail;
  const nextGlobal = globalEvents ?? trail.IncludeGlobalServiceEvents;
  if (nextMulti && !nextGlobal) throw new AwsError('InvalidParameterCombinationException', 'Multi-Region trail must include global service events.', 400);
  trail.IsMultiRegionTrail = nextMulti;
  trail.IncludeGlobalServiceEvents = nextGlobal;
  const request: Record<string, unknown> = { name };
  if (multiRegion !== undefined) request['isMultiRegionTrail'] = multiRegion;
  if (globalEvents !== undefined) request['includeGlobalServiceEvents'] = globalEvents;
  const answer = trailAnswer(trail);
  emit(ctx, request, cloudTrailShape(answer));
  return answer;
};

type EventSelector = NonNullable<TrailModel['EventSelectors']>[number];

/** PutEventSelectors with classic selectors (advanced ones are refused: the sandbox does not model setting them). */
const putEventSelectors: JsonHandler = (ctx, body) => {
  const name = stringField('cloudtrail', body, 'TrailName');
  const trail = findTrail(ctx, name);
  const raw = body['EventSelectors'];
  if (body['AdvancedEventSelectors'] !== undefined) throw new AwsError('UnsupportedOperationException', 'The sandbox models PutEventSelectors with EventSelectors only.', 400);
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 5) throw new AwsError('InvalidEventSelectorsException', 'You must specify between one and five event selectors.', 400);
  const selectors = raw.map((item): EventSelector => {
    const s = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    const type = s['ReadWriteType'] ?? 'All';
    if (type !== 'All' && type !== 'ReadOnly' && type !== 'WriteOnly') throw new AwsError('InvalidEventSelectorsException', `Invalid ReadWriteType: ${String(type)}`, 400);
    const sources = Array.isArray(s['ExcludeManagementEventSources']) ? s['ExcludeManagementEventSources'].map(String) : [];
    return { ReadWriteType: type, IncludeManagementEvents: s['IncludeManagementEvents'] !== false, DataResources: [], ExcludeManagementEventSources: sources };
  });
  trail.EventSelectors = selectors;
  delete trail.AdvancedEventSelectors;
  trail.HasCustomEventSelectors = true;
  const recorded = selectors.map((sel) => ({ readWriteType: sel.ReadWriteType, includeManagementEvents: sel.IncludeManagementEvents, dataResources: [], excludeManagementEventSources: sel.ExcludeManagementEventSources }));
  emit(ctx, { trailName: name, eventSelectors: recorded }, { trailARN: trail.TrailARN, eventSelectors: recorded });
  return { TrailARN: trail.TrailARN, EventSelectors: selectors };
};

export const CLOUDTRAIL_WRITE_HANDLERS: Record<string, JsonHandler> = {
  StartLogging: logging(true),
  StopLogging: logging(false),
  DeleteTrail: deleteTrail,
  UpdateTrail: updateTrail,
  PutEventSelectors: putEventSelectors,
};

/** ModifyDBInstance, as far as the controls read: public accessibility (applied at once, as with --apply-immediately). */
const modifyDBInstance: XmlHandler = (ctx, params) => {
  const id = params.get('DBInstanceIdentifier')?.toLowerCase();
  const instance = regionOf(ctx.account, ctx.region).dbInstances.find((d) => d.DBInstanceIdentifier === id);
  if (instance === undefined) throw new AwsError('DBInstanceNotFound', `DBInstance ${id ?? ''} not found.`, 404);
  const publiclyAccessible = params.bool('PubliclyAccessible');
  if (publiclyAccessible !== undefined) instance.PubliclyAccessible = publiclyAccessible;
  emit(
    ctx,
    { dBInstanceIdentifier: params.get('DBInstanceIdentifier'), ...(publiclyAccessible === undefined ? {} : { publiclyAccessible }), applyImmediately: params.bool('ApplyImmediately') ?? false },
    { dBInstanceIdentifier: instance.DBInstanceIdentifier, publiclyAccessible: instance.PubliclyAccessible, dBInstanceArn: instance.DBInstanceArn },
  );
  return `<DBInstance>${instanceXml(ctx, instance)}</DBInstance>`;
};

/** `VpcSecurityGroupIds.member.N` (the Query protocol's list form). */
function listParam(params: QueryParams, name: string): string[] {
  const out: string[] = [];
  for (let n = 1; ; n += 1) {
    const value = params.get(`${name}.member.${n}`);
    if (value === undefined) return out;
    out.push(value);
  }
}

const AUTOMATED_SNAPSHOT = /^rds:([a-z][a-z0-9-]*)-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}$/;

/**
 * The sandbox keeps no snapshot list: a snapshot is an automated one, named as RDS names them
 * (`rds:<instance>-<yyyy-mm-dd-hh-mm>`), of an instance in the region, and carries that instance's
 * engine and encryption (as a snapshot does). Any other name is DBSnapshotNotFound.
 */
function snapshotSource(ctx: CallContext, snapshotId: string | undefined): DbInstanceModel {
  const id = AUTOMATED_SNAPSHOT.exec(snapshotId?.toLowerCase() ?? '')?.[1];
  const source = regionOf(ctx.account, ctx.region).dbInstances.find((d) => d.DBInstanceIdentifier === id);
  if (source === undefined) throw new AwsError('DBSnapshotNotFound', `DBSnapshot not found: ${snapshotId ?? ''}`, 404);
  return source;
}

/**
 * A new instance as RDS reports it straight after the call: creating, no endpoint yet. Not public
 * unless asked (AWS's default depends on the subnet group; the sandbox takes the private side).
 */
function newInstance(ctx: CallContext, params: QueryParams, from: { engine: string; encrypted: boolean; kmsKeyId?: string; storage: number }): DbInstanceModel {
  const id = params.get('DBInstanceIdentifier')?.toLowerCase();
  if (id === undefined || !/^[a-z][a-z0-9-]{0,62}$/.test(id)) throw new AwsError('InvalidParameterValue', 'The parameter DBInstanceIdentifier is not a valid identifier.', 400);
  const region = regionOf(ctx.account, ctx.region);
  if (region.dbInstances.some((d) => d.DBInstanceIdentifier === id)) throw new AwsError('DBInstanceAlreadyExists', 'DB instance already exists', 400);
  const groups = listParam(params, 'VpcSecurityGroupIds');
  for (const group of groups) {
    if (!region.securityGroups.some((g) => g.GroupId === group)) throw new AwsError('InvalidParameterValue', `Invalid security group, groupId= ${group}`, 400);
  }
  const instance: DbInstanceModel = {
    DBInstanceIdentifier: id,
    DBInstanceClass: params.get('DBInstanceClass') ?? 'db.t4g.medium',
    Engine: from.engine,
    EngineVersion: params.get('EngineVersion') ?? '1.0',
    DBInstanceStatus: 'creating',
    MasterUsername: params.get('MasterUsername') ?? 'dbadmin',
    AllocatedStorage: params.int('AllocatedStorage') ?? from.storage,
    InstanceCreateTime: ctx.now.toISOString(),
    BackupRetentionPeriod: params.int('BackupRetentionPeriod') ?? 1,
    VpcSecurityGroups: groups.map((VpcSecurityGroupId) => ({ VpcSecurityGroupId, Status: 'active' })),
    AvailabilityZone: params.get('AvailabilityZone') ?? `${ctx.region}a`,
    VpcId: region.securityGroups.find((g) => g.GroupId === groups[0])?.VpcId ?? region.securityGroups[0]?.VpcId ?? '',
    MultiAZ: params.bool('MultiAZ') ?? false,
    PubliclyAccessible: params.bool('PubliclyAccessible') ?? false,
    StorageType: params.get('StorageType') ?? 'gp3',
    DbInstancePort: 0,
    StorageEncrypted: from.encrypted,
    DbiResourceId: `db-${stableHex(`dbi/${ctx.account.id}/${ctx.region}/${id}`, 26).toUpperCase()}`,
    DBInstanceArn: `arn:aws:rds:${ctx.region}:${ctx.account.id}:db:${id}`,
    TagList: [],
    writer: false,
  };
  if (from.kmsKeyId !== undefined) instance.KmsKeyId = from.kmsKeyId;
  region.dbInstances.push(instance);
  return instance;
}

/** CloudTrail's record of a new instance (responseElements), as far as the controls and the event map read. */
function instanceRecord(d: DbInstanceModel): Record<string, unknown> {
  const { DBInstanceIdentifier, DBInstanceClass, Engine, DBInstanceStatus, PubliclyAccessible, StorageEncrypted, KmsKeyId, VpcSecurityGroups, DbiResourceId, DBInstanceArn } = d;
  return cloudTrailShape({ DBInstanceIdentifier, DBInstanceClass, Engine, DBInstanceStatus, PubliclyAccessible, StorageEncrypted, KmsKeyId, VpcSecurityGroups, DbiResourceId, DBInstanceArn });
}

const createDBInstance: XmlHandler = (ctx, params) => {
  const engine = params.get('Engine');
  if (engine === undefined) throw new AwsError('MissingParameter', 'The request must contain the parameter Engine', 400);
  const encrypted = params.bool('StorageEncrypted') ?? false;
  const kmsKeyId = params.get('KmsKeyId') ?? (encrypted ? managedKey(ctx.region, ctx.account.id, 'aws/rds') : undefined);
  const instance = newInstance(ctx, params, { engine, encrypted, storage: 20, ...(kmsKeyId === undefined ? {} : { kmsKeyId }) });
  emit(
    ctx,
    {
      dBInstanceIdentifier: params.get('DBInstanceIdentifier'),
      dBInstanceClass: instance.DBInstanceClass,
      engine,
      masterUsername: instance.MasterUsername,
      allocatedStorage: instance.AllocatedStorage,
      ...(params.bool('PubliclyAccessible') === undefined ? {} : { publiclyAccessible: params.bool('PubliclyAccessible') }),
      ...(params.bool('StorageEncrypted') === undefined ? {} : { storageEncrypted: params.bool('StorageEncrypted') }),
      vpcSecurityGroupIds: instance.VpcSecurityGroups.map((g) => g.VpcSecurityGroupId),
    },
    instanceRecord(instance),
  );
  return `<DBInstance>${instanceXml(ctx, instance)}</DBInstance>`;
};

/** From an automated snapshot (see snapshotSource): the new instance has the snapshot's encryption. */
const restoreDBInstanceFromDBSnapshot: XmlHandler = (ctx, params) => {
  const snapshotId = params.get('DBSnapshotIdentifier');
  const source = snapshotSource(ctx, snapshotId);
  const instance = newInstance(ctx, params, { engine: params.get('Engine') ?? source.Engine, encrypted: source.StorageEncrypted, storage: source.AllocatedStorage, ...(source.KmsKeyId === undefined ? {} : { kmsKeyId: source.KmsKeyId }) });
  emit(
    ctx,
    {
      dBInstanceIdentifier: params.get('DBInstanceIdentifier'),
      dBSnapshotIdentifier: snapshotId,
      ...(params.bool('PubliclyAccessible') === undefined ? {} : { publiclyAccessible: params.bool('PubliclyAccessible') }),
      vpcSecurityGroupIds: instance.VpcSecurityGroups.map((g) => g.VpcSecurityGroupId),
    },
    instanceRecord(instance),
  );
  return `<DBInstance>${instanceXml(ctx, instance)}</DBInstance>`;
};

export const RDS_WRITE_HANDLERS: Record<string, XmlHandler> = {
  ModifyDBInstance: modifyDBInstance,
  CreateDBInstance: createDBInstance,
  RestoreDBInstanceFromDBSnapshot: restoreDBInstanceFromDBSnapshot,
};

function iamUser(ctx: CallContext, name: string | undefined) {
  const user = ctx.account.iam.users.find((u) => u.name === name);
  if (user === undefined) throw new AwsError('NoSuchEntity', `The user with name ${name ?? ''} cannot be found.`, 404);
  return user;
}

/** A console password for a user. It reaches the credential report only when the report is next rebuilt. */
const createLoginProfile: XmlHandler = (ctx, params) => {
  const name = params.get('UserName');
  const user = iamUser(ctx, name);
  if (user.password === true) throw new AwsError('EntityAlreadyExists', `Login Profile for user ${user.name} already exists.`, 409);
  if ((params.get('Password') ?? '').length < 8) throw new AwsError('PasswordPolicyViolation', 'Password should have a minimum length of 8', 400);
  const reset = params.bool('PasswordResetRequired') ?? false;
  user.password = true;
  user.passwordLastChanged = ctx.now.toISOString();
  const created = ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  // CloudTrail never records the password.
  emit(ctx, { userName: user.name, passwordResetRequired: reset }, { loginProfile: { userName: user.name, createDate: created, passwordResetRequired: reset } });
  return `<LoginProfile>${leaf('UserName', user.name)}${leaf('CreateDate', created)}${leaf('PasswordResetRequired', reset)}</LoginProfile>`;
};

/** A user's MFA device (or, called by the root user without UserName, the root user's). */
const deactivateMFADevice: XmlHandler = (ctx, params) => {
  const name = params.get('UserName');
  const serial = params.get('SerialNumber');
  if (serial === undefined) throw new AwsError('ValidationError', "1 validation error detected: Value null at 'serialNumber' failed to satisfy constraint: Member must not be null", 400);
  const iam = ctx.account.iam;
  if (name === undefined && ctx.principal.arn.endsWith(':root')) {
    if (!iam.root.mfa) throw new AwsError('NoSuchEntity', `MFA Device with serial number ${serial} does not exist.`, 404);
    iam.root.mfa = false;
    iam.summary['AccountMFAEnabled'] = 0;
  } else {
    const user = iamUser(ctx, name);
    if (user.mfa !== true) throw new AwsError('NoSuchEntity', `MFA Device with serial number ${serial} does not exist.`, 404);
    user.mfa = false;
  }
  iam.summary['MFADevicesInUse'] = Math.max(0, (iam.summary['MFADevicesInUse'] ?? 1) - 1);
  emit(ctx, { ...(name === undefined ? {} : { userName: name }), serialNumber: serial }, null);
  return '';
};

export const IAM_WRITE_HANDLERS: Record<string, XmlHandler> = {
  CreateLoginProfile: createLoginProfile,
  DeactivateMFADevice: deactivateMFADevice,
};

// The few write calls a change-driven scan is tested with: each changes the running world and is
// announced as CloudTrail would record it (sandbox/changes.ts), with CloudTrail's own field names in
// requestParameters / responseElements.

import { randomBytes } from 'node:crypto';
import { stringField, intField, type CallContext, type JsonHandler, type QueryParams, type XmlHandler } from '../context.js';
import { emitChange } from '../changes.js';
import { AwsError } from '../errors.js';
import { regionOf, type PermissionModel, type VolumeModel } from '../model.js';
import { leaf } from '../xml.js';
import { volumeXml } from './ec2.js';
import { findTrail } from './cloudtrail.js';
import { instanceXml } from './rds.js';

const hex = (n: number) => randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);

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

const authorizeSecurityGroupIngress: XmlHandler = (ctx, params) => {
  const group = groupOf(ctx, params);
  const added = permissionsOf(params);
  group.IpPermissions.push(...added);
  const rules = added.flatMap((p) =>
    [...p.IpRanges.map((r) => ({ cidrIpv4: r.CidrIp })), ...p.Ipv6Ranges.map((r) => ({ cidrIpv6: r.CidrIpv6 }))].map((source) => ({
      groupOwnerId: group.OwnerId,
      groupId: group.GroupId,
      securityGroupRuleId: `sgr-${hex(17)}`,
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

export const CLOUDTRAIL_WRITE_HANDLERS: Record<string, JsonHandler> = {
  StartLogging: logging(true),
  StopLogging: logging(false),
  DeleteTrail: deleteTrail,
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

export const RDS_WRITE_HANDLERS: Record<string, XmlHandler> = {
  ModifyDBInstance: modifyDBInstance,
};

// EC2 (query protocol, XML in the 2016-11-15 namespace): regions, volumes, EBS default encryption,
// security groups, managed prefix lists and their entries, and network interfaces, with ids, filters and
// MaxResults/NextToken paging.

import { checkRange, paginate, type Filter, type QueryParams, type XmlHandler } from '../context.js';
import { AwsError } from '../errors.js';
import { regionOf, type NetworkInterfaceModel, type PermissionModel, type PrefixListModel, type SecurityGroupModel, type Tag, type VolumeModel } from '../model.js';
import { globMatch } from '../util.js';
import { el, leaf, list } from '../xml.js';

type Attribute<T> = (item: T, filter: string) => string[] | undefined;

function tagValues(tags: Tag[], filter: string): string[] | undefined {
  if (filter.startsWith('tag:')) return tags.filter((t) => t.Key === filter.slice(4)).map((t) => t.Value);
  if (filter === 'tag-key') return tags.map((t) => t.Key);
  if (filter === 'tag-value') return tags.map((t) => t.Value);
  return undefined;
}

function applyFilters<T>(items: readonly T[], filters: Filter[], attribute: Attribute<T>): T[] {
  if (filters.length === 0) return [...items];
  for (const f of filters) {
    if (items.length > 0 && attribute(items[0] as T, f.name) === undefined) {
      throw new AwsError('InvalidParameterValue', `The filter '${f.name}' is invalid`, 400);
    }
  }
  return items.filter((item) => filters.every((f) => (attribute(item, f.name) ?? []).some((v) => f.values.some((pattern) => globMatch(pattern, v)))));
}

function dryRun(params: QueryParams): void {
  if (params.bool('DryRun') === true) throw new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
}

/** Ids and MaxResults cannot be combined; every id must exist. */
function byIds<T>(items: readonly T[], ids: string[], id: (item: T) => string, notFound: (missing: string) => AwsError, maxResults: number | undefined, listName: string): T[] {
  if (ids.length === 0) return [...items];
  if (maxResults !== undefined) throw new AwsError('InvalidParameterCombination', `The parameter ${listName} cannot be used with the parameter maxResults`, 400);
  const index = new Map(items.map((item) => [id(item), item]));
  return ids.map((wanted) => {
    const found = index.get(wanted);
    if (found === undefined) throw notFound(wanted);
    return found;
  });
}

function tagSet(tags: Tag[]): string {
  return tags.length === 0 ? '' : list('tagSet', 'item', tags, (t) => leaf('key', t.Key) + leaf('value', t.Value));
}

const describeRegions: XmlHandler = (ctx, params) => {
  dryRun(params);
  const all = params.bool('AllRegions') === true;
  const names = params.list('RegionName');
  let regions = [...ctx.account.regionStatus].map(([name, optInStatus]) => ({ name, optInStatus })).sort((a, b) => a.name.localeCompare(b.name));
  if (!all) regions = regions.filter((r) => r.optInStatus !== 'not-opted-in');
  if (names.length > 0) {
    const known = new Set(regions.map((r) => r.name));
    const unknown = names.find((n) => !known.has(n));
    if (unknown !== undefined) throw new AwsError('InvalidParameterValue', `Invalid region: ${unknown}`, 400);
    regions = regions.filter((r) => names.includes(r.name));
  }
  regions = applyFilters(regions, params.filters('ec2'), (r, f) => {
    if (f === 'region-name') return [r.name];
    if (f === 'opt-in-status') return [r.optInStatus];
    if (f === 'endpoint') return [`ec2.${r.name}.amazonaws.com`];
    return undefined;
  });
  return list('regionInfo', 'item', regions, (r) => leaf('regionName', r.name) + leaf('regionEndpoint', `ec2.${r.name}.amazonaws.com`) + leaf('optInStatus', r.optInStatus));
};

export function volumeXml(v: VolumeModel): string {
  return (
    leaf('volumeId', v.VolumeId) +
    leaf('size', v.Size) +
    leaf('availabilityZone', v.AvailabilityZone) +
    leaf('status', v.State) +
    leaf('createTime', v.CreateTime) +
    list('attachmentSet', 'item', v.Attachments, (a) =>
      leaf('volumeId', a.VolumeId) + leaf('instanceId', a.InstanceId) + leaf('device', a.Device) + leaf('status', a.State) + leaf('attachTime', a.AttachTime) + leaf('deleteOnTermination', a.DeleteOnTermination),
    ) +
    tagSet(v.Tags) +
    leaf('volumeType', v.VolumeType) +
    leaf('iops', v.Iops) +
    leaf('encrypted', v.Encrypted) +
    leaf('kmsKeyId', v.KmsKeyId) +
    leaf('throughput', v.Throughput) +
    leaf('multiAttachEnabled', false)
  );
}

const volumeAttribute: Attribute<VolumeModel> = (v, f) => {
  switch (f) {
    case 'volume-id':
      return [v.VolumeId];
    case 'encrypted':
      return [String(v.Encrypted)];
    case 'status':
      return [v.State];
    case 'volume-type':
      return [v.VolumeType];
    case 'availability-zone':
      return [v.AvailabilityZone];
    case 'size':
      return [String(v.Size)];
    case 'attachment.instance-id':
      return v.Attachments.map((a) => a.InstanceId);
    case 'attachment.status':
      return v.Attachments.map((a) => a.State);
    default:
      return tagValues(v.Tags, f);
  }
};

const describeVolumes: XmlHandler = (ctx, params) => {
  dryRun(params);
  const maxResults = params.int('MaxResults');
  checkRange('ec2', 'maxResults', maxResults, 5, 500);
  const region = regionOf(ctx.account, ctx.region);
  const selected = byIds(region.volumes, params.list('VolumeId'), (v) => v.VolumeId, (id) => new AwsError('InvalidVolume.NotFound', `The volume '${id}' does not exist.`, 400), maxResults, 'volumeSet');
  const page = paginate(ctx, applyFilters(selected, params.filters('ec2'), volumeAttribute), params.get('NextToken'), maxResults);
  return list('volumeSet', 'item', page.items, volumeXml) + leaf('nextToken', page.next);
};

const getEbsEncryptionByDefault: XmlHandler = (ctx, params) => {
  dryRun(params);
  return leaf('ebsEncryptionByDefault', regionOf(ctx.account, ctx.region).ebsEncryptionByDefault) + leaf('sseType', 'sse-ebs');
};

function permissionXml(p: PermissionModel): string {
  return (
    leaf('ipProtocol', p.IpProtocol) +
    leaf('fromPort', p.FromPort) +
    leaf('toPort', p.ToPort) +
    list('groups', 'item', p.UserIdGroupPairs, (g) => leaf('userId', g.UserId) + leaf('groupId', g.GroupId)) +
    list('ipRanges', 'item', p.IpRanges, (r) => leaf('cidrIp', r.CidrIp) + leaf('description', r.Description)) +
    list('ipv6Ranges', 'item', p.Ipv6Ranges, (r) => leaf('cidrIpv6', r.CidrIpv6) + leaf('description', r.Description)) +
    list('prefixListIds', 'item', p.PrefixListIds, (r) => leaf('prefixListId', r.PrefixListId))
  );
}

function securityGroupXml(g: SecurityGroupModel): string {
  return (
    leaf('ownerId', g.OwnerId) +
    leaf('groupId', g.GroupId) +
    leaf('groupName', g.GroupName) +
    leaf('groupDescription', g.Description) +
    list('ipPermissions', 'item', g.IpPermissions, permissionXml) +
    list('ipPermissionsEgress', 'item', g.IpPermissionsEgress, permissionXml) +
    leaf('vpcId', g.VpcId) +
    leaf('securityGroupArn', g.SecurityGroupArn) +
    tagSet(g.Tags)
  );
}

const groupAttribute: Attribute<SecurityGroupModel> = (g, f) => {
  const rules = g.IpPermissions;
  switch (f) {
    case 'group-id':
      return [g.GroupId];
    case 'group-name':
      return [g.GroupName];
    case 'vpc-id':
      return [g.VpcId];
    case 'owner-id':
      return [g.OwnerId];
    case 'description':
      return [g.Description];
    case 'ip-permission.cidr':
      return rules.flatMap((r) => r.IpRanges.map((x) => x.CidrIp));
    case 'ip-permission.ipv6-cidr':
      return rules.flatMap((r) => r.Ipv6Ranges.map((x) => x.CidrIpv6));
    case 'ip-permission.from-port':
      return rules.map((r) => String(r.FromPort ?? ''));
    case 'ip-permission.to-port':
      return rules.map((r) => String(r.ToPort ?? ''));
    case 'ip-permission.protocol':
      return rules.map((r) => r.IpProtocol);
    case 'ip-permission.group-id':
      return rules.flatMap((r) => r.UserIdGroupPairs.map((x) => x.GroupId));
    default:
      return tagValues(g.Tags, f);
  }
};

const describeSecurityGroups: XmlHandler = (ctx, params) => {
  dryRun(params);
  const maxResults = params.int('MaxResults');
  checkRange('ec2', 'maxResults', maxResults, 5, 1000);
  const region = regionOf(ctx.account, ctx.region);
  let selected = byIds(region.securityGroups, params.list('GroupId'), (g) => g.GroupId, (id) => new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`, 400), maxResults, 'groupIds');
  const names = params.list('GroupName');
  if (names.length > 0) {
    selected = names.map((name) => {
      const found = selected.find((g) => g.GroupName === name);
      if (found === undefined) throw new AwsError('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${region.securityGroups[0]?.VpcId ?? 'vpc-none'}'`, 400);
      return found;
    });
  }
  const page = paginate(ctx, applyFilters(selected, params.filters('ec2'), groupAttribute), params.get('NextToken'), maxResults);
  return list('securityGroupInfo', 'item', page.items, securityGroupXml) + leaf('nextToken', page.next);
};

function prefixListXml(p: PrefixListModel): string {
  return (
    leaf('prefixListId', p.PrefixListId) +
    leaf('addressFamily', p.AddressFamily) +
    leaf('state', p.State) +
    leaf('prefixListArn', p.PrefixListArn) +
    leaf('prefixListName', p.PrefixListName) +
    leaf('maxEntries', p.MaxEntries) +
    leaf('version', p.Version) +
    tagSet(p.Tags) +
    leaf('ownerId', p.OwnerId)
  );
}

const prefixListAttribute: Attribute<PrefixListModel> = (p, f) => {
  switch (f) {
    case 'prefix-list-id':
      return [p.PrefixListId];
    case 'prefix-list-name':
      return [p.PrefixListName];
    case 'owner-id':
      return [p.OwnerId];
    default:
      return tagValues(p.Tags, f);
  }
};

function prefixListNotFound(id: string): AwsError {
  return new AwsError('InvalidPrefixListID.NotFound', `The prefix list ID '${id}' does not exist`, 400);
}

/** Lists the region's own prefix lists, those shared with it and the AWS-managed ones (MaxResults 1–100). */
const describeManagedPrefixLists: XmlHandler = (ctx, params) => {
  dryRun(params);
  const maxResults = params.int('MaxResults');
  checkRange('ec2', 'maxResults', maxResults, 1, 100);
  const region = regionOf(ctx.account, ctx.region);
  const selected = byIds(region.prefixLists, params.list('PrefixListId'), (p) => p.PrefixListId, prefixListNotFound, maxResults, 'prefixListIds');
  const page = paginate(ctx, applyFilters(selected, params.filters('ec2'), prefixListAttribute), params.get('NextToken'), maxResults);
  return list('prefixListSet', 'item', page.items, prefixListXml) + leaf('nextToken', page.next);
};

/** One prefix list's CIDRs (MaxResults 1–100); AWS-managed lists answer too. */
const getManagedPrefixListEntries: XmlHandler = (ctx, params) => {
  dryRun(params);
  const maxResults = params.int('MaxResults');
  checkRange('ec2', 'maxResults', maxResults, 1, 100);
  const id = params.get('PrefixListId');
  if (id === undefined || id === '') throw new AwsError('MissingParameter', "The request must contain the parameter PrefixListId", 400);
  const found = regionOf(ctx.account, ctx.region).prefixLists.find((p) => p.PrefixListId === id);
  if (found === undefined) throw prefixListNotFound(id);
  const page = paginate(ctx, found.Entries, params.get('NextToken'), maxResults);
  return list('entrySet', 'item', page.items, (e) => leaf('cidr', e.Cidr) + leaf('description', e.Description)) + leaf('nextToken', page.next);
};

function networkInterfaceXml(n: NetworkInterfaceModel): string {
  const association = n.Association === undefined ? '' : el('association', leaf('publicIp', n.Association.PublicIp) + leaf('publicDnsName', n.Association.PublicDnsName) + leaf('ipOwnerId', n.Association.IpOwnerId));
  const attachment =
    n.Attachment === undefined
      ? ''
      : el(
          'attachment',
          leaf('attachmentId', n.Attachment.AttachmentId) +
            leaf('instanceId', n.Attachment.InstanceId) +
            leaf('instanceOwnerId', n.Attachment.InstanceOwnerId) +
            leaf('deviceIndex', n.Attachment.DeviceIndex) +
            leaf('networkCardIndex', 0) +
            leaf('status', n.Attachment.Status) +
            leaf('attachTime', n.Attachment.AttachTime) +
            leaf('deleteOnTermination', n.Attachment.DeleteOnTermination),
        );
  return (
    leaf('networkInterfaceId', n.NetworkInterfaceId) +
    leaf('subnetId', n.SubnetId) +
    leaf('vpcId', n.VpcId) +
    leaf('availabilityZone', n.AvailabilityZone) +
    leaf('description', n.Description) +
    leaf('ownerId', n.OwnerId) +
    leaf('requesterManaged', n.RequesterManaged) +
    leaf('status', n.Status) +
    leaf('macAddress', n.MacAddress) +
    leaf('privateIpAddress', n.PrivateIpAddress) +
    leaf('privateDnsName', n.PrivateDnsName) +
    leaf('sourceDestCheck', true) +
    list('groupSet', 'item', n.Groups, (g) => leaf('groupId', g.GroupId) + leaf('groupName', g.GroupName)) +
    attachment +
    association +
    tagSet(n.Tags) +
    list('privateIpAddressesSet', 'item', [n], (x) => leaf('privateIpAddress', x.PrivateIpAddress) + leaf('privateDnsName', x.PrivateDnsName) + leaf('primary', true) + association) +
    list('ipv6AddressesSet', 'item', n.Ipv6Addresses, (a) => leaf('ipv6Address', a.Ipv6Address) + leaf('isPrimaryIpv6', false)) +
    leaf('interfaceType', n.InterfaceType)
  );
}

const interfaceAttribute: Attribute<NetworkInterfaceModel> = (n, f) => {
  switch (f) {
    case 'network-interface-id':
      return [n.NetworkInterfaceId];
    case 'group-id':
      return n.Groups.map((g) => g.GroupId);
    case 'group-name':
      return n.Groups.map((g) => g.GroupName);
    case 'vpc-id':
      return [n.VpcId];
    case 'subnet-id':
      return [n.SubnetId];
    case 'status':
      return [n.Status];
    case 'interface-type':
      return [n.InterfaceType];
    case 'availability-zone':
      return [n.AvailabilityZone];
    case 'private-ip-address':
    case 'addresses.private-ip-address':
      return [n.PrivateIpAddress];
    case 'association.public-ip':
      return n.Association === undefined ? [] : [n.Association.PublicIp];
    case 'attachment.instance-id':
      return n.Attachment?.InstanceId === undefined ? [] : [n.Attachment.InstanceId];
    case 'attachment.status':
      return n.Attachment === undefined ? [] : [n.Attachment.Status];
    case 'requester-managed':
      return [String(n.RequesterManaged)];
    case 'owner-id':
      return [n.OwnerId];
    default:
      return tagValues(n.Tags, f);
  }
};

const describeNetworkInterfaces: XmlHandler = (ctx, params) => {
  dryRun(params);
  const maxResults = params.int('MaxResults');
  checkRange('ec2', 'maxResults', maxResults, 5, 1000);
  const region = regionOf(ctx.account, ctx.region);
  const selected = byIds(
    region.networkInterfaces,
    params.list('NetworkInterfaceId'),
    (n) => n.NetworkInterfaceId,
    (id) => new AwsError('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`, 400),
    maxResults,
    'networkInterfaceIds',
  );
  const page = paginate(ctx, applyFilters(selected, params.filters('ec2'), interfaceAttribute), params.get('NextToken'), maxResults);
  return list('networkInterfaceSet', 'item', page.items, networkInterfaceXml) + leaf('nextToken', page.next);
};

export const EC2_HANDLERS: Record<string, XmlHandler> = {
  DescribeRegions: describeRegions,
  DescribeVolumes: describeVolumes,
  GetEbsEncryptionByDefault: getEbsEncryptionByDefault,
  DescribeSecurityGroups: describeSecurityGroups,
  DescribeManagedPrefixLists: describeManagedPrefixLists,
  GetManagedPrefixListEntries: getManagedPrefixListEntries,
  DescribeNetworkInterfaces: describeNetworkInterfaces,
};


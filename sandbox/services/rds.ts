// RDS (AWS Query, 2014-10-31): DescribeDBInstances and DescribeDBClusters with identifiers,
// filters and Marker/MaxRecords paging (MaxRecords 20 to 100, as RDS enforces).

import { checkRange, paginate, type CallContext, type Filter, type QueryParams, type XmlHandler } from '../context.js';
import { AwsError } from '../errors.js';
import { regionOf, type DbClusterModel, type DbInstanceModel, type Tag } from '../model.js';
import { el, leaf, list, scalarList } from '../xml.js';

function tagList(tags: Tag[]): string {
  return list('TagList', 'Tag', tags, (t) => leaf('Key', t.Key) + leaf('Value', t.Value));
}

function securityGroups(groups: Array<{ VpcSecurityGroupId: string; Status: string }>): string {
  return list('VpcSecurityGroups', 'VpcSecurityGroupMembership', groups, (g) => leaf('VpcSecurityGroupId', g.VpcSecurityGroupId) + leaf('Status', g.Status));
}

export function instanceXml(ctx: CallContext, d: DbInstanceModel): string {
  const endpoint = d.Endpoint === undefined ? '' : el('Endpoint', leaf('Address', d.Endpoint.Address) + leaf('Port', d.Endpoint.Port) + leaf('HostedZoneId', d.Endpoint.HostedZoneId));
  return (
    leaf('DBInstanceIdentifier', d.DBInstanceIdentifier) +
    leaf('DBInstanceClass', d.DBInstanceClass) +
    leaf('Engine', d.Engine) +
    leaf('DBInstanceStatus', d.DBInstanceStatus) +
    leaf('MasterUsername', d.MasterUsername) +
    endpoint +
    leaf('AllocatedStorage', d.AllocatedStorage) +
    leaf('InstanceCreateTime', d.InstanceCreateTime) +
    leaf('PreferredBackupWindow', '03:00-03:30') +
    leaf('BackupRetentionPeriod', d.BackupRetentionPeriod) +
    el('DBSecurityGroups') +
    securityGroups(d.VpcSecurityGroups) +
    leaf('AvailabilityZone', d.AvailabilityZone) +
    el(
      'DBSubnetGroup',
      leaf('DBSubnetGroupName', 'default') + leaf('DBSubnetGroupDescription', 'default') + leaf('VpcId', d.VpcId) + leaf('SubnetGroupStatus', 'Complete'),
    ) +
    leaf('PreferredMaintenanceWindow', 'sun:05:00-sun:05:30') +
    leaf('MultiAZ', d.MultiAZ) +
    leaf('EngineVersion', d.EngineVersion) +
    leaf('AutoMinorVersionUpgrade', true) +
    leaf('LicenseModel', d.Engine.includes('mysql') || d.Engine === 'mariadb' ? 'general-public-license' : 'postgresql-license') +
    leaf('PubliclyAccessible', d.PubliclyAccessible) +
    leaf('StorageType', d.StorageType) +
    leaf('DbInstancePort', d.DbInstancePort) +
    leaf('DBClusterIdentifier', d.DBClusterIdentifier) +
    leaf('StorageEncrypted', d.StorageEncrypted) +
    leaf('KmsKeyId', d.KmsKeyId) +
    leaf('DbiResourceId', d.DbiResourceId) +
    leaf('CACertificateIdentifier', 'rds-ca-rsa2048-g1') +
    leaf('CopyTagsToSnapshot', true) +
    leaf('PromotionTier', d.PromotionTier) +
    leaf('DBInstanceArn', d.DBInstanceArn) +
    leaf('IAMDatabaseAuthenticationEnabled', false) +
    leaf('PerformanceInsightsEnabled', false) +
    leaf('DeletionProtection', false) +
    tagList(d.TagList) +
    leaf('NetworkType', 'IPV4') +
    leaf('BackupTarget', 'region') +
    el('CertificateDetails', leaf('CAIdentifier', 'rds-ca-rsa2048-g1'), leaf('ValidTill', new Date(ctx.now.getTime() + 300 * 86_400_000))) +
    leaf('DedicatedLogVolume', false)
  );
}

function clusterXml(c: DbClusterModel): string {
  return (
    leaf('AllocatedStorage', 1) +
    scalarList('AvailabilityZones', 'AvailabilityZone', c.AvailabilityZones) +
    leaf('BackupRetentionPeriod', 7) +
    leaf('DBClusterIdentifier', c.DBClusterIdentifier) +
    leaf('DBClusterParameterGroup', `default.${c.Engine}`) +
    leaf('DBSubnetGroup', 'default') +
    leaf('Status', c.Status) +
    leaf('Endpoint', c.Endpoint) +
    leaf('ReaderEndpoint', c.ReaderEndpoint) +
    leaf('MultiAZ', c.MultiAZ) +
    leaf('Engine', c.Engine) +
    leaf('EngineVersion', c.EngineVersion) +
    leaf('Port', c.Port) +
    leaf('MasterUsername', 'dbadmin') +
    leaf('PreferredBackupWindow', '03:00-03:30') +
    leaf('PreferredMaintenanceWindow', 'sun:05:00-sun:05:30') +
    el('ReadReplicaIdentifiers') +
    list('DBClusterMembers', 'DBClusterMember', c.DBClusterMembers, (m) =>
      leaf('DBInstanceIdentifier', m.DBInstanceIdentifier) + leaf('IsClusterWriter', m.IsClusterWriter) + leaf('DBClusterParameterGroupStatus', 'in-sync') + leaf('PromotionTier', m.PromotionTier),
    ) +
    securityGroups(c.VpcSecurityGroups) +
    leaf('HostedZoneId', c.HostedZoneId) +
    leaf('StorageEncrypted', c.StorageEncrypted) +
    leaf('KmsKeyId', c.KmsKeyId) +
    leaf('DbClusterResourceId', c.DbClusterResourceId) +
    leaf('DBClusterArn', c.DBClusterArn) +
    el('AssociatedRoles') +
    leaf('IAMDatabaseAuthenticationEnabled', false) +
    leaf('ClusterCreateTime', c.ClusterCreateTime) +
    leaf('EngineMode', c.EngineMode) +
    leaf('DeletionProtection', false) +
    leaf('HttpEndpointEnabled', false) +
    leaf('CopyTagsToSnapshot', true) +
    leaf('CrossAccountClone', false) +
    el('DomainMemberships') +
    tagList(c.TagList) +
    leaf('NetworkType', 'IPV4')
  );
}

function filtered<T>(items: readonly T[], filters: Filter[], attribute: (item: T, name: string) => string[] | undefined): T[] {
  for (const f of filters) {
    if (items.length > 0 && attribute(items[0] as T, f.name) === undefined) throw new AwsError('InvalidParameterValue', `Unrecognized filter name: ${f.name}`, 400);
  }
  return items.filter((item) => filters.every((f) => (attribute(item, f.name) ?? []).some((v) => f.values.includes(v))));
}

function marker(params: QueryParams): { size: number; token: string | undefined } {
  const maxRecords = params.int('MaxRecords');
  checkRange('rds', 'MaxRecords', maxRecords, 20, 100);
  return { size: maxRecords ?? 100, token: params.get('Marker') };
}

/** An identifier parameter accepts the name or the ARN. */
function identifier(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const arn = /^arn:aws[a-z-]*:rds:[^:]+:\d{12}:(?:db|cluster):(.+)$/.exec(value);
  return arn === null ? value : arn[1];
}

const describeDBInstances: XmlHandler = (ctx, params) => {
  const region = regionOf(ctx.account, ctx.region);
  const { size, token } = marker(params);
  let items = region.dbInstances;
  const id = identifier(params.get('DBInstanceIdentifier'));
  if (id !== undefined) {
    items = items.filter((d) => d.DBInstanceIdentifier === id);
    if (items.length === 0) throw new AwsError('DBInstanceNotFound', `DBInstance ${id} not found.`, 404);
  }
  items = filtered(items, params.filters('rds'), (d, name) => {
    switch (name) {
      case 'db-instance-id':
        return [d.DBInstanceIdentifier, d.DBInstanceArn];
      case 'db-cluster-id':
        return d.DBClusterIdentifier === undefined ? [] : [d.DBClusterIdentifier, `arn:aws:rds:${ctx.region}:${ctx.account.id}:cluster:${d.DBClusterIdentifier}`];
      case 'dbi-resource-id':
        return [d.DbiResourceId];
      case 'engine':
        return [d.Engine];
      default:
        return undefined;
    }
  });
  const page = paginate(ctx, items, token, size);
  return list('DBInstances', 'DBInstance', page.items, (d) => instanceXml(ctx, d)) + leaf('Marker', page.next);
};

const describeDBClusters: XmlHandler = (ctx, params) => {
  const region = regionOf(ctx.account, ctx.region);
  const { size, token } = marker(params);
  let items = region.dbClusters;
  const id = identifier(params.get('DBClusterIdentifier'));
  if (id !== undefined) {
    items = items.filter((c) => c.DBClusterIdentifier === id);
    if (items.length === 0) throw new AwsError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
  }
  items = filtered(items, params.filters('rds'), (c, name) => {
    switch (name) {
      case 'db-cluster-id':
        return [c.DBClusterIdentifier, c.DBClusterArn];
      case 'engine':
        return [c.Engine];
      case 'db-cluster-resource-id':
        return [c.DbClusterResourceId];
      default:
        return undefined;
    }
  });
  const page = paginate(ctx, items, token, size);
  return list('DBClusters', 'DBCluster', page.items, clusterXml) + leaf('Marker', page.next);
};

export const RDS_HANDLERS: Record<string, XmlHandler> = {
  DescribeDBInstances: describeDBInstances,
  DescribeDBClusters: describeDBClusters,
};

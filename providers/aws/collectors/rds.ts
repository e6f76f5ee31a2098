import { DBClusterMessage$, DBInstanceMessage$, paginateDescribeDBClusters, paginateDescribeDBInstances, type RDSClient } from '@aws-sdk/client-rds';
import { rdsClusters, rdsInstances } from '../datasets.js';
import type { DbClusterRecord, DbInstanceRecord } from '../datasets.js';
import type { LeanList } from '../lean-xml.js';
import { guardPages } from '../../../core/limits.js';
import { chunks, fetcher, pick } from './fetcher.js';

const INSTANCE_FIELDS = [
  'DBInstanceIdentifier',
  'DBInstanceArn',
  'DBInstanceStatus',
  'DBClusterIdentifier',
  'Engine',
  'StorageEncrypted',
  'KmsKeyId',
  'PubliclyAccessible',
  'Endpoint',
  'DbInstancePort',
  'VpcSecurityGroups',
  'TagList',
] as const;
const CLUSTER_FIELDS = ['DBClusterIdentifier', 'DBClusterArn', 'Status', 'Engine', 'EngineMode', 'StorageEncrypted', 'KmsKeyId', 'TagList'] as const;

/** The big lists, read lean (lean-xml.ts): only these fields of each item are built. */
export const RDS_LEAN_LISTS: readonly LeanList[] = [
  { output: DBInstanceMessage$, list: 'DBInstances', fields: INSTANCE_FIELDS },
  { output: DBClusterMessage$, list: 'DBClusters', fields: CLUSTER_FIELDS },
];

async function readInstances(client: RDSClient, input: { Filters?: Array<{ Name: string; Values: string[] }> }): Promise<DbInstanceRecord[]> {
  const items: DbInstanceRecord[] = [];
  for await (const page of guardPages('rds:DescribeDBInstances', paginateDescribeDBInstances({ client, pageSize: 100 }, input), (p) => p.Marker)) {
    for (const instance of page.DBInstances ?? []) items.push(pick(instance, INSTANCE_FIELDS));
  }
  return items;
}

export const rdsFetchers = [
  fetcher(
    rdsInstances,
    async ({ clients, region }) => readInstances(clients.rds(region), {}),
    // A filter, not DBInstanceIdentifier: an instance that is gone is absent, not a DBInstanceNotFound error.
    { 'rds:db-instance': async ({ clients, region }, ids) => (await Promise.all(chunks(ids).map((part) => readInstances(clients.rds(region), { Filters: [{ Name: 'db-instance-id', Values: part }] })))).flat() },
  ),

  fetcher(rdsClusters, async ({ clients, region }) => {
    const items: DbClusterRecord[] = [];
    for await (const page of guardPages('rds:DescribeDBClusters', paginateDescribeDBClusters({ client: clients.rds(region), pageSize: 100 }, {}), (p) => p.Marker)) {
      for (const cluster of page.DBClusters ?? []) items.push(pick(cluster, CLUSTER_FIELDS));
    }
    return items;
  }),
];

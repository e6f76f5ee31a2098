// Naming RDS resources the same way in every RDS check. DescribeDBInstances and DescribeDBClusters also
// return Neptune and DocumentDB resources (same API, engine `neptune` / `docdb`), so the type says which.

import type { ResourceRef } from '../../../core/model.js';
import type { DbClusterRecord, DbInstanceRecord } from '../../../providers/aws/datasets.js';
import { awsResource } from './resources.js';

function service(engine: string | undefined): string {
  const name = (engine ?? '').toLowerCase();
  if (name.startsWith('neptune')) return 'Neptune';
  if (name.startsWith('docdb')) return 'DocDB';
  return 'RDS';
}

export function rdsInstanceResource(instance: DbInstanceRecord, region: string, account: string): ResourceRef {
  const id = instance.DBInstanceIdentifier ?? '(unknown DB instance)';
  const uid = instance.DBInstanceArn ?? `arn:aws:rds:${region}:${account}:db:${id}`;
  return awsResource(uid, id, `AWS::${service(instance.Engine)}::DBInstance`, instance.TagList);
}

export function rdsClusterResource(cluster: DbClusterRecord, region: string, account: string): ResourceRef {
  const id = cluster.DBClusterIdentifier ?? '(unknown DB cluster)';
  const uid = cluster.DBClusterArn ?? `arn:aws:rds:${region}:${account}:cluster:${id}`;
  return awsResource(uid, id, `AWS::${service(cluster.Engine)}::DBCluster`, cluster.TagList);
}

// Naming RDS resources the same way in every RDS check. DescribeDBInstances and DescribeDBClusters also
// return Neptune and DocumentDB resources (same API, engine `neptune` / `docdb`), so the type says which.

import { idsAt, type CloudTrailChange } from '../../../core/change-events.js';
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

const INSTANCE_IDS = idsAt(
  'responseElements.dBInstanceIdentifier',
  'requestParameters.dBInstanceIdentifier',
  'requestParameters.newDBInstanceIdentifier',
  'requestParameters.targetDBInstanceIdentifier',
);

/**
 * DB instance API calls that can change how an instance is judged, and where its identifier is: a
 * renamed instance (ModifyDBInstance newDBInstanceIdentifier) is re-read under both names.
 */
export const RDS_INSTANCE_CHANGES: CloudTrailChange = {
  source: 'rds.amazonaws.com',
  names: ['CreateDBInstance', 'ModifyDBInstance', 'RestoreDBInstanceFromDBSnapshot', 'RestoreDBInstanceToPointInTime', 'RestoreDBInstanceFromS3', 'CreateDBInstanceReadReplica', 'DeleteDBInstance'],
  // RDS keeps identifiers in lower case, whatever case the request used.
  resourceIds: (detail) => [...new Set(INSTANCE_IDS(detail).map((id) => id.toLowerCase()))],
};

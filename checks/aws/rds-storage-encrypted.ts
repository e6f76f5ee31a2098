import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import { rdsClusters, rdsInstances } from '../../providers/aws/datasets.js';
import { rdsClusterResource, rdsInstanceResource } from './support/rds.js';
import { RDS_INSTANCE_CHANGES } from './support/rds.js';

export default defineControl({
  id: 'aws-rds-storage-encrypted',
  provider: 'aws',
  area: 'volumes',
  title: 'RDS storage is encrypted at rest',
  severity: 'high',
  hipaa: ['164.312(a)(2)(iv)'],
  scope: 'region',
  changeEvents: {
    cloudTrail: {
      resourceKind: 'rds:db-instance',
      events: [
        RDS_INSTANCE_CHANGES,
        // Cluster members are judged through their cluster: a cluster change re-reads the region.
        { source: 'rds.amazonaws.com', names: ['CreateDBCluster', 'RestoreDBClusterFromSnapshot', 'RestoreDBClusterToPointInTime', 'RestoreDBClusterFromS3', 'DeleteDBCluster'] },
      ],
    },
  },
  description:
    'Every RDS DB instance and DB cluster (Aurora, Multi-AZ clusters, and the Neptune and DocumentDB clusters the same API returns) must encrypt its storage, which also encrypts its automated backups, snapshots and read replicas. For cluster members, storage is a property of the cluster, so the cluster is judged.',
  remediation: {
    text: 'Encryption cannot be turned on for an existing DB instance or cluster: take a snapshot, copy it with encryption enabled (a KMS key you control), restore a new instance or cluster from the encrypted copy, and cut over. Create new databases with storage encryption enabled.',
    url: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html',
  },
  reads: { instances: rdsInstances, clusters: rdsClusters },
  evaluate({ instances, clusters }, _context, ctx): Judgement[] {
    const results: Judgement[] = [];
    const clusterIds = new Set<string>();
    for (const cluster of clusters.items) if (cluster.DBClusterIdentifier !== undefined) clusterIds.add(cluster.DBClusterIdentifier.toLowerCase());
    const membersOf = new Map<string, string[]>();
    for (const instance of instances.items) {
      const clusterId = instance.DBClusterIdentifier?.toLowerCase();
      if (clusterId === undefined || instance.DBInstanceIdentifier === undefined) continue;
      const members = membersOf.get(clusterId);
      if (members === undefined) membersOf.set(clusterId, [instance.DBInstanceIdentifier]);
      else members.push(instance.DBInstanceIdentifier);
    }

    for (const cluster of clusters.items) {
      const resource = rdsClusterResource(cluster, ctx.region, ctx.account);
      const id = resource.id;
      const members = membersOf.get(id.toLowerCase()) ?? [];
      const what = `DB cluster ${id} (${cluster.Engine ?? 'engine unknown'}${members.length > 0 ? `; instances ${members.join(', ')}` : ''})`;
      const evidence = [
        evidenceFrom(clusters, { DBClusterIdentifier: cluster.DBClusterIdentifier, Engine: cluster.Engine, StorageEncrypted: cluster.StorageEncrypted, KmsKeyId: cluster.KmsKeyId }),
      ];
      if (cluster.StorageEncrypted === true) {
        results.push({ resource, status: 'PASS', message: `${what} has encrypted storage (${cluster.KmsKeyId ?? 'KMS key not reported'}).`, evidence });
      } else {
        const why = cluster.StorageEncrypted === false ? 'StorageEncrypted is false' : 'StorageEncrypted is absent from the response, so encryption cannot be shown';
        results.push({ resource, status: 'FAIL', message: `${what} does not have encrypted storage: ${why}.`, evidence });
      }
    }

    for (const instance of instances.items) {
      const clusterId = instance.DBClusterIdentifier;
      // Storage of a cluster member is the cluster's: judged once, above, when the cluster was listed.
      if (clusterId !== undefined && clusterIds.has(clusterId.toLowerCase())) continue;
      const resource = rdsInstanceResource(instance, ctx.region, ctx.account);
      const id = resource.id;
      const orphan = clusterId === undefined ? '' : ` (member of DB cluster ${clusterId}, which DescribeDBClusters did not return, so the instance is judged itself)`;
      const what = `DB instance ${id} (${instance.Engine ?? 'engine unknown'})${orphan}`;
      const evidence = [
        evidenceFrom(instances, {
          DBInstanceIdentifier: instance.DBInstanceIdentifier,
          DBClusterIdentifier: instance.DBClusterIdentifier,
          Engine: instance.Engine,
          StorageEncrypted: instance.StorageEncrypted,
          KmsKeyId: instance.KmsKeyId,
        }),
      ];
      if (instance.StorageEncrypted === true) {
        results.push({ resource, status: 'PASS', message: `${what} has encrypted storage (${instance.KmsKeyId ?? 'KMS key not reported'}).`, evidence });
      } else {
        const why = instance.StorageEncrypted === false ? 'StorageEncrypted is false' : 'StorageEncrypted is absent from the response, so encryption cannot be shown';
        results.push({ resource, status: 'FAIL', message: `${what} does not have encrypted storage: ${why}.`, evidence });
      }
    }
    return results;
  },
});

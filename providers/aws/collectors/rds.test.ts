import { describe, expect, it } from 'vitest';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { rdsClusters, rdsInstances } from '../datasets.js';
import { awsError, mockIdentity, openSession } from '../../../test/support/aws.js';

describe('RDS collectors', () => {
  it('follows Marker across pages of DB instances and clusters', async () => {
    mockIdentity();
    const rds = mockClient(RDSClient);
    rds.on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [{ DBInstanceIdentifier: 'db-1', PubliclyAccessible: true, AllocatedStorage: 20 }], Marker: 'm1' })
      .resolvesOnce({ DBInstances: [{ DBInstanceIdentifier: 'db-2', PubliclyAccessible: false }] });
    rds.on(DescribeDBClustersCommand)
      .resolvesOnce({ DBClusters: [{ DBClusterIdentifier: 'c-1', StorageEncrypted: true }], Marker: 'm1' })
      .resolvesOnce({ DBClusters: [{ DBClusterIdentifier: 'c-2', StorageEncrypted: false }] });
    const session = await openSession();
    expect(await session.collect(rdsInstances, 'eu-west-1')).toEqual([
      { DBInstanceIdentifier: 'db-1', PubliclyAccessible: true },
      { DBInstanceIdentifier: 'db-2', PubliclyAccessible: false },
    ]);
    expect(await session.collect(rdsClusters, 'eu-west-1')).toEqual([
      { DBClusterIdentifier: 'c-1', StorageEncrypted: true },
      { DBClusterIdentifier: 'c-2', StorageEncrypted: false },
    ]);
    expect(rds.commandCalls(DescribeDBInstancesCommand)).toHaveLength(2);
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0]?.args[0].input.MaxRecords).toBe(100);
  });

  it('returns an empty list for a region without databases', async () => {
    mockIdentity();
    mockClient(RDSClient).on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    const session = await openSession();
    expect(await session.collect(rdsInstances, 'eu-west-1')).toEqual([]);
  });

  it('lets AccessDenied through to the engine, classified', async () => {
    mockIdentity();
    mockClient(RDSClient).on(DescribeDBInstancesCommand).rejects(awsError('AccessDenied', 'User is not authorized to perform: rds:DescribeDBInstances', 403));
    const session = await openSession();
    const error = await session.collect(rdsInstances, 'eu-west-1').catch((e: unknown) => e);
    expect(session.describeFailure(error, 'rds:DescribeDBInstances')).toEqual({
      api: 'rds:DescribeDBInstances',
      code: 'AccessDenied',
      reason: 'User is not authorized to perform: rds:DescribeDBInstances',
    });
  });
});

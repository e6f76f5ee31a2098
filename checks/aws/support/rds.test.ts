import { describe, expect, it } from 'vitest';
import { rdsClusterResource, rdsInstanceResource } from './rds.js';

describe('RDS resource naming', () => {
  it('uses the ARN the API returns and the tags', () => {
    expect(rdsInstanceResource({ DBInstanceIdentifier: 'db1', DBInstanceArn: 'arn:aws:rds:eu-west-1:111122223333:db:db1', Engine: 'postgres', TagList: [{ Key: 'Name', Value: 'ehr' }] }, 'eu-west-1', '111122223333')).toEqual({
      id: 'db1',
      uid: 'arn:aws:rds:eu-west-1:111122223333:db:db1',
      type: 'AWS::RDS::DBInstance',
      name: 'ehr',
      tags: { Name: 'ehr' },
    });
  });

  it('builds the ARN when the API left it out', () => {
    expect(rdsInstanceResource({ DBInstanceIdentifier: 'db1' }, 'us-east-1', '111122223333').uid).toBe('arn:aws:rds:us-east-1:111122223333:db:db1');
    expect(rdsClusterResource({ DBClusterIdentifier: 'c1' }, 'us-east-1', '111122223333').uid).toBe('arn:aws:rds:us-east-1:111122223333:cluster:c1');
  });

  it('types Neptune and DocumentDB resources by engine', () => {
    expect(rdsClusterResource({ DBClusterIdentifier: 'g', Engine: 'neptune' }, 'us-east-1', '1').type).toBe('AWS::Neptune::DBCluster');
    expect(rdsClusterResource({ DBClusterIdentifier: 'd', Engine: 'docdb' }, 'us-east-1', '1').type).toBe('AWS::DocDB::DBCluster');
    expect(rdsClusterResource({ DBClusterIdentifier: 'a', Engine: 'aurora-postgresql' }, 'us-east-1', '1').type).toBe('AWS::RDS::DBCluster');
    expect(rdsInstanceResource({ DBInstanceIdentifier: 'd1', Engine: 'docdb' }, 'us-east-1', '1').type).toBe('AWS::DocDB::DBInstance');
  });
});

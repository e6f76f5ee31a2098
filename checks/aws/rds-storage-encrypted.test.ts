import { describe, expect, it } from 'vitest';
import control from './rds-storage-encrypted.js';
import { ACCOUNT, collected, judge, statuses } from '../../test/support/checks.js';
import type { DbClusterRecord, DbInstanceRecord } from '../../providers/aws/datasets.js';
import { affectedBy } from '../../core/change-events.js';
import { trailDetail } from '../../test/support/change-events.js';

const data = (instances: DbInstanceRecord[], clusters: DbClusterRecord[] = []) => ({
  instances: collected('rds:DescribeDBInstances', instances, 'eu-west-1'),
  clusters: collected('rds:DescribeDBClusters', clusters, 'eu-west-1'),
});

describe('aws-rds-storage-encrypted', () => {
  it('has the metadata the product table gives it', () => {
    expect(control).toMatchObject({ id: 'aws-rds-storage-encrypted', area: 'volumes', severity: 'high', scope: 'region', hipaa: ['164.312(a)(2)(iv)'] });
  });

  it('passes an encrypted instance and fails an unencrypted one, with the API ARN, tags and evidence', () => {
    const results = judge(
      control,
      data([
        { DBInstanceIdentifier: 'enc', DBInstanceArn: 'arn:aws:rds:eu-west-1:111122223333:db:enc', Engine: 'postgres', StorageEncrypted: true, KmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/k' },
        { DBInstanceIdentifier: 'plain', DBInstanceArn: 'arn:aws:rds:eu-west-1:111122223333:db:plain', Engine: 'mysql', StorageEncrypted: false, TagList: [{ Key: 'app', Value: 'ehr' }] },
      ]),
      { region: 'eu-west-1' },
    );
    expect(statuses(results)).toEqual({ enc: 'PASS', plain: 'FAIL' });
    const failed = results.find((r) => r.resource.id === 'plain');
    expect(failed?.message).toContain('plain');
    expect(failed?.message).toContain('mysql');
    expect(failed?.message).toContain('StorageEncrypted is false');
    expect(failed?.resource).toMatchObject({ uid: 'arn:aws:rds:eu-west-1:111122223333:db:plain', type: 'AWS::RDS::DBInstance', tags: { app: 'ehr' } });
    expect(failed?.evidence).toEqual([
      {
        api: 'rds:DescribeDBInstances',
        region: 'eu-west-1',
        readAt: expect.any(String),
        fields: { DBInstanceIdentifier: 'plain', DBClusterIdentifier: undefined, Engine: 'mysql', StorageEncrypted: false, KmsKeyId: undefined },
      },
    ]);
  });

  it('fails when StorageEncrypted is absent', () => {
    const [result] = judge(control, data([{ DBInstanceIdentifier: 'x' }]));
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('absent');
  });

  it('judges Aurora members through their cluster only, once, naming the member instances', () => {
    const results = judge(
      control,
      data(
        [
          { DBInstanceIdentifier: 'aurora-1', DBClusterIdentifier: 'aurora', Engine: 'aurora-postgresql', StorageEncrypted: false },
          { DBInstanceIdentifier: 'aurora-2', DBClusterIdentifier: 'aurora', Engine: 'aurora-postgresql', StorageEncrypted: false },
        ],
        [{ DBClusterIdentifier: 'aurora', DBClusterArn: 'arn:aws:rds:eu-west-1:111122223333:cluster:aurora', Engine: 'aurora-postgresql', StorageEncrypted: false }],
      ),
    );
    expect(statuses(results)).toEqual({ aurora: 'FAIL' });
    expect(results).toHaveLength(1);
    expect(results[0]?.resource).toMatchObject({ uid: 'arn:aws:rds:eu-west-1:111122223333:cluster:aurora', type: 'AWS::RDS::DBCluster' });
    expect(results[0]?.message).toContain('aurora-1, aurora-2');
    expect(results[0]?.evidence[0]?.api).toBe('rds:DescribeDBClusters');
  });

  it('passes an encrypted cluster whose member instances are not judged separately', () => {
    const results = judge(
      control,
      data([{ DBInstanceIdentifier: 'm1', DBClusterIdentifier: 'Enc-Cluster', StorageEncrypted: true }], [{ DBClusterIdentifier: 'enc-cluster', StorageEncrypted: true, KmsKeyId: 'k' }]),
    );
    expect(statuses(results)).toEqual({ 'enc-cluster': 'PASS' });
  });

  it('judges a cluster member itself when its cluster is not in the cluster list', () => {
    const results = judge(control, data([{ DBInstanceIdentifier: 'lost', DBClusterIdentifier: 'gone', StorageEncrypted: false }], []));
    expect(statuses(results)).toEqual({ lost: 'FAIL' });
    expect(results[0]?.message).toContain('DescribeDBClusters did not return');
    expect(results[0]?.message).toContain('gone');
  });

  it('judges Neptune and DocumentDB clusters too, typed by engine', () => {
    const results = judge(
      control,
      data(
        [],
        [
          { DBClusterIdentifier: 'graph', Engine: 'neptune', StorageEncrypted: false },
          { DBClusterIdentifier: 'docs', Engine: 'docdb', StorageEncrypted: true },
        ],
      ),
      { region: 'eu-west-1' },
    );
    expect(statuses(results)).toEqual({ graph: 'FAIL', docs: 'PASS' });
    expect(results.find((r) => r.resource.id === 'graph')?.resource).toMatchObject({ type: 'AWS::Neptune::DBCluster', uid: `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:graph` });
    expect(results.find((r) => r.resource.id === 'graph')?.message).toContain('neptune');
  });

  it('falls back to a built ARN for instances', () => {
    const [result] = judge(control, data([{ DBInstanceIdentifier: 'noarn', StorageEncrypted: true }]), { region: 'eu-west-1' });
    expect(result?.resource.uid).toBe(`arn:aws:rds:eu-west-1:${ACCOUNT}:db:noarn`);
  });

  it('yields nothing for a region without databases', () => {
    expect(judge(control, data([], []))).toEqual([]);
  });
});

describe('aws-rds-storage-encrypted change events', () => {
  it('re-reads a created instance, and the whole region for cluster changes (members are judged through their cluster)', () => {
    expect(affectedBy(control, trailDetail('rds.amazonaws.com', 'CreateDBInstance', { dBInstanceIdentifier: 'ehr' }))).toEqual({ resourceKind: 'rds:db-instance', resourceIds: ['ehr'] });
    expect(affectedBy(control, trailDetail('rds.amazonaws.com', 'CreateDBCluster', { dBClusterIdentifier: 'aurora' }))).toEqual({});
  });
});

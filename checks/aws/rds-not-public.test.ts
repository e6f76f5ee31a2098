import { describe, expect, it } from 'vitest';
import control from './rds-not-public.js';
import { collected, judge, statuses } from '../../test/support/checks.js';
import type { DbInstanceRecord, SecurityGroupRecord } from '../../providers/aws/datasets.js';
import { affectedBy } from '../../core/change-events.js';
import { trailDetail } from '../../test/support/change-events.js';

const instances = (items: DbInstanceRecord[]) => ({ instances: collected('rds:DescribeDBInstances', items, 'eu-west-1') });
const groups = (items: SecurityGroupRecord[]) => ({ securityGroups: collected('ec2:DescribeSecurityGroups', items, 'eu-west-1') });

const publicDb = (extra: Partial<DbInstanceRecord> = {}): DbInstanceRecord => ({
  DBInstanceIdentifier: 'db1',
  DBInstanceArn: 'arn:aws:rds:eu-west-1:111122223333:db:db1',
  Engine: 'postgres',
  PubliclyAccessible: true,
  Endpoint: { Address: 'db1.abc.eu-west-1.rds.amazonaws.com', Port: 5432 },
  DbInstancePort: 0,
  VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-db', Status: 'active' }],
  ...extra,
});

const openOn = (port: number, cidrs: { v4?: string[]; v6?: string[] } = { v4: ['0.0.0.0/0'] }): SecurityGroupRecord => ({
  GroupId: 'sg-db',
  GroupName: 'db',
  IpPermissions: [
    {
      IpProtocol: 'tcp',
      FromPort: port,
      ToPort: port,
      IpRanges: (cidrs.v4 ?? []).map((CidrIp) => ({ CidrIp })),
      Ipv6Ranges: (cidrs.v6 ?? []).map((CidrIpv6) => ({ CidrIpv6 })),
    },
  ],
});

describe('aws-rds-not-public', () => {
  it('has the metadata the product table gives it', () => {
    expect(control).toMatchObject({ id: 'aws-rds-not-public', area: 'databases', severity: 'high', scope: 'region', hipaa: ['164.312(a)(1)'] });
    expect(Object.keys(control.context)).toEqual(['securityGroups', 'prefixLists']);
  });

  it('passes a private instance', () => {
    const [result] = judge(control, instances([publicDb({ PubliclyAccessible: false })]), { context: groups([openOn(5432)]) });
    expect(result?.status).toBe('PASS');
    expect(result?.message).toContain('not publicly accessible');
    expect(result?.evidence[0]?.fields).toMatchObject({ PubliclyAccessible: false });
  });

  it('fails a public instance at high when its groups do not admit the internet on the DB port', () => {
    const [result] = judge(control, instances([publicDb()]), { context: groups([openOn(5432, { v4: ['10.0.0.0/8'] })]) });
    expect(result?.status).toBe('FAIL');
    expect(result?.severity).toBeUndefined();
    expect(result?.message).toContain('db1');
    expect(result?.message).toContain('PubliclyAccessible true');
    expect(result?.message).toContain('do not admit the whole internet on port 5432');
    expect(result?.evidence).toHaveLength(1);
  });

  it('raises to critical when a group admits 0.0.0.0/0 on the DB port, quoting the rule with a second evidence entry', () => {
    const [result] = judge(control, instances([publicDb()]), { context: groups([openOn(5432)]) });
    expect(result?.status).toBe('FAIL');
    expect(result?.severity).toBe('critical');
    expect(result?.message).toContain('sg-db admits the whole IPv4 internet on port 5432');
    expect(result?.message).toContain('tcp port 5432 from 0.0.0.0/0');
    expect(result?.evidence).toHaveLength(2);
    expect(result?.evidence[1]).toMatchObject({
      api: 'ec2:DescribeSecurityGroups',
      fields: { GroupId: 'sg-db', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432 }] },
    });
  });

  it('raises to critical on IPv6 ::/0 too', () => {
    const [result] = judge(control, instances([publicDb()]), { context: groups([openOn(5432, { v6: ['::/0'] })]) });
    expect(result?.severity).toBe('critical');
    expect(result?.message).toContain('IPv6');
  });

  it('does not raise when the open rule is on another port', () => {
    const [result] = judge(control, instances([publicDb()]), { context: groups([openOn(3306)]) });
    expect(result?.severity).toBeUndefined();
  });

  it('uses DbInstancePort when the endpoint is not there yet, and treats 0 as not reported', () => {
    const creating = publicDb({ Endpoint: undefined, DbInstancePort: 5432 });
    expect(judge(control, instances([creating]), { context: groups([openOn(5432)]) })[0]?.severity).toBe('critical');

    const unknownPort = publicDb({ Endpoint: undefined, DbInstancePort: 0 });
    const [specific] = judge(control, instances([unknownPort]), { context: groups([openOn(5432)]) });
    expect(specific?.severity).toBeUndefined();
    expect(specific?.message).toContain('unknown port');

    const allTraffic: SecurityGroupRecord = { GroupId: 'sg-db', IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] };
    const [all] = judge(control, instances([unknownPort]), { context: groups([allTraffic]) });
    expect(all?.severity).toBe('critical');
    expect(all?.message).toContain('all traffic');
  });

  it('ignores security group memberships that are not active', () => {
    const db = publicDb({ VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-db', Status: 'removing' }] });
    const [result] = judge(control, instances([db]), { context: groups([openOn(5432)]) });
    expect(result?.severity).toBeUndefined();
    expect(result?.message).toContain('no active VPC security group');
  });

  it('counts memberships without a status as active', () => {
    const db = publicDb({ VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-db' }] });
    expect(judge(control, instances([db]), { context: groups([openOn(5432)]) })[0]?.severity).toBe('critical');
  });

  it('says which groups could not be found', () => {
    const [result] = judge(control, instances([publicDb()]), { context: groups([]) });
    expect(result?.severity).toBeUndefined();
    expect(result?.message).toContain('sg-db were not found');
  });

  it('names prefix lists on DB-port rules as not evaluated when their entries could not be read', () => {
    const group: SecurityGroupRecord = { GroupId: 'sg-db', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, PrefixListIds: [{ PrefixListId: 'pl-office' }] }] };
    const [result] = judge(control, instances([publicDb()]), { context: groups([group]) });
    expect(result?.severity).toBeUndefined();
    expect(result?.message).toContain('pl-office');
    expect(result?.message).toContain('not evaluated (their entries could not be read');
  });

  it('is critical when a customer-managed prefix list on the DB port holds the whole internet', () => {
    const group: SecurityGroupRecord = { GroupId: 'sg-db', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, PrefixListIds: [{ PrefixListId: 'pl-0a1b2c3d4e5f60001' }] }] };
    const prefixLists = collected('ec2:DescribeManagedPrefixLists', [{ PrefixListId: 'pl-0a1b2c3d4e5f60001', PrefixListName: 'bi-vendors', OwnerId: '111122223333', AddressFamily: 'IPv4', Entries: [{ Cidr: '0.0.0.0/0' }] }]);
    const [result] = judge(control, instances([publicDb()]), { context: { ...groups([group]), prefixLists } });
    expect(result?.severity).toBe('critical');
    expect(result?.message).toContain('prefix list pl-0a1b2c3d4e5f60001 (bi-vendors: 0.0.0.0/0)');
  });

  it('stays at high and says so when the security group context is unavailable', () => {
    const [result] = judge(control, instances([publicDb()]));
    expect(result?.status).toBe('FAIL');
    expect(result?.severity).toBeUndefined();
    expect(result?.message).toContain('context unavailable');
  });

  it('fails when PubliclyAccessible is absent, saying so', () => {
    const [result] = judge(control, instances([publicDb({ PubliclyAccessible: undefined })]), { context: groups([]) });
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('PubliclyAccessible is absent');
  });

  it('judges each instance', () => {
    const results = judge(
      control,
      instances([publicDb(), publicDb({ DBInstanceIdentifier: 'db2', DBInstanceArn: undefined, PubliclyAccessible: false })]),
      { context: groups([openOn(5432)]), region: 'eu-west-1' },
    );
    expect(statuses(results)).toEqual({ db1: 'FAIL', db2: 'PASS' });
    expect(results[1]?.resource.uid).toBe('arn:aws:rds:eu-west-1:111122223333:db:db2');
  });
});

describe('aws-rds-not-public change events', () => {
  it('re-reads the instance created, modified (under both names when renamed) or restored', () => {
    expect(affectedBy(control, trailDetail('rds.amazonaws.com', 'CreateDBInstance', { dBInstanceIdentifier: 'ehr', publiclyAccessible: true }, { dBInstanceIdentifier: 'ehr' }))).toEqual({ resourceKind: 'rds:db-instance', resourceIds: ['ehr'] });
    expect(affectedBy(control, trailDetail('rds.amazonaws.com', 'ModifyDBInstance', { dBInstanceIdentifier: 'old', newDBInstanceIdentifier: 'new' }))?.resourceIds).toEqual(['old', 'new']);
    expect(affectedBy(control, trailDetail('rds.amazonaws.com', 'RestoreDBInstanceFromDBSnapshot', { dBInstanceIdentifier: 'copy', dBSnapshotIdentifier: 'snap' }))?.resourceIds).toEqual(['copy']);
    expect(affectedBy(control, trailDetail('rds.amazonaws.com', 'RestoreDBInstanceToPointInTime', { sourceDBInstanceIdentifier: 'src', targetDBInstanceIdentifier: 'pitr' }))?.resourceIds).toEqual(['pitr']);
    expect(affectedBy(control, trailDetail('rds.amazonaws.com', 'CreateDBSnapshot', { dBInstanceIdentifier: 'ehr' }))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { ALL_CONTROLS } from '../checks/index.js';
import { changeDeclarationProblems, cloudTrailEventPattern, cloudTrailRoutes, idsAt, routeKey } from './change-events.js';
import { defineControl } from './control.js';
import { ec2Volumes } from '../providers/aws/datasets.js';

const base = {
  provider: 'aws' as const,
  area: 'volumes' as const,
  title: 't',
  severity: 'high' as const,
  hipaa: [],
  description: 'd',
  remediation: { text: 'r', url: 'https://example.com' },
  scope: 'region' as const,
  reads: { volumes: ec2Volumes },
  evaluate: () => [],
};

describe('change events derived from the controls', () => {
  it('every AWS control declares sound CloudTrail events', () => {
    for (const control of ALL_CONTROLS.filter((c) => c.provider === 'aws')) {
      expect(control.changeEvents?.cloudTrail?.events.length, control.id).toBeGreaterThan(0);
    }
    expect(ALL_CONTROLS.flatMap(changeDeclarationProblems)).toEqual([]);
  });

  it('routes the events the issue names to the controls they can change', () => {
    const routes = cloudTrailRoutes(ALL_CONTROLS);
    const to = (source: string, name: string) => (routes.get(routeKey(source, name)) ?? []).map((r) => r.control.id).sort();
    expect(to('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress')).toEqual(['aws-ssh-not-open']);
    expect(to('ec2.amazonaws.com', 'ModifySecurityGroupRules')).toEqual(['aws-ssh-not-open']);
    expect(to('ec2.amazonaws.com', 'CreateVolume')).toEqual(['aws-ebs-volume-encrypted']);
    expect(to('rds.amazonaws.com', 'ModifyDBInstance')).toEqual(['aws-rds-not-public', 'aws-rds-storage-encrypted']);
    expect(to('rds.amazonaws.com', 'CreateDBInstance')).toEqual(['aws-rds-not-public', 'aws-rds-storage-encrypted']);
    expect(to('rds.amazonaws.com', 'RestoreDBInstanceFromDBSnapshot')).toEqual(['aws-rds-not-public', 'aws-rds-storage-encrypted']);
    expect(to('iam.amazonaws.com', 'DeactivateMFADevice')).toEqual(['aws-console-user-mfa', 'aws-root-mfa']);
    expect(to('iam.amazonaws.com', 'CreateLoginProfile')).toEqual(['aws-console-user-mfa']);
    for (const name of ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors']) expect(to('cloudtrail.amazonaws.com', name)).toEqual(['aws-cloudtrail-all-regions']);
    for (const name of ['PutRetentionPolicy', 'DeleteRetentionPolicy', 'CreateLogGroup']) expect(to('logs.amazonaws.com', name)).toEqual(['aws-log-retention']);
    expect(to('ec2.amazonaws.com', 'DisableEbsEncryptionByDefault')).toEqual(['aws-ebs-encryption-by-default']);
    expect(to('ec2.amazonaws.com', 'DescribeSecurityGroups')).toEqual([]);
  });

  it('builds one EventBridge pattern of every declared source and name, without failed calls', () => {
    const pattern = cloudTrailEventPattern(ALL_CONTROLS);
    expect(pattern.source).toEqual(['aws.cloudtrail', 'aws.ec2', 'aws.iam', 'aws.logs', 'aws.rds']);
    expect(pattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    expect(pattern.detail.eventSource).toEqual(['cloudtrail.amazonaws.com', 'ec2.amazonaws.com', 'iam.amazonaws.com', 'logs.amazonaws.com', 'rds.amazonaws.com']);
    const declared = new Set(ALL_CONTROLS.flatMap((c) => (c.changeEvents?.cloudTrail?.events ?? []).flatMap((e) => e.names)));
    expect(pattern.detail.eventName).toEqual([...declared].sort());
    expect(pattern.detail.errorCode).toEqual([{ exists: false }]);
  });

  it('reads ids at paths, through arrays, ignoring what is not a string and never climbing the prototype', () => {
    const ids = idsAt('requestParameters.groupId', 'responseElements.items.*.id', 'requestParameters.constructor');
    expect(ids({ eventSource: 's', eventName: 'n', requestParameters: { groupId: 'sg-1' }, responseElements: { items: [{ id: 'a' }, { id: 7 }, { id: 'a' }, {}] } })).toEqual(['sg-1', 'a']);
    expect(ids({ eventSource: 's', eventName: 'n' })).toEqual([]);
    expect(ids({ eventSource: 's', eventName: 'n', requestParameters: { groupId: 'x'.repeat(600) } })).toEqual([]);
  });

  it('names what is wrong with a declaration', () => {
    const bad = defineControl({
      ...base,
      id: 'bad',
      changeEvents: { cloudTrail: { events: [{ source: 'ec2', names: ['create volume'], resourceIds: idsAt('x') }] } },
    });
    expect(changeDeclarationProblems(bad)).toEqual([
      'bad: event source ec2 is not <service>.amazonaws.com',
      'bad: create volume is not an API operation name',
      'bad: resourceIds without a resourceKind',
    ]);
  });
});

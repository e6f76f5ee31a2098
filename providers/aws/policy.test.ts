import { describe, expect, it } from 'vitest';
import { ALL_CONTROLS, selectControls } from '../../checks/index.js';
import { datasetsOf } from '../../core/control.js';
import { awsReadActions, awsScanPolicy } from './policy.js';

// Access levels "List" and "Read" in the Service Authorization Reference; nothing that writes.
const READ_ONLY = /^(ec2|rds|iam|cloudtrail|logs|organizations):(Describe|Get|List)[A-Za-z]+$|^iam:GenerateCredentialReport$/;

describe('ward policy', () => {
  const awsControls = ALL_CONTROLS.filter((c) => c.provider === 'aws');

  it('grants exactly the read actions the AWS controls declare, plus region discovery', () => {
    const declared = new Set(awsControls.flatMap((c) => datasetsOf(c).flatMap((d) => d.actions)));
    const policy = awsScanPolicy(awsControls, []);
    expect(policy.Version).toBe('2012-10-17');
    expect(policy.Statement).toHaveLength(1);
    expect(new Set(policy.Statement[0]?.Action)).toEqual(new Set([...declared, 'ec2:DescribeRegions']));
  });

  it('contains only read-only actions and no wildcard action', () => {
    for (const action of awsReadActions(awsControls)) {
      expect(action).toMatch(READ_ONLY);
      expect(action).not.toContain('*');
    }
  });

  it('drops what a disabled control alone needed', () => {
    const without = awsReadActions(selectControls({ disabled: ['aws-ebs-volume-encrypted'], providers: ['aws'] }));
    const other = new Set(awsControls.filter((c) => c.id !== 'aws-ebs-volume-encrypted').flatMap((c) => datasetsOf(c).flatMap((d) => d.actions)));
    expect(without.includes('ec2:DescribeVolumes')).toBe(other.has('ec2:DescribeVolumes'));
  });

  it('allows assuming exactly the configured member roles', () => {
    const roles = ['arn:aws:iam::222222222222:role/WardReadOnly', 'arn:aws:iam::111111111111:role/WardReadOnly', 'arn:aws:iam::111111111111:role/WardReadOnly'];
    const policy = awsScanPolicy(awsControls, roles);
    expect(policy.Statement[1]).toEqual({
      Sid: 'WardAssumeMemberRoles',
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Resource: ['arn:aws:iam::111111111111:role/WardReadOnly', 'arn:aws:iam::222222222222:role/WardReadOnly'],
    });
  });

  it('lets an organisation scan list the accounts and assume the member role in each of them', () => {
    const policy = awsScanPolicy(awsControls, ['arn:aws:iam::222222222222:role/Legacy'], 'WardReadOnly');
    expect(policy.Statement.slice(1)).toEqual([
      { Sid: 'WardListOrganizationAccounts', Effect: 'Allow', Action: ['organizations:ListAccounts'], Resource: '*' },
      { Sid: 'WardAssumeMemberRoles', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: ['arn:aws:iam::*:role/WardReadOnly', 'arn:aws:iam::222222222222:role/Legacy'] },
    ]);
    expect(awsScanPolicy(awsControls, []).Statement.map((s) => s.Sid)).toEqual(['WardReadOnly']);
  });
});

// Ward's own least-privilege IAM policy, derived from what the enabled controls declare they read.

import type { AnyControl } from '../../core/control.js';
import { declaredActions } from '../../core/permissions.js';
import { AWS_BASE_ACTIONS, ORGANIZATION_ACTIONS } from './datasets.js';

export interface IamStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
}

export interface IamPolicyDocument {
  Version: '2012-10-17';
  Statement: IamStatement[];
}

export function awsReadActions(controls: readonly AnyControl[]): string[] {
  return declaredActions(controls, 'aws', AWS_BASE_ACTIONS);
}

/** The IAM role ARN of `roleName` in every account: what an organisation scan assumes in each member. */
export function organizationMemberRoleArn(roleName: string): string {
  return `arn:aws:iam::*:role/${roleName}`;
}

/**
 * The read statement covers `*` resources because every action in it is a list/describe call that
 * supports no resource-level scoping; assuming member roles is limited to the roles named. An
 * organisation scan (`organization: true` with `aws.memberRole`) also lists the organisation's accounts
 * and assumes the member role, by name, in each of them.
 */
export function awsScanPolicy(controls: readonly AnyControl[], memberRoleArns: readonly string[], organizationMemberRole?: string): IamPolicyDocument {
  const statements: IamStatement[] = [{ Sid: 'WardReadOnly', Effect: 'Allow', Action: awsReadActions(controls), Resource: '*' }];
  if (organizationMemberRole !== undefined) {
    statements.push({ Sid: 'WardListOrganizationAccounts', Effect: 'Allow', Action: [...ORGANIZATION_ACTIONS], Resource: '*' });
  }
  const assumed = [...memberRoleArns, ...(organizationMemberRole === undefined ? [] : [organizationMemberRoleArn(organizationMemberRole)])];
  if (assumed.length > 0) {
    statements.push({ Sid: 'WardAssumeMemberRoles', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [...new Set(assumed)].sort() });
  }
  return { Version: '2012-10-17', Statement: statements };
}

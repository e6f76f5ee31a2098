// The read-only role Ward assumes in each member account, as a CloudFormation template that
// StackSets can roll out across an organisation. Its actions are the ones the controls declare.

import { stringify } from 'yaml';
import type { EventPattern } from '../../core/change-events.js';

export const DEFAULT_MEMBER_ROLE_NAME = 'WardReadOnly';

/**
 * The member's half of change-driven scans: a rule forwarding the CloudTrail events the controls
 * declare (the same pattern as Ward's own rule) to the default bus of Ward's account, through a role
 * that may only put events there. Deployed to every region the StackSet targets; IAM's global events
 * arrive in us-east-1, so that region must be among them.
 */
function changeForwarding(pattern: EventPattern) {
  const wardBus = { 'Fn::Sub': 'arn:${AWS::Partition}:events:${WardRegion}:${WardAccountId}:event-bus/default' };
  return {
    WardChangeForwarderRole: {
      Type: 'AWS::IAM::Role',
      Condition: 'ForwardChangeEvents',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }],
        },
        Policies: [
          {
            PolicyName: 'WardForwardChangeEvents',
            PolicyDocument: { Version: '2012-10-17', Statement: [{ Sid: 'PutOnWardBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: wardBus }] },
          },
        ],
      },
    },
    WardChangeForwardingRule: {
      Type: 'AWS::Events::Rule',
      Condition: 'ForwardChangeEvents',
      Properties: {
        Description: 'Forwards the CloudTrail management events that can change a Ward verdict to Ward (generated from the controls)',
        EventBusName: 'default',
        EventPattern: pattern,
        Targets: [{ Id: 'ward', Arn: wardBus, RoleArn: { 'Fn::GetAtt': ['WardChangeForwarderRole', 'Arn'] } }],
      },
    },
  };
}

export function memberRoleTemplate(readActions: readonly string[], changePattern?: EventPattern): string {
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'Ward read-only member role (generated from the controls by `npm run generate:derived`; do not edit). Deploy to every member account, e.g. with a service-managed StackSet.',
    Parameters: {
      WardAccountId: { Type: 'String', AllowedPattern: '^[0-9]{12}$', Description: 'The AWS account where Ward runs.' },
      ExternalId: { Type: 'String', MinLength: 2, MaxLength: 1224, NoEcho: true, Description: 'Shared secret Ward presents when assuming the role.' },
      RoleName: { Type: 'String', Default: DEFAULT_MEMBER_ROLE_NAME, AllowedPattern: '^[\\w+=,.@-]{1,64}$' },
      // The exact role of Ward's scan and scanTarget functions (both run as it), not a name
      // pattern: any other role in Ward's account, whatever its name, cannot assume this one.
      WardScanRoleName: {
        Type: 'String',
        Default: 'ward-prod-scan-us-east-1',
        AllowedPattern: '^[\\w+=,.@-]{1,64}$',
        Description: "Name of the role Ward's scan functions run as in WardAccountId (ward-<stage>-scan-<region>; the stack output ScanRoleArn).",
      },
      ...(changePattern === undefined
        ? {}
        : {
            WardRegion: { Type: 'String', Default: 'us-east-1', AllowedPattern: '^[a-z]{2}(-[a-z]+)+-\\d+$', Description: 'The region Ward is deployed in (its change-events rule and queue).' },
            ForwardChangeEvents: { Type: 'String', Default: 'true', AllowedValues: ['true', 'false'], Description: 'Forward change events to Ward for change-driven scans (README: Change-driven scans).' },
            // IAM roles are global: the read role is created by the stack instance of one region only.
            CreateReadOnlyRole: { Type: 'String', Default: 'true', AllowedValues: ['true', 'false'], Description: "'false' in every region but one: the read-only role is global, the forwarding rule regional." },
          }),
    },
    ...(changePattern === undefined
      ? {}
      : { Conditions: { ForwardChangeEvents: { 'Fn::Equals': [{ Ref: 'ForwardChangeEvents' }, 'true'] }, CreateReadOnlyRole: { 'Fn::Equals': [{ Ref: 'CreateReadOnlyRole' }, 'true'] } } }),
    Resources: {
      WardReadOnlyRole: {
        Type: 'AWS::IAM::Role',
        ...(changePattern === undefined ? {} : { Condition: 'CreateReadOnlyRole' }),
        Properties: {
          RoleName: { Ref: 'RoleName' },
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${WardAccountId}:root' } },
                Action: 'sts:AssumeRole',
                Condition: {
                  StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } },
                  ArnEquals: { 'aws:PrincipalArn': { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${WardAccountId}:role/${WardScanRoleName}' } },
                },
              },
            ],
          },
          Policies: [
            {
              PolicyName: 'WardReadOnly',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [{ Sid: 'WardReadOnly', Effect: 'Allow', Action: [...readActions], Resource: '*' }],
              },
            },
          ],
        },
      },
      ...(changePattern === undefined ? {} : changeForwarding(changePattern)),
    },
    Outputs: {
      RoleArn: { ...(changePattern === undefined ? {} : { Condition: 'CreateReadOnlyRole' }), Value: { 'Fn::GetAtt': ['WardReadOnlyRole', 'Arn'] } },
    },
  };
  // Date-like versions are quoted so no YAML 1.1 parser reads them as dates.
  const text = stringify(template, { lineWidth: 0 }).replace(/^(\s*(?:AWSTemplateFormatVersion|Version): )(\d{4}-\d{2}-\d{2})$/gm, '$1"$2"');
  return `# Generated from the controls by \`npm run generate:derived\`; do not edit.\n${text}`;
}

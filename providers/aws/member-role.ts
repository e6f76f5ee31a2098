// The read-only role Ward assumes in each member account, as a CloudFormation template that
// StackSets can roll out across an organisation. Its actions are the ones the controls declare.

import { stringify } from 'yaml';

export const DEFAULT_MEMBER_ROLE_NAME = 'WardReadOnly';

export function memberRoleTemplate(readActions: readonly string[]): string {
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
    },
    Resources: {
      WardReadOnlyRole: {
        Type: 'AWS::IAM::Role',
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
    },
    Outputs: {
      RoleArn: { Value: { 'Fn::GetAtt': ['WardReadOnlyRole', 'Arn'] } },
    },
  };
  // Date-like versions are quoted so no YAML 1.1 parser reads them as dates.
  const text = stringify(template, { lineWidth: 0 }).replace(/^(\s*(?:AWSTemplateFormatVersion|Version): )(\d{4}-\d{2}-\d{2})$/gm, '$1"$2"');
  return `# Generated from the controls by \`npm run generate:derived\`; do not edit.\n${text}`;
}

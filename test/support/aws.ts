// Opens a real AWS target session (real collectors, real engine) whose SDK clients are stubbed
// with aws-sdk-client-mock. For unit tests of one collector; integration tests use the sandbox.

import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { EC2Client, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import type { TargetSession } from '../../core/engine.js';
import { awsPlan } from '../../providers/aws/provider.js';

export const ACCOUNT = '111122223333';

export function mockIdentity(regions: string[] = ['eu-west-1', 'us-east-1']) {
  const sts = mockClient(STSClient);
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/ward`, UserId: 'AIDA' });
  const ec2 = mockClient(EC2Client);
  ec2.on(DescribeRegionsCommand).resolves({ Regions: regions.map((RegionName) => ({ RegionName, OptInStatus: 'opt-in-not-required' })) });
  return { sts, ec2 };
}

export async function openSession(): Promise<TargetSession> {
  const plan = awsPlan([{ account: ACCOUNT }], { homeRegion: 'us-east-1', client: { maxAttempts: 1 } });
  const target = plan.targets[0];
  if (target === undefined) throw new Error('no target');
  const opening = await target.open();
  if (!opening.ok) throw new Error(opening.failure.reason);
  return opening.session;
}

export function awsError(name: string, message = name, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

// SDK clients wired to a running sandbox, for tests that talk to it the way Ward does. No retries by
// default, so a test sees the raw answer.

import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { STSClient } from '@aws-sdk/client-sts';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from './env.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SandboxClients {
  ec2: EC2Client;
  rds: RDSClient;
  iam: IAMClient;
  sts: STSClient;
  cloudtrail: CloudTrailClient;
  logs: CloudWatchLogsClient;
  destroy(): void;
}

export function sandboxClients(url: string, region = 'us-east-1', credentials?: Credentials, maxAttempts = 1): SandboxClients {
  const config = {
    endpoint: url,
    region,
    credentials: credentials ?? { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    maxAttempts,
  };
  const clients = {
    ec2: new EC2Client(config),
    rds: new RDSClient(config),
    iam: new IAMClient({ ...config, region: 'us-east-1' }),
    sts: new STSClient(config),
    cloudtrail: new CloudTrailClient(config),
    logs: new CloudWatchLogsClient(config),
  };
  return {
    ...clients,
    destroy() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

/** Catches the error a promise rejects with (fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean }; $fault?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { name: string };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

// `sls invoke local -f scanTarget` with only what Lambda gives a function (its role session and
// region) plus Ward's own settings, against the sandbox and an S3 store: the shared part of the
// federation end-to-end tests (Google Cloud and Azure).

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3BlobStore, parseS3Url } from '../../core/store/s3.js';
import { cleanEnv } from './cli.js';
import type { S3Sandbox } from './s3.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SLS = join(ROOT, 'node_modules', '.bin', 'sls');

export interface ScanTargetInvocation {
  aws: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  sandboxUrl: string;
  s3: S3Sandbox;
  configFile: string;
  runId: string;
  target: { provider: 'gcp' | 'azure'; account: string };
  /** The provider's own settings, passed with `-e`. */
  variables: Record<string, string>;
  /** The sls process's own environment (what Node reads at start, e.g. NODE_EXTRA_CA_CERTS). */
  processEnv?: Record<string, string>;
}

export function invokeScanTargetLocally(invocation: ScanTargetInvocation): Promise<{ stdout: string; stderr: string }> {
  const { aws } = invocation;
  const env = cleanEnv({ SLS_TELEMETRY_DISABLED: '1', ...invocation.processEnv });
  const variables: Record<string, string> = {
    AWS_ACCESS_KEY_ID: aws.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws.secretAccessKey,
    ...(aws.sessionToken === undefined ? {} : { AWS_SESSION_TOKEN: aws.sessionToken }),
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: invocation.sandboxUrl,
    AWS_ENDPOINT_URL_S3: invocation.s3.url,
    WARD_STORE: 's3://ward-store/ward',
    WARD_CONFIG: invocation.configFile,
    WARD_SCAN_QUEUE_URL: 'none',
    WARD_SLACK_WEBHOOK_PARAMETER: 'none',
    ...invocation.variables,
  };
  const body = JSON.stringify({ runId: invocation.runId, part: 1, target: invocation.target });
  const event = JSON.stringify({ Records: [{ messageId: 'm-1', body }] });
  const args = ['invoke', 'local', '-f', 'scanTarget', '--stage', 'test', '--data', event, ...Object.entries(variables).flatMap(([k, v]) => ['-e', `${k}=${v}`])];
  return promisify(execFile)(SLS, args, { cwd: ROOT, env, timeout: 240_000, maxBuffer: 32 * 1024 * 1024 });
}

/** The store the invocations write (`s3://ward-store/ward`), read directly. */
export function storeBlobs(s3: S3Sandbox): S3BlobStore {
  return new S3BlobStore(parseS3Url('s3://ward-store/ward'), { endpoint: s3.directUrl, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
}

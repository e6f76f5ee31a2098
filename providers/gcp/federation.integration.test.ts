// Workload Identity Federation with AWS, end to end in one process: google-auth-library's external
// account client signs sts:GetCallerIdentity with the role session in the environment, the sandbox's
// Google STS verifies the signature, audience and attribute condition, the impersonation endpoint
// checks the service account, and the Cloud Asset API accepts only the token that came out of it.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CONTROLS } from '../../checks/index.js';
import { runScan } from '../../core/engine.js';
import { UserError } from '../../core/errors.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../sandbox/env.js';
import { DEMO_PROJECT_ID } from '../../sandbox/gcp/demo.js';
import type { Sandbox } from '../../sandbox/server.js';
import { startFederatedSandbox, WIF_SERVICE_ACCOUNT, writeExternalAccountFile, type RoleSession } from '../../test/support/federation.js';
import { AssetApi } from './client.js';
import { gcpPlan } from './provider.js';

const GCP_CONTROLS = ALL_CONTROLS.filter((c) => c.provider === 'gcp');
const FAST_RETRY = { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5, timeoutMs: 10_000 };
const AWS_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

let sandbox: Sandbox;
let session: RoleSession;
let dir: string;
const saved = Object.fromEntries(AWS_VARIABLES.map((name) => [name, process.env[name]]));

beforeAll(async () => {
  ({ sandbox, session } = await startFederatedSandbox());
  dir = mkdtempSync(join(tmpdir(), 'ward-wif-'));
});

afterAll(async () => {
  for (const name of AWS_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await sandbox.close();
});

/** The environment Lambda gives the function: its role session and region, nothing else. */
function useAwsCredentials(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): void {
  for (const name of AWS_VARIABLES) delete process.env[name];
  process.env['AWS_ACCESS_KEY_ID'] = credentials.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = credentials.secretAccessKey;
  if (credentials.sessionToken !== undefined) process.env['AWS_SESSION_TOKEN'] = credentials.sessionToken;
  process.env['AWS_REGION'] = 'us-east-1';
}

async function scanWith(credentialsFile: string | undefined) {
  const plan = await gcpPlan({ scopes: [`projects/${DEMO_PROJECT_ID}`], endpoint: sandbox.url, retry: FAST_RETRY, ...(credentialsFile === undefined ? {} : { credentialsFile }) });
  return runScan({ plans: [plan], controls: GCP_CONTROLS, thresholds: { minLogRetentionDays: 365 } });
}

function errorReasons(results: Array<{ status: string; message: string }>): string[] {
  return [...new Set(results.filter((r) => r.status === 'ERROR').map((r) => r.message))];
}

describe('Google Cloud through workload identity federation with AWS (sandbox STS and IAM Credentials)', () => {
  it('scans the demo project as the impersonated service account, with only AWS role credentials', async () => {
    useAwsCredentials(session);
    const file = writeExternalAccountFile(dir, 'ok.json', sandbox.url);
    const doc = await scanWith(file);
    expect(doc.results.filter((r) => r.status === 'ERROR')).toEqual([]);
    // Read from the sandbox's inventory, not judged on nothing: the demo's open SSH rule is there.
    expect(doc.results.find((r) => r.controlId === 'gcp-ssh-not-open' && r.resource.id === 'legacy-bastion-ssh')?.status).toBe('FAIL');
    expect(doc.targets.map((t) => t.account)).toEqual([DEMO_PROJECT_ID]);
    // Who scanned: the impersonated service account, and how Ward came to act as it.
    expect(doc.targets[0]?.identity).toEqual({ principal: WIF_SERVICE_ACCOUNT, via: 'workload identity federation with AWS (WARD_GCP_CREDENTIALS)' });

    const api = await AssetApi.connect({ endpoint: sandbox.url, credentialsFile: file });
    expect(api.identity.principal).toBe(WIF_SERVICE_ACCOUNT);
    await api.close();
  });

  it('refuses the placeholder token once federation is configured: ERROR, not PASS', async () => {
    const doc = await scanWith(undefined);
    expect(doc.results.every((r) => r.status === 'ERROR')).toBe(true);
    expect(errorReasons(doc.results).join('\n')).toMatch(/invalid authentication credentials|UNAUTHENTICATED/i);
  });

  it('gives ERROR with the STS reason for a wrong audience', async () => {
    useAwsCredentials(session);
    const file = writeExternalAccountFile(dir, 'audience.json', sandbox.url, { audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/other/providers/aws' });
    const doc = await scanWith(file);
    expect(doc.results.every((r) => r.status === 'ERROR')).toBe(true);
    expect(errorReasons(doc.results).join('\n')).toContain('invalid_target');
  });

  it('gives ERROR with the attribute condition for a caller that is not Ward\'s role', async () => {
    useAwsCredentials({ accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY });
    const doc = await scanWith(writeExternalAccountFile(dir, 'user.json', sandbox.url));
    expect(doc.results.every((r) => r.status === 'ERROR')).toBe(true);
    expect(errorReasons(doc.results).join('\n')).toContain('rejected by the attribute condition');
  });

  it('gives ERROR when the AWS signature does not verify (a wrong secret)', async () => {
    useAwsCredentials({ ...session, secretAccessKey: `${session.secretAccessKey.slice(0, -2)}xx` });
    const doc = await scanWith(writeExternalAccountFile(dir, 'forged.json', sandbox.url));
    expect(doc.results.every((r) => r.status === 'ERROR')).toBe(true);
    expect(errorReasons(doc.results).join('\n')).toContain('SignatureDoesNotMatch');
  });

  it('gives ERROR when the pool may not impersonate the service account', async () => {
    useAwsCredentials(session);
    const doc = await scanWith(writeExternalAccountFile(dir, 'sa.json', sandbox.url, { serviceAccount: 'owner@ward-demo-ehr.iam.gserviceaccount.com' }));
    expect(doc.results.every((r) => r.status === 'ERROR')).toBe(true);
    expect(errorReasons(doc.results).join('\n')).toMatch(/PERMISSION_DENIED|getAccessToken/);
  });

  it('rejects a file that is not an AWS external-account configuration, naming the file and the field', async () => {
    const key = join(dir, 'key.json');
    writeFileSync(key, JSON.stringify({ type: 'service_account', private_key: 'x' }));
    await expect(AssetApi.connect({ endpoint: sandbox.url, credentialsFile: key })).rejects.toThrow(UserError);
    await expect(AssetApi.connect({ endpoint: sandbox.url, credentialsFile: key })).rejects.toThrow(`${key}: "type" is "service_account", not "external_account"`);
  });
});

// `sls invoke local -f scanTarget` for an Azure target with only AWS role credentials in the
// environment, as in Lambda: the bundled handler fetches a client assertion from the sandbox STS
// (sts:GetWebIdentityToken), signs in to the sandbox's Entra ID over https (MSAL, a certificate made
// at test time and trusted through NODE_EXTRA_CA_CERTS, no instance discovery) and scans the
// subscription end to end; a federated credential naming another subject, audience or issuer gives
// ERROR for the target with Entra's reason and resolves nothing.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore, parseS3Url } from '../../core/store/s3.js';
import { ScanStore } from '../../core/store/scans.js';
import { DEMO_SUBSCRIPTION_ID, DEMO_TENANT_ID } from '../../sandbox/azure/demo.js';
import type { EntraFederatedCredential, EntraOptions } from '../../sandbox/azure/entra.js';
import type { Sandbox } from '../../sandbox/server.js';
import { cleanEnv } from '../support/cli.js';
import { ENTRA_CLIENT_ID, SCAN_ROLE, startAzureFederatedSandbox, type RoleSession } from '../support/federation.js';
import { startS3, type S3Sandbox } from '../support/s3.js';
import { makeTestCertificate, type TestCertificate } from '../support/tls.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SLS = join(ROOT, 'node_modules', '.bin', 'sls');

describe('sls invoke local -f scanTarget: Azure through a federated identity credential (no client secret)', () => {
  let s3: S3Sandbox;
  let sandbox: Sandbox;
  let session: RoleSession;
  let entra: EntraOptions;
  let account: string;
  let tls: TestCertificate;
  let dir: string;

  beforeAll(async () => {
    tls = makeTestCertificate();
    ({ sandbox, session, entra, account } = await startAzureFederatedSandbox(tls));
    s3 = await startS3(['ward-store'], [{ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey }]);
    dir = mkdtempSync(join(tmpdir(), 'ward-invoke-entra-'));
    writeFileSync(join(dir, 'ward.config.yml'), `organizationName: Larkspur Health\nazure:\n  subscriptions: ["${DEMO_SUBSCRIPTION_ID}"]\n`);
  }, 60_000);
  afterAll(async () => {
    await sandbox.close();
    await s3.close();
  });

  const blobs = () =>
    new S3BlobStore(parseS3Url('s3://ward-store/ward'), { endpoint: s3.directUrl, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const trust = (credential: Partial<EntraFederatedCredential>) => {
    entra.apps = [{ clientId: ENTRA_CLIENT_ID, federatedCredentials: [{ issuer: { awsAccount: account }, subject: `arn:aws:iam::${account}:role/${SCAN_ROLE}`, ...credential }] }];
  };

  function invokeScanTarget(runId: string) {
    // Only what Lambda gives the function (its role session and region) plus Ward's own settings:
    // no Azure secret of any kind. NODE_EXTRA_CA_CERTS is read at process start, so it is the
    // child's environment, not an `-e` variable.
    const env = cleanEnv({ SLS_TELEMETRY_DISABLED: '1', NODE_EXTRA_CA_CERTS: tls.certFile });
    const variables: Record<string, string> = {
      AWS_ACCESS_KEY_ID: session.accessKeyId,
      AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
      AWS_SESSION_TOKEN: session.sessionToken,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: sandbox.url,
      AWS_ENDPOINT_URL_S3: s3.url,
      WARD_STORE: 's3://ward-store/ward',
      WARD_CONFIG: join(dir, 'ward.config.yml'),
      WARD_SCAN_QUEUE_URL: 'none',
      WARD_SLACK_WEBHOOK_PARAMETER: 'none',
      WARD_AZURE_ENDPOINT: sandbox.url,
      WARD_AZURE_FEDERATION: 'aws',
      WARD_AZURE_TENANT_ID: DEMO_TENANT_ID,
      WARD_AZURE_CLIENT_ID: ENTRA_CLIENT_ID,
      WARD_AZURE_AUTHORITY_HOST: sandbox.httpsUrl ?? '',
    };
    const body = JSON.stringify({ runId, part: 1, target: { provider: 'azure', account: DEMO_SUBSCRIPTION_ID } });
    const event = JSON.stringify({ Records: [{ messageId: 'm-1', body }] });
    const args = ['invoke', 'local', '-f', 'scanTarget', '--stage', 'test', '--data', event, ...Object.entries(variables).flatMap(([k, v]) => ['-e', `${k}=${v}`])];
    return promisify(execFile)(SLS, args, { cwd: ROOT, env, timeout: 240_000, maxBuffer: 32 * 1024 * 1024 });
  }

  it('scans the subscription with only the function role credentials; another subject or audience gets ERROR with the reason and resolves nothing', async () => {
    trust({});
    const first = await invokeScanTarget('run-entra-1');
    expect(first.stdout).toContain('"batchItemFailures": []');
    const store = new ScanStore(blobs());
    const [scanId] = await store.listScanIds();
    const scan = scanId === undefined ? undefined : await store.loadScan(scanId);
    expect(scan?.targets.map((t) => `${t.provider}:${t.account}`)).toEqual([`azure:${DEMO_SUBSCRIPTION_ID}`]);
    expect(scan?.results.filter((r) => r.status === 'ERROR')).toEqual([]);
    expect(scan?.results.some((r) => r.status === 'FAIL')).toBe(true);
    expect(scan?.results.some((r) => r.status === 'PASS')).toBe(true);
    const failing = (await store.loadState('azure', DEMO_SUBSCRIPTION_ID))?.tracked.filter((t) => t.state !== 'resolved').length ?? 0;
    expect(failing).toBeGreaterThan(0);
    // The secret-free sign-in never put an assertion or a token on the terminal.
    expect(`${first.stdout}${first.stderr}`).not.toMatch(/eyJ[\w-]+\.eyJ|sandbox-entra-/);

    const refusals: Array<[Partial<EntraFederatedCredential>, string]> = [
      [{ subject: `arn:aws:iam::${account}:role/SomeOtherRole` }, 'AADSTS700213'],
      [{ audience: 'api://AzureADTokenExchangeUSGov' }, 'AADSTS700212'],
      [{ issuer: { awsAccount: '999988887777' } }, 'AADSTS700211'],
    ];
    const seen = new Set(await store.listScanIds());
    for (const [index, [credential, code]] of refusals.entries()) {
      trust(credential);
      await invokeScanTarget(`run-entra-refused-${index}`);
      const fresh = (await store.listScanIds()).filter((id) => !seen.has(id));
      expect(fresh).toHaveLength(1);
      seen.add(fresh[0] ?? '');
      const refused = await store.loadScan(fresh[0] ?? '');
      const errors = refused?.results.filter((r) => r.status === 'ERROR') ?? [];
      expect(errors.length).toBeGreaterThan(0);
      expect(refused?.results.every((r) => r.status === 'ERROR')).toBe(true);
      expect(errors[0]?.message).toContain(code);
      const state = await store.loadState('azure', DEMO_SUBSCRIPTION_ID);
      expect(state?.tracked.filter((t) => t.state === 'resolved')).toEqual([]);
      expect(state?.tracked.length).toBe(failing);
    }
  }, 900_000);
});

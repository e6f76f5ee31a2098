// `sls invoke local -f scanTarget` for an Azure target with only AWS role credentials in the
// environment, as in Lambda: the bundled handler fetches a client assertion from the sandbox STS
// (sts:GetWebIdentityToken), signs in to the sandbox's Entra ID over https (MSAL, a certificate made
// at test time and trusted through NODE_EXTRA_CA_CERTS, no instance discovery) and scans the
// subscription end to end; a federated credential naming another subject, audience or issuer gives
// ERROR for the target with Entra's reason and resolves nothing.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanStore } from '../../core/store/scans.js';
import { DEMO_SUBSCRIPTION_ID, DEMO_TENANT_ID } from '../../sandbox/azure/demo.js';
import type { EntraFederatedCredential, EntraOptions } from '../../sandbox/azure/entra.js';
import type { Sandbox } from '../../sandbox/server.js';
import { invokeScanTargetLocally, storeBlobs } from '../support/invoke-local.js';
import { ENTRA_CLIENT_ID, SCAN_ROLE, startAzureFederatedSandbox, type RoleSession } from '../support/federation.js';
import { startS3, type S3Sandbox } from '../support/s3.js';
import { makeTestCertificate, type TestCertificate } from '../support/tls.js';

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

  const trust = (credential: Partial<EntraFederatedCredential>) => {
    entra.apps = [{ clientId: ENTRA_CLIENT_ID, federatedCredentials: [{ issuer: { awsAccount: account }, subject: `arn:aws:iam::${account}:role/${SCAN_ROLE}`, ...credential }] }];
  };

  const invokeScanTarget = (runId: string) =>
    // No Azure secret of any kind. NODE_EXTRA_CA_CERTS is read at process start: the sls process's
    // own environment, not an `-e` variable.
    invokeScanTargetLocally({
      aws: session,
      sandboxUrl: sandbox.url,
      s3,
      configFile: join(dir, 'ward.config.yml'),
      runId,
      target: { provider: 'azure', account: DEMO_SUBSCRIPTION_ID },
      processEnv: { NODE_EXTRA_CA_CERTS: tls.certFile },
      variables: {
        WARD_AZURE_ENDPOINT: sandbox.url,
        WARD_AZURE_FEDERATION: 'aws',
        WARD_AZURE_TENANT_ID: DEMO_TENANT_ID,
        WARD_AZURE_CLIENT_ID: ENTRA_CLIENT_ID,
        WARD_AZURE_AUTHORITY_HOST: sandbox.httpsUrl ?? '',
      },
    });

  it('scans the subscription with only the function role credentials; another subject or audience gets ERROR with the reason and resolves nothing', async () => {
    trust({});
    const first = await invokeScanTarget('run-entra-1');
    expect(first.stdout).toContain('"batchItemFailures": []');
    const store = new ScanStore(storeBlobs(s3));
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

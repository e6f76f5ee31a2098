// `sls invoke local -f scanTarget` for a Google Cloud target with only AWS role credentials in the
// environment, as in Lambda: the bundled handler federates into Google Cloud through the sandbox's
// STS and IAM Credentials endpoints (workload identity federation, no stored key) and scans the
// project end to end; a caller outside the attribute condition gives ERROR with the reason and
// resolves nothing.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanStore } from '../../core/store/scans.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../sandbox/env.js';
import { DEMO_PROJECT_ID } from '../../sandbox/gcp/demo.js';
import type { Sandbox } from '../../sandbox/server.js';
import { invokeScanTargetLocally, storeBlobs } from '../support/invoke-local.js';
import { startFederatedSandbox, WIF_SERVICE_ACCOUNT, writeExternalAccountFile, type RoleSession } from '../support/federation.js';
import { startS3, type S3Sandbox } from '../support/s3.js';

describe('sls invoke local -f scanTarget: Google Cloud through workload identity federation', () => {
  let s3: S3Sandbox;
  let sandbox: Sandbox;
  let session: RoleSession;
  let dir: string;
  let credentialsFile: string;

  beforeAll(async () => {
    ({ sandbox, session } = await startFederatedSandbox());
    // The store is read and written with whichever credentials the function has.
    s3 = await startS3(['ward-store'], [
      { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
      { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey },
    ]);
    dir = mkdtempSync(join(tmpdir(), 'ward-invoke-wif-'));
    // scanTarget scans only targets of a configured provider (app/target-trust.ts).
    writeFileSync(join(dir, 'ward.config.yml'), `organizationName: Larkspur Health\ngcp:\n  scopes: [projects/${DEMO_PROJECT_ID}]\n`);
    credentialsFile = writeExternalAccountFile(dir, 'gcp-wif.json', sandbox.url);
  }, 60_000);
  afterAll(async () => {
    await sandbox.close();
    await s3.close();
  });

  const invokeScanTarget = (aws: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
    // No Google credentials of any kind: only the federation file, which holds no secret.
    invokeScanTargetLocally({
      aws,
      sandboxUrl: sandbox.url,
      s3,
      configFile: join(dir, 'ward.config.yml'),
      runId: 'run-wif',
      target: { provider: 'gcp', account: DEMO_PROJECT_ID },
      variables: { WARD_GCP_ENDPOINT: sandbox.url, WARD_GCP_CREDENTIALS: credentialsFile },
    });

  it('scans the project with only the function role credentials, then a caller outside the condition gets ERROR and resolves nothing', async () => {
    const first = await invokeScanTarget(session);
    expect(first.stdout).toContain('"batchItemFailures": []');
    const store = new ScanStore(storeBlobs(s3));
    const [scanId] = await store.listScanIds();
    const scan = scanId === undefined ? undefined : await store.loadScan(scanId);
    expect(scan?.targets.map((t) => `${t.provider}:${t.account}`)).toEqual([`gcp:${DEMO_PROJECT_ID}`]);
    // Who scanned: the impersonated service account, in the scan document and the function's summary line.
    expect(scan?.targets[0]?.identity?.principal).toBe(WIF_SERVICE_ACCOUNT);
    expect(scan?.runner?.kind).toBe('lambda');
    expect(first.stdout).toContain(`"principal":"${WIF_SERVICE_ACCOUNT}"`);
    expect(scan?.results.filter((r) => r.status === 'ERROR')).toEqual([]);
    expect(scan?.results.find((r) => r.controlId === 'gcp-ssh-not-open' && r.resource.id === 'legacy-bastion-ssh')?.status).toBe('FAIL');
    const failing = (await store.loadState('gcp', DEMO_PROJECT_ID))?.tracked.filter((t) => t.state !== 'resolved').length ?? 0;
    expect(failing).toBeGreaterThan(0);

    // The sandbox's long-term user key is AWS-valid but not Ward's role: the attribute condition refuses it.
    await invokeScanTarget({ accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY });
    const ids = await store.listScanIds();
    expect(ids).toHaveLength(2);
    const second = await store.loadScan(ids.find((id) => id !== scanId) ?? '');
    const errors = second?.results.filter((r) => r.status === 'ERROR') ?? [];
    expect(errors.length).toBeGreaterThan(0);
    expect(second?.results.every((r) => r.status === 'ERROR')).toBe(true);
    expect(errors[0]?.message).toContain('rejected by the attribute condition');
    const state = await store.loadState('gcp', DEMO_PROJECT_ID);
    expect(state?.tracked.filter((t) => t.state === 'resolved')).toEqual([]);
    expect(state?.tracked.length).toBe(failing);
  }, 480_000);
});

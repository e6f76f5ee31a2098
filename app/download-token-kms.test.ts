// The KMS MAC over real HTTP: the unmodified KMS client against the sandbox's GenerateMac / VerifyMac.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KMSClient } from '@aws-sdk/client-kms';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../sandbox/env.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { demoWorldPath, loadWorld } from '../sandbox/world.js';
import { KmsLinkMac } from './download-token-kms.js';
import { checkDownloadToken, issueDownloadToken } from './download-token.js';

describe('download link MAC in KMS', () => {
  let sandbox: Sandbox;
  let client: KMSClient;
  beforeAll(async () => {
    sandbox = await startSandbox({ world: loadWorld(demoWorldPath()), port: 0 });
    client = new KMSClient({ endpoint: sandbox.url, region: 'us-east-1', credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await sandbox.close();
  });

  it('makes a MAC KMS verifies, and a changed message, MAC or key does not verify', async () => {
    const mac = new KmsLinkMac(client, 'alias/ward-test-download-links');
    const message = Buffer.from('ward-download-link.payload');
    const signature = await mac.generate(message);
    expect(signature).toHaveLength(32);
    expect(await mac.verify(message, signature)).toBe(true);
    expect(await mac.verify(Buffer.from('ward-download-link.payloaD'), signature)).toBe(false);
    const flipped = Buffer.from(signature);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(await mac.verify(message, flipped)).toBe(false);
    expect(await mac.verify(message, Buffer.alloc(0))).toBe(false);
    expect(await new KmsLinkMac(client, 'alias/another-key').verify(message, signature)).toBe(false);
    expect(sandbox.stats.byApi['kms:GenerateMac']).toBe(1);
  });

  it('issues and checks a download token through KMS', async () => {
    const mac = new KmsLinkMac(client, 'alias/ward-test-download-links');
    const expires = new Date(Date.now() + 3600_000);
    const token = await issueDownloadToken(mac, 'bundles/2026-W47.zip', expires);
    expect(await checkDownloadToken(mac, token, new Date())).toMatchObject({ ok: true, key: 'bundles/2026-W47.zip' });
  });

  it('fails loudly (not as an invalid link) when KMS itself refuses the call', async () => {
    const mac = new KmsLinkMac(client, '');
    await expect(mac.generate(Buffer.from('x'))).rejects.toThrow(/keyId/);
  });
});

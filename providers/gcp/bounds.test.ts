// The Cloud Asset API's bound on one response body (core/limits.ts, WARD_MAX_PAGE_BYTES), through the
// real client and REST transport against a fake endpoint on loopback that serves a huge page.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { limitErrorOf } from '../../core/limits.js';
import { AssetApi } from './client.js';
import { describeGcpFailure } from './errors.js';

const servers: Server[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const DISK = { name: '//compute.googleapis.com/projects/p/zones/z/disks/d', assetType: 'compute.googleapis.com/Disk' };

/** Answers every listAssets call with one small page, or with 10 MB of JSON, counting what it managed to send. */
async function fakeAssetApi(page: 'small' | 'huge'): Promise<{ endpoint: string; sent: () => number }> {
  let sent = 0;
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    if (page === 'small') return void res.end(JSON.stringify({ assets: [DISK] }));
    res.write('{"assets":[');
    const block = Buffer.from(`${JSON.stringify(DISK)},`.repeat(512));
    const pump = (): void => {
      while (sent < 10 * 1024 * 1024) {
        sent += block.length;
        if (!res.write(block)) return void res.once('drain', pump);
      }
      res.end(`${JSON.stringify(DISK)}]}`);
    };
    pump();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent: () => sent };
}

describe('Cloud Asset API page byte cap', () => {
  it('refuses a page past WARD_MAX_PAGE_BYTES with PageTooLarge, without reading the rest of it', async () => {
    vi.stubEnv('WARD_MAX_PAGE_BYTES', String(1024 * 1024));
    const fake = await fakeAssetApi('huge');
    const api = await AssetApi.connect({ endpoint: fake.endpoint, retry: { maxAttempts: 1 } });
    const error = await api.listAssets('projects/p', ['compute.googleapis.com/Disk'], 'RESOURCE').then(
      () => undefined,
      (e: unknown) => e,
    );
    await api.close();
    expect(limitErrorOf(error)).toMatchObject({ code: 'PageTooLarge', reason: 'a Cloud Asset API response body exceeded 1048576 bytes (WARD_MAX_PAGE_BYTES); the page was not parsed' });
    // What the coverage list and the scope's ERROR results say.
    expect(describeGcpFailure(error, 'cloudasset:ListAssets')).toMatchObject({ code: 'PageTooLarge', reason: expect.stringContaining('exceeded 1048576 bytes') });
    // The transport stopped reading: far less than the 10 MB went out (socket buffers aside).
    expect(fake.sent()).toBeLessThan(6 * 1024 * 1024);
  });

  it('reads a page under the cap as before', async () => {
    vi.stubEnv('WARD_MAX_PAGE_BYTES', String(1024 * 1024));
    const fake = await fakeAssetApi('small');
    const api = await AssetApi.connect({ endpoint: fake.endpoint, retry: { maxAttempts: 1 } });
    const assets = await api.listAssets('projects/p', ['compute.googleapis.com/Disk'], 'RESOURCE');
    await api.close();
    expect(assets.map((a) => a.name)).toEqual([DISK.name]);
  });
});

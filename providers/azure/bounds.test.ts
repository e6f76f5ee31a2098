// Azure nextLink handling against two loopback servers: the endpoint, and a foreign host that a
// hostile nextLink points at. The foreign host must never be contacted (so never sees the token), and
// a nextLink that loops must stop.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ArmReader } from './arm.js';
import { createResourceClient, createSubscriptionClient, resolveAzureSettings } from './clients.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
});

async function serve(answer: (req: IncomingMessage, base: string) => unknown): Promise<{ base: string; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  let base = '';
  const server = createServer((req, res) => {
    seen.push(req);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer(req, base)));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, seen };
}

function reader(endpoint: string): ArmReader {
  const settings = resolveAzureSettings({ endpoint, retry: { maxRetries: 0 } });
  return new ArmReader('3f1c6a52-7d4e-4b8a-9c1d-2e5f0a7b8c9d', settings, createResourceClient(settings, 'sub'), createSubscriptionClient(settings));
}

describe('Azure nextLink', () => {
  it('is not followed to another origin, so the bearer token stays with the endpoint', async () => {
    const foreign = await serve(() => ({ value: [] }));
    const arm = await serve(() => ({ value: [{ id: 'a' }], nextLink: `${foreign.base}/steal?api-version=1` }));
    await expect(reader(arm.base).subscriptionDiagnosticSettings()).rejects.toMatchObject({
      code: 'ForeignNextLink',
      reason: expect.stringContaining(`refused to send a request (a nextLink) to ${foreign.base}`),
    });
    // A resource type's list pages the same way.
    await expect(reader(arm.base).listType('Microsoft.Compute/disks')).rejects.toMatchObject({ code: 'ForeignNextLink' });
    expect(foreign.seen).toHaveLength(0);
    expect(arm.seen.every((r) => r.headers.authorization !== undefined)).toBe(true);
  });

  it('stops when the nextLink repeats, in every list Ward reads', async () => {
    const arm = await serve((req, base) => ({ value: [{ id: 'x' }], nextLink: `${base}${(req.url ?? '/').split('&page')[0]}&page=same` }));
    await expect(reader(arm.base).subscriptionDiagnosticSettings()).rejects.toMatchObject({ code: 'PaginationLoop' });
    await expect(reader(arm.base).listType('Microsoft.Compute/disks')).rejects.toMatchObject({ code: 'PaginationLoop' });
    expect(arm.seen.length).toBeLessThan(10);
  });
});

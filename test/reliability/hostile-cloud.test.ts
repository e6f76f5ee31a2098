// A misbehaving cloud API on loopback: a proxy in front of the sandbox that, for one call in one region,
// never answers, trickles bytes, repeats or alternates page tokens, or serves a huge page. The scan must
// finish within its deadline with ERROR and a coverage entry for that scope, and the other scopes intact.

import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxVariables } from '../../app/demo.js';
import { scan, type ScanOutcome } from '../../app/scan.js';
import { parseConfig } from '../../core/config.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import type { World } from '../../sandbox/types.js';

const ACCOUNT = '111122223333';
const WORLD: World = {
  seed: 7,
  regions: { 'us-east-1': 'opt-in-not-required', 'eu-west-1': 'opt-in-not-required' },
  accounts: [{ id: ACCOUNT, name: 'main', current: true, regions: { 'us-east-1': { volumes: [{ encrypted: true }] }, 'eu-west-1': { volumes: [{ encrypted: true }] } } }],
};

type Misbehaviour = 'hang' | 'trickle' | 'huge' | { rewrite: (body: string, count: number) => string };

interface Call {
  action: string;
  region: string;
}

function callOf(req: IncomingMessage, body: string): Call {
  const target = String(req.headers['x-amz-target'] ?? '');
  const action = target !== '' ? (target.split('.').pop() ?? '') : (/(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1] ?? req.url ?? '');
  const region = /Credential=[^/]+\/\d+\/([a-z0-9-]+)\//.exec(String(req.headers['authorization'] ?? ''))?.[1] ?? '';
  return { action, region };
}

const servers: Server[] = [];
const sandboxes: Sandbox[] = [];
const savedEnv = { ...process.env };

afterEach(async () => {
  process.env = { ...savedEnv };
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  for (const s of sandboxes.splice(0)) await s.close();
});

/** Forwards to the sandbox, except the calls `pick` chooses, which get `misbehaviour`. */
async function hostileProxy(upstream: string, pick: (call: Call) => boolean, misbehaviour: Misbehaviour): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const chosen = pick(callOf(req, body.toString('utf8')));
      if (chosen) hits += 1;
      if (chosen && misbehaviour === 'hang') return; // never answers
      if (chosen && misbehaviour === 'trickle') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        const timer = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
      if (chosen && misbehaviour === 'huge') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        const block = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const pump = (): void => {
          while (sent < 10 * 1024 * 1024) {
            sent += block.length;
            if (!res.write(block)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
        return;
      }
      const headers = { ...req.headers };
      delete headers['content-length'];
      const forward = httpRequest(`${upstream}${req.url ?? '/'}`, { method: req.method, headers }, (up) => {
        const parts: Buffer[] = [];
        up.on('data', (c: Buffer) => parts.push(c));
        up.on('end', () => {
          let text = Buffer.concat(parts).toString('utf8');
          if (chosen && typeof misbehaviour === 'object') text = misbehaviour.rewrite(text, hits);
          const headers = { ...up.headers };
          delete headers['content-length'];
          delete headers['transfer-encoding'];
          res.writeHead(up.statusCode ?? 502, headers);
          res.end(text);
        });
      });
      forward.on('error', () => res.destroy());
      // A rewritten listing starts again from its first page upstream: the sandbox knows no invented token.
      forward.end(chosen ? Buffer.from(body.toString('utf8').replace(/&NextToken=[^&]*/, '')) : body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

async function hostileScan(pick: (call: Call) => boolean, misbehaviour: Misbehaviour, limits: Record<string, string>): Promise<{ outcome: ScanOutcome; seconds: number; hits: number }> {
  const sandbox = await startSandbox({ world: WORLD, port: 0 });
  sandboxes.push(sandbox);
  const proxy = await hostileProxy(sandbox.url, pick, misbehaviour);
  const config = parseConfig('aws:\n  regions: [us-east-1, eu-west-1]\n', 'ward.config.yml', []);
  Object.assign(process.env, sandboxVariables(proxy.url, config), { AWS_MAX_ATTEMPTS: '2' }, limits);
  const started = performance.now();
  const outcome = await scan({ config, providers: ['aws'] });
  return { outcome, seconds: (performance.now() - started) / 1000, hits: proxy.hits() };
}

const volumesIn = (region: string) => (call: Call) => call.action === 'DescribeVolumes' && call.region === region;

function expectStuckScope(outcome: ScanOutcome, code: string, reason: RegExp): void {
  const gaps = outcome.scan.coverage.filter((g) => g.api === 'ec2:DescribeVolumes');
  expect(gaps.map((g) => [g.region, g.code])).toEqual([['eu-west-1', code]]);
  expect(gaps[0]?.reason).toMatch(reason);
  const volumes = outcome.scan.results.filter((f) => f.controlId === 'aws-ebs-volume-encrypted');
  expect(volumes.filter((f) => f.region === 'eu-west-1').map((f) => f.status)).toEqual(['ERROR']);
  expect(volumes.filter((f) => f.region === 'us-east-1').map((f) => f.status)).toEqual(['PASS']);
  // Other datasets of the same region were read normally.
  const euWest = outcome.scan.results.filter((f) => f.region === 'eu-west-1');
  expect(euWest.filter((f) => f.status === 'ERROR').map((f) => f.controlId)).toEqual(['aws-ebs-volume-encrypted']);
  expect(euWest.filter((f) => f.status !== 'ERROR').length).toBeGreaterThan(0);
}

describe('a cloud API that misbehaves', () => {
  it('never answers: the read stops at its deadline with ERROR + coverage for that scope', async () => {
    const { outcome, seconds } = await hostileScan(volumesIn('eu-west-1'), 'hang', { WARD_ATTEMPT_TIMEOUT_MS: '60000', WARD_READ_DEADLINE_MS: '1500' });
    expectStuckScope(outcome, 'ReadDeadlineExceeded', /did not finish within the read deadline of 1.5 s/);
    expect(seconds).toBeLessThan(10);
  });

  it('trickles bytes for ever: the attempt timeout covers the body, retries are bounded', async () => {
    const { outcome, seconds, hits } = await hostileScan(volumesIn('eu-west-1'), 'trickle', { WARD_ATTEMPT_TIMEOUT_MS: '400', WARD_READ_DEADLINE_MS: '20000' });
    const gap = outcome.scan.coverage.find((g) => g.api === 'ec2:DescribeVolumes');
    expect(gap?.region).toBe('eu-west-1');
    expect(outcome.scan.results.filter((f) => f.controlId === 'aws-ebs-volume-encrypted' && f.region === 'eu-west-1').map((f) => f.status)).toEqual(['ERROR']);
    expect(hits).toBe(2); // AWS_MAX_ATTEMPTS
    expect(seconds).toBeLessThan(10);
  });

  it('repeats the same NextToken: PaginationLoop, not an endless listing or a partial PASS', async () => {
    const repeat = { rewrite: (xml: string) => xml.replace('</volumeSet>', '</volumeSet><nextToken>again</nextToken>') };
    const { outcome, hits } = await hostileScan(volumesIn('eu-west-1'), repeat, {});
    expectStuckScope(outcome, 'PaginationLoop', /ec2:DescribeVolumes returned a page token it had already returned \(after 2 pages\)/);
    expect(hits).toBe(2);
  });

  it('alternates between two tokens: caught on the third page', async () => {
    const alternate = { rewrite: (xml: string, n: number) => xml.replace('</volumeSet>', `</volumeSet><nextToken>${n % 2 === 0 ? 'b' : 'a'}</nextToken>`) };
    const { outcome, hits } = await hostileScan(volumesIn('eu-west-1'), alternate, {});
    expectStuckScope(outcome, 'PaginationLoop', /after 3 pages/);
    expect(hits).toBe(3);
  });

  it('pages without end: stops at the page cap', async () => {
    const fresh = { rewrite: (xml: string, n: number) => xml.replace('</volumeSet>', `</volumeSet><nextToken>t${n}</nextToken>`) };
    const { outcome, hits } = await hostileScan(volumesIn('eu-west-1'), fresh, { WARD_MAX_PAGES: '5' });
    expectStuckScope(outcome, 'TooManyPages', /more than 5 pages \(WARD_MAX_PAGES\)/);
    expect(hits).toBe(5);
  });

  it('serves a 10 MB page: refused past the page byte cap without parsing it', async () => {
    const before = process.memoryUsage().rss;
    const { outcome } = await hostileScan(volumesIn('eu-west-1'), 'huge', { WARD_MAX_PAGE_BYTES: String(1024 * 1024) });
    expectStuckScope(outcome, 'PageTooLarge', /exceeded 1048576 bytes/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });
});

// A real S3-compatible server (s3rver) for store tests, plus two S3 guarantees it lacks. s3rver
// ignores If-Match / If-None-Match, and it writes objects in place, so a read racing a write can
// see an empty body. A small proxy in front of it enforces conditional writes the way S3 does
// (412 PreconditionFailed on a stale ETag) and serialises requests per key, as S3's atomic object
// replacement would appear. Ward's retry loop is tested over real HTTP against that; the proxy's
// own behaviour is asserted too.

import { mkdtempSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3Sandbox {
  /** s3rver itself. */
  directUrl: string;
  /** s3rver behind the conditional-write proxy. */
  url: string;
  conflicts: number;
  close(): Promise<void>;
}

function forward(target: number, req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

function currentEtag(target: number, path: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const head = request({ host: '127.0.0.1', port: target, method: 'HEAD', path: path.split('?')[0] }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? String(res.headers.etag) : undefined);
    });
    head.on('error', reject);
    head.end();
  });
}

/** s3rver checks that an access key exists (not its SigV4 signature); let these keys in too. */
async function admitKeys(keys: ReadonlyArray<{ accessKeyId: string; secretAccessKey: string }>): Promise<void> {
  if (keys.length === 0) return;
  const accounts = (await import('s3rver/lib/models/account.js')) as unknown as { default: { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } } };
  for (const key of keys) accounts.default.DUMMY_ACCOUNT.createKeyPair(key.accessKeyId, key.secretAccessKey);
}

export async function startS3(buckets: string[] = ['ward'], keys: ReadonlyArray<{ accessKeyId: string; secretAccessKey: string }> = []): Promise<S3Sandbox> {
  await admitKeys(keys);
  const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: mkdtempSync(join(tmpdir(), 'ward-s3-')), configureBuckets: buckets.map((name) => ({ name })) });
  const { port: target } = await s3rver.run();
  const locks = new Map<string, Promise<void>>();
  const state = { conflicts: 0 };

  const proxy: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const ifMatch = req.headers['if-match'];
      const ifNoneMatch = req.headers['if-none-match'];
      const conditional = req.method === 'PUT' && (ifMatch !== undefined || ifNoneMatch === '*');
      const key = (req.url ?? '').split('?')[0] ?? '';
      const run = async () => {
        if (conditional) {
          const etag = await currentEtag(target, key);
          const stale = ifNoneMatch === '*' ? etag !== undefined : etag !== ifMatch;
          if (stale) {
            state.conflicts += 1;
            res.writeHead(412, { 'content-type': 'application/xml' });
            res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>');
            return;
          }
        }
        const answer = await forward(target, req, body);
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      };
      const previous = locks.get(key) ?? Promise.resolve();
      const mine = previous.then(run, run).catch(() => {
        res.writeHead(502).end();
      });
      locks.set(key, mine);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    directUrl: `http://127.0.0.1:${target}`,
    url: `http://127.0.0.1:${port}`,
    get conflicts() {
      return state.conflicts;
    },
    close: async () => {
      await new Promise((resolve) => proxy.close(resolve));
      await s3rver.close();
    },
  };
}

// Lasting links end to end: the link the report and Slack messages carry is made with one set of
// temporary credentials; those expire; the download function, running later with its own fresh
// credentials, still turns the link into a download of the bundle's bytes. A plain pre-signed URL
// made with the first credentials is refused by then (ExpiredToken), which is the failure this fixes.
// Real parts: the handler behind a local stand-in for its Function URL, the KMS client against the
// sandbox's KMS, the S3 client against s3rver behind a gate that expires sessions as S3 does.

import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3BlobStore, parseS3Url } from '../core/store/s3.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { demoWorldPath, loadWorld } from '../sandbox/world.js';
import { newSession, startSessionGate, type Session, type SessionGate } from '../test/support/expiring-credentials.js';
import { S3_CREDENTIALS, startS3, type S3Sandbox } from '../test/support/s3.js';
import { main } from '../cli/main.js';
import { handler } from './download.js';
import { directStore, resetRuntime, store } from './runtime.js';

const BUNDLE = 'bundles/2026-W47.zip';
const WEEK_SECONDS = 7 * 24 * 3600;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Function URL's part: an HTTP request in, the payload-2.0 event to the handler, its answer out. */
async function serveFunctionUrl(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://function-url.invalid');
    const event = {
      version: '2.0',
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      queryStringParameters: Object.fromEntries(url.searchParams),
      requestContext: { http: { method: req.method, path: url.pathname } },
    };
    handler(event).then(
      (answer) => res.writeHead(answer.statusCode, answer.headers).end(answer.body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

function useCredentials(session: Session): void {
  vi.stubEnv('AWS_ACCESS_KEY_ID', session.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', session.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', session.sessionToken);
}

describe('lasting download links through the download function', () => {
  const reportSession = newSession(2500);
  const downloadSession = newSession(10 * 60_000);
  let s3: S3Sandbox;
  let gate: SessionGate;
  let sandbox: Sandbox;
  let door: { url: string; server: Server };
  const bundleBytes = randomBytes(200_000);

  beforeAll(async () => {
    s3 = await startS3(['ward-store'], [reportSession, downloadSession]);
    gate = await startSessionGate(s3.url, [reportSession, downloadSession]);
    sandbox = await startSandbox({ world: loadWorld(demoWorldPath()), port: 0 });
    door = await serveFunctionUrl();
    const admin = new S3BlobStore(parseS3Url('s3://ward-store/ward'), { endpoint: s3.url, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS });
    await admin.write(BUNDLE, bundleBytes);
    await admin.write('state/aws/111122223333.json', '{"secret":"not evidence"}');
    admin.destroy();
  });
  afterAll(async () => {
    await new Promise((resolve) => door.server.close(resolve));
    await sandbox.close();
    await gate.close();
    await s3.close();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    resetRuntime();
  });

  function deployedEnv(): void {
    for (const name of ['AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_ENDPOINT_URL']) vi.stubEnv(name, undefined);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_ENDPOINT_URL_S3', gate.url);
    vi.stubEnv('AWS_ENDPOINT_URL_KMS', sandbox.url);
    vi.stubEnv('WARD_STORE', 's3://ward-store/ward');
    vi.stubEnv('WARD_DOWNLOAD_LINK_KEY_ID', 'alias/ward-test-download-links');
    vi.stubEnv('WARD_DOWNLOAD_URL', door.url);
    vi.stubEnv('WARD_DOWNLOAD_URL_PARAMETER', undefined);
  }

  it('a 7-day link still downloads the bundle after the credentials that made it have expired', async () => {
    deployedEnv();
    useCredentials(reportSession);
    // What the report function and the run messages do: ask the store for a link.
    const lasting = await store().blobs.downloadLink(BUNDLE, WEEK_SECONDS);
    const presigned = await directStore().blobs.downloadLink(BUNDLE, WEEK_SECONDS);
    expect(lasting.startsWith(`${door.url}?t=`)).toBe(true);
    expect(new URL(presigned).searchParams.get('X-Amz-Expires')).toBe(String(WEEK_SECONDS));
    expect(Buffer.from(await (await fetch(presigned)).arrayBuffer())).toEqual(bundleBytes);

    await sleep(reportSession.expiration.getTime() - Date.now() + 50);
    // The old link, whatever its X-Amz-Expires: dead with its credentials.
    const dead = await fetch(presigned);
    expect(dead.status).toBe(400);
    expect(await dead.text()).toContain('<Code>ExpiredToken</Code>');
    expect(gate.expired).toBe(1);

    // The download function, later, with its own fresh credentials.
    useCredentials(downloadSession);
    const logged: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => logged.push(String(chunk)) > 0);
    const redirect = await fetch(lasting, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('cache-control')).toBe('no-store');
    const location = new URL(redirect.headers.get('location') ?? '');
    expect(location.searchParams.get('X-Amz-Credential')?.split('/')[0]).toBe(downloadSession.accessKeyId);
    expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
    const download = await fetch(lasting);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bundleBytes);
    expect(gate.expired).toBe(1);
    spy.mockRestore();
    // The token and the pre-signed URL are bearer credentials: the logs name the key only.
    expect(logged.join('')).toContain('"event":"download.redirect","key":"bundles/2026-W47.zip"');
    expect(logged.join('')).not.toMatch(/X-Amz-Signature|\?t=|WARDSESSION/);
    expect(logged.join('')).not.toContain(new URL(lasting).searchParams.get('t') ?? 'no token');
  });

  it('refuses a tampered, expired or non-evidence link with a plain reason and no redirect', async () => {
    deployedEnv();
    useCredentials(downloadSession);
    const links = store().blobs;
    const good = new URL(await links.downloadLink(BUNDLE, 3600));
    const token = good.searchParams.get('t') ?? '';
    const [payload = '', mac = ''] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { v: number; k: string; e: number };
    const swapped = `${Buffer.from(JSON.stringify({ ...claims, k: 'bundles/2026-W46.zip' })).toString('base64url')}.${mac}`;
    const refusals: Array<[string, number, string]> = [
      [swapped, 403, 'its signature does not match'],
      [`${Buffer.from(JSON.stringify({ ...claims, e: 1_000_000 })).toString('base64url')}.${mac}`, 403, 'This download link expired on 1970-01-12T13:46:40.000Z'],
      [`${Buffer.from(JSON.stringify({ ...claims, k: 'state/aws/111122223333.json' })).toString('base64url')}.${mac}`, 403, 'does not name a downloadable evidence file'],
      [`${Buffer.from(JSON.stringify({ ...claims, k: 'bundles/../state/aws/111122223333.json' })).toString('base64url')}.${mac}`, 403, 'does not name a downloadable evidence file'],
      ['garbage', 403, 'not valid'],
      ['', 400, 'needs a download link token'],
    ];
    for (const [candidate, status, reason] of refusals) {
      const answer = await fetch(`${door.url}?t=${encodeURIComponent(candidate)}`, { redirect: 'manual' });
      expect(answer.status, candidate).toBe(status);
      expect(answer.headers.get('location')).toBeNull();
      const body = await answer.text();
      expect(body).toContain(reason);
      expect(body).not.toMatch(/at .*\.ts|Error:|X-Amz|WARDSESSION/);
    }
    const post = await fetch(good, { method: 'POST', redirect: 'manual' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    // An issuer cannot be talked into a link for something that is not evidence.
    await expect(links.downloadLink('state/aws/111122223333.json', 3600)).rejects.toThrow('only keys under bundles/ or reports/');
    await expect(links.downloadLink(BUNDLE, 32 * 24 * 3600)).rejects.toThrow('a download link lasts from 1 s to 31 days');
  });

  it('answers 502 with a plain line, not a trace, when KMS or S3 cannot be reached', async () => {
    deployedEnv();
    useCredentials(downloadSession);
    const link = await store().blobs.downloadLink(BUNDLE, 3600);
    vi.stubEnv('AWS_ENDPOINT_URL_KMS', 'http://127.0.0.1:9');
    const answer = await fetch(link, { redirect: 'manual' });
    expect(answer.status).toBe(502);
    expect(await answer.text()).toBe('The file could not be fetched just now. Try the link again in a minute.\n');
  });

  it('ward evidence url makes the same lasting link when the download function is configured, and warns about a pre-signed one otherwise', async () => {
    deployedEnv();
    useCredentials(downloadSession);
    const run = async () => {
      let stdout = '';
      let stderr = '';
      const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (stdout += String(chunk)).length > 0);
      const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr += String(chunk)).length > 0);
      try {
        return { code: await main(['node', 'ward', 'evidence', 'url', '--week', '2026-W47', '--expires', '2d']), stdout, stderr };
      } finally {
        out.mockRestore();
        err.mockRestore();
      }
    };
    const lasting = await run();
    expect(lasting.code).toBe(0);
    expect(lasting.stdout.startsWith(`${door.url}?t=`)).toBe(true);
    expect(lasting.stderr).toBe('');
    const download = await fetch(lasting.stdout.trim());
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bundleBytes);
    vi.stubEnv('WARD_DOWNLOAD_URL', undefined);
    const presigned = await run();
    expect(new URL(presigned.stdout.trim()).searchParams.get('X-Amz-Expires')).toBe(String(2 * 86400));
    expect(presigned.stderr).toContain('stops working when the credentials that signed it expire');
  });

  it('without a download function configured, links are plain pre-signed URLs (the local CLI, sls invoke local)', async () => {
    deployedEnv();
    vi.stubEnv('WARD_DOWNLOAD_URL', undefined);
    useCredentials(downloadSession);
    const link = new URL(await store().blobs.downloadLink(BUNDLE, 3600));
    expect(link.searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(link.searchParams.has('t')).toBe(false);
  });
});

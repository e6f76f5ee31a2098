// `sls invoke local -f scan`: the real handler, bundled by serverless-esbuild, scanning the sandbox
// cloud and storing into S3 (s3rver) — the same engine the CLI runs, through the Lambda door.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore, parseS3Url } from '../../core/store/s3.js';
import { ScanStore } from '../../core/store/scans.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY, sandboxEnv } from '../../sandbox/env.js';
import { startSandbox } from '../../sandbox/server.js';
import { demoWorldPath, loadWorld } from '../../sandbox/world.js';
import { cleanEnv } from '../support/cli.js';
import { startS3, type S3Sandbox } from '../support/s3.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SLS = join(ROOT, 'node_modules', '.bin', 'sls');

describe('sls invoke local -f scan', () => {
  let s3: S3Sandbox;
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let dir: string;

  beforeAll(async () => {
    s3 = await startS3(['ward-store'], [{ accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }]);
    sandbox = await startSandbox({ world: loadWorld(demoWorldPath()), port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'ward-invoke-'));
    writeFileSync(
      join(dir, 'ward.config.yml'),
      'organizationName: Larkspur Health\norganization: true\naws:\n  memberRole: { name: WardAuditRole, externalId: larkspur-ward-7f3a9c }\n',
    );
  });
  afterAll(async () => {
    await sandbox.close();
    await s3.close();
  });

  function invoke(data: string) {
    const env = cleanEnv({ ...sandboxEnv(sandbox.url), AWS_ENDPOINT_URL_S3: s3.url, SLS_TELEMETRY_DISABLED: '1' });
    const overrides = {
      WARD_STORE: 's3://ward-store/ward',
      WARD_CONFIG: join(dir, 'ward.config.yml'),
      WARD_SCAN_QUEUE_URL: 'none',
      WARD_SLACK_WEBHOOK_PARAMETER: 'none',
      AWS_ENDPOINT_URL: sandbox.url,
      AWS_ENDPOINT_URL_S3: s3.url,
    };
    const args = ['invoke', 'local', '-f', 'scan', '--stage', 'test', '--data', data, ...Object.entries(overrides).flatMap(([k, v]) => ['-e', `${k}=${v}`])];
    return promisify(execFile)(SLS, args, { cwd: ROOT, env, timeout: 240_000, maxBuffer: 32 * 1024 * 1024 });
  }

  it('runs a real scan through the handler and stores it in S3', async () => {
    const { stdout } = await invoke('{"providers":["aws"]}');
    const summary = JSON.parse(stdout.slice(stdout.indexOf('{\n'), stdout.lastIndexOf('}') + 1)) as {
      mode: string;
      scanId: string;
      runner?: { kind: string; function?: string };
      targets: Array<{ account: string; identity?: { principal: string; via: string } }>;
      results: Record<string, number>;
      changes: { new: number };
    };
    expect(summary.mode).toBe('inline');
    expect(summary.targets.map((t) => t.account).sort()).toEqual(['284716359042', '503164781925', '617493028513']);
    // Who scanned, in the function's summary: the AWS principal per account, and the function it ran in.
    for (const t of summary.targets) expect(t.identity?.principal, t.account).toMatch(/^arn:aws:(sts|iam)::\d{12}:/);
    expect(summary.runner?.kind).toBe('lambda');
    expect(summary.results.FAIL).toBeGreaterThan(0);
    expect(summary.changes.new).toBe(summary.results.FAIL);

    const store = new ScanStore(new S3BlobStore(parseS3Url('s3://ward-store/ward'), { endpoint: s3.directUrl, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }));
    expect(await store.listScanIds()).toEqual([summary.scanId]);
    expect((await store.loadAllStates()).map((s) => s.account).sort()).toEqual(['284716359042', '503164781925', '617493028513']);
  }, 240_000);

  it('rejects a bad payload with a clear error and writes nothing', async () => {
    const before = await new S3BlobStore(parseS3Url('s3://ward-store/ward'), { endpoint: s3.directUrl, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }).list('');
    const failure = await invoke('{"regions":"eu-west-1"}').then(
      () => undefined,
      (error: unknown) => error as { stdout: string; stderr: string },
    );
    expect(failure).toBeDefined();
    expect(`${failure?.stdout}${failure?.stderr}`).toContain('Invalid scan payload; nothing was scanned or written. payload.regions: must be array');
    const after = await new S3BlobStore(parseS3Url('s3://ward-store/ward'), { endpoint: s3.directUrl, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }).list('');
    expect(after).toEqual(before);
  }, 240_000);
});

describe('sls invoke local -f report', () => {
  it('builds the weekly evidence from the S3 store through the bundled handler', async () => {
    const s3 = await startS3(['ward-store'], [{ accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }]);
    const sandbox = await startSandbox({ world: loadWorld(demoWorldPath()), port: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'ward-invoke-'));
    writeFileSync(join(dir, 'ward.config.yml'), 'organizationName: Larkspur Health\naws:\n  includeCurrentAccount: true\n');
    try {
      const env = cleanEnv({ ...sandboxEnv(sandbox.url), AWS_ENDPOINT_URL_S3: s3.url, SLS_TELEMETRY_DISABLED: '1' });
      const common = {
        WARD_STORE: 's3://ward-store/ward',
        WARD_CONFIG: join(dir, 'ward.config.yml'),
        WARD_SCAN_QUEUE_URL: 'none',
        WARD_SLACK_WEBHOOK_PARAMETER: 'none',
        WARD_EVIDENCE_KMS_KEY_ID: 'none',
        WARD_EVIDENCE_RETENTION_DAYS: '0',
        WARD_EVIDENCE_HMAC_KEY: Buffer.alloc(32, 7).toString('base64'),
        AWS_ENDPOINT_URL: sandbox.url,
        AWS_ENDPOINT_URL_S3: s3.url,
      };
      const run = (fn: string, data: string) =>
        promisify(execFile)(SLS, ['invoke', 'local', '-f', fn, '--stage', 'test', '--data', data, ...Object.entries(common).flatMap(([k, v]) => ['-e', `${k}=${v}`])], {
          cwd: ROOT,
          env,
          timeout: 240_000,
          maxBuffer: 32 * 1024 * 1024,
        }).catch((error: { stdout?: string; stderr?: string }) => {
          throw new Error(`sls invoke local -f ${fn} failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
        });
      await run('scan', '{}');
      const week = (await import('../../reports/week.js')).isoWeekOf(new Date()).id;
      const { stdout } = await run('report', JSON.stringify({ week }));
      const response = JSON.parse(stdout.slice(stdout.indexOf('{\n'), stdout.lastIndexOf('}') + 1)) as { week: string; pages: number; keys: Record<string, string> };
      expect(response.week).toBe(week);
      expect(response.pages).toBeGreaterThan(3);
      const blobs = new S3BlobStore(parseS3Url('s3://ward-store/ward'), { endpoint: s3.directUrl, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      const pdf = await blobs.readBytes(`reports/${week}/report.pdf`);
      expect(pdf?.subarray(0, 5).toString()).toBe('%PDF-');
      expect(await blobs.list('bundles/')).toEqual([`bundles/${week}.manifest.json`, `bundles/${week}.zip`, 'bundles/verify.html']);
    } finally {
      await sandbox.close();
      await s3.close();
    }
  }, 240_000);
});

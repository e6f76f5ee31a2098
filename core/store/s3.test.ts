import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3BlobStore, parseS3Url, isWriteConflict } from './s3.js';
import { ScanStore } from './scans.js';
import { startS3, S3_CREDENTIALS, type S3Sandbox } from '../../test/support/s3.js';
import { finding, scanOf } from '../../test/support/findings.js';

describe('S3 store (against s3rver)', () => {
  let s3: S3Sandbox;
  const storeAt = (prefix: string, url = s3.url) =>
    new S3BlobStore(parseS3Url(`s3://ward/${prefix}`), { endpoint: url, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS });

  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(() => s3.close());

  it('parses s3:// locations', () => {
    expect(parseS3Url('s3://ward-evidence/prod/')).toEqual({ bucket: 'ward-evidence', prefix: 'prod/' });
    expect(parseS3Url('s3://ward-evidence')).toEqual({ bucket: 'ward-evidence', prefix: '' });
    expect(() => parseS3Url('s3://UPPER/x')).toThrow('expected s3://bucket[/prefix]');
  });

  it('writes, reads and lists under its prefix, with the local layout', async () => {
    const blobs = storeAt('t1');
    const store = new ScanStore(blobs);
    await store.recordScan(scanOf([finding('vol-a', 'FAIL')], { scanId: 'scan-s3-1' }));
    expect(await blobs.list('')).toEqual(['scans/scan-s3-1.json', 'state/aws/111122223333.json']);
    expect((await store.loadScan('scan-s3-1'))?.results).toHaveLength(1);
    expect((await store.loadState('aws', '111122223333'))?.tracked[0]?.state).toBe('new');
    expect(await blobs.read('missing.json')).toBeUndefined();
  });

  it('streams a multi-part upload byte for byte', async () => {
    const blobs = storeAt('t2');
    const part = Buffer.alloc(1024 * 1024, 'x');
    const chunks = Array.from({ length: 10 }, (_, i) => Buffer.concat([Buffer.from(`chunk ${i}\n`), part]));
    await blobs.writeStream('reports/big.csv', Readable.from(chunks));
    expect((await blobs.readBytes('reports/big.csv'))?.equals(Buffer.concat(chunks))).toBe(true);
  });

  it('gives a pre-signed link that downloads the object, and refuses more than 7 days', async () => {
    const blobs = storeAt('t3', s3.directUrl);
    await blobs.write('bundles/2026-W47.zip', new Uint8Array([1, 2, 3]));
    const link = await blobs.downloadLink('bundles/2026-W47.zip', 3600);
    expect(link).toContain('X-Amz-Expires=3600');
    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([1, 2, 3]);
    await expect(blobs.downloadLink('bundles/2026-W47.zip', 8 * 24 * 3600)).rejects.toThrow('at most 7 days');
  });

  it('the proxy answers a stale conditional write with 412, as S3 does', async () => {
    const client = new S3Client({ endpoint: s3.url, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED' });
    await client.send(new PutObjectCommand({ Bucket: 'ward', Key: 't4/x', Body: 'one' }));
    const error = await client.send(new PutObjectCommand({ Bucket: 'ward', Key: 't4/x', Body: 'two', IfMatch: '"stale"' })).catch((e: unknown) => e);
    expect(isWriteConflict(error)).toBe(true);
    client.destroy();
  });

  it('loses no update when twenty writers change one state object at once', async () => {
    const blobs = storeAt('t5');
    const before = s3.conflicts;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        blobs.update('state/counter.json', (text) => {
          const seen = text === undefined ? [] : (JSON.parse(text) as number[]);
          return JSON.stringify([...seen, i]);
        }),
      ),
    );
    const final = JSON.parse((await blobs.read('state/counter.json')) ?? '[]') as number[];
    expect(final.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(s3.conflicts - before).toBeGreaterThan(0);
  });
});

describe('S3 store, Object Lock on evidence', () => {
  it('puts retention on the PUT itself for objects under the locked prefix, and only there (no second call a crash could skip)', async () => {
    const { mockClient } = await import('aws-sdk-client-mock');
    const { PutObjectRetentionCommand, CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand } = await import('@aws-sdk/client-s3');
    // s3rver has no Object Lock, so this path is checked on the calls the store makes.
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).resolves({ ETag: '"x"' });
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    s3.on(UploadPartCommand).resolves({ ETag: '"p"' });
    s3.on(CompleteMultipartUploadCommand).resolves({});
    const blobs = new S3BlobStore(parseS3Url('s3://ward/prod'), { region: 'us-east-1' }, { prefix: 'bundles/', days: 2190 });
    const before = Date.now();
    await blobs.write('bundles/2026-W47.manifest.json', '{}');
    await blobs.write('state/aws/1.json', '{}');
    await blobs.writeStream('bundles/2026-W47.zip', Readable.from([Buffer.alloc(9 * 1024 * 1024)]));
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.find((p) => p.Key === 'prod/bundles/2026-W47.manifest.json')).toMatchObject({ ObjectLockMode: 'GOVERNANCE', ChecksumAlgorithm: 'CRC32' });
    expect(puts.find((p) => p.Key === 'prod/state/aws/1.json')?.ObjectLockMode).toBeUndefined();
    const until = puts[0]?.ObjectLockRetainUntilDate?.getTime() ?? 0;
    expect(until - before).toBeGreaterThanOrEqual(2190 * 24 * 3600 * 1000);
    const multipart = s3.commandCalls(CreateMultipartUploadCommand).map((c) => c.args[0].input);
    expect(multipart).toEqual([expect.objectContaining({ Key: 'prod/bundles/2026-W47.zip', ObjectLockMode: 'GOVERNANCE', ChecksumAlgorithm: 'CRC32' })]);
    expect(s3.commandCalls(PutObjectRetentionCommand)).toHaveLength(0);
    s3.restore();
  });

  it('uses compliance mode when configured', async () => {
    const { mockClient } = await import('aws-sdk-client-mock');
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).resolves({ ETag: '"x"' });
    const blobs = new S3BlobStore(parseS3Url('s3://ward/prod'), { region: 'us-east-1' }, { prefix: 'bundles/', days: 30, mode: 'COMPLIANCE' });
    await blobs.write('bundles/2026-W47.manifest.json', '{}');
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.ObjectLockMode).toBe('COMPLIANCE');
    s3.restore();
  });
});

describe('S3 store, weekly evidence', () => {
  it('takes the report and the bundle, streamed together, without a premature close', async () => {
    const { buildWeeklyEvidence } = await import('../../reports/weekly.js');
    const s3 = await startS3(['evidence']);
    try {
      const blobs = new S3BlobStore(parseS3Url('s3://evidence/ward'), { endpoint: s3.url, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS });
      const store = new ScanStore(blobs);
      const now = new Date();
      await store.recordScan(scanOf([finding('vol-a', 'FAIL')], { at: now.toISOString() }));
      const evidence = await buildWeeklyEvidence(store, { organization: 'Clinic', mutes: [], now });
      expect(evidence.pages).toBeGreaterThan(1);
      expect((await blobs.readBytes(evidence.keys.bundle))?.subarray(0, 2).toString()).toBe('PK');
      expect((await blobs.readBytes(evidence.keys.pdf))?.subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await s3.close();
    }
  }, 60_000);
});

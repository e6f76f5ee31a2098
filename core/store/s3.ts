// The store in an S3 bucket (`s3://bucket/prefix`), with the local store's layout. Objects are
// replaced whole by PutObject; read-modify-write of shared objects (account state) uses
// conditional writes on the ETag and retries on conflict, so concurrent writers lose no update.

import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type ObjectLockMode, type S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, Mutation } from './blob.js';
import { s3LocationUrl, type RetentionRule, type S3Location } from './s3-location.js';

export { parseS3Url, type RetentionRule, type S3Location } from './s3-location.js';

/** S3's own limit for a pre-signed URL signed with SigV4. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const MAX_UPDATE_ATTEMPTS = 12;

function errorStatus(error: unknown): { name: string; status: number | undefined } {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return { name: e.name ?? '', status: e.$metadata?.httpStatusCode };
}

function isMissing(error: unknown): boolean {
  const { name, status } = errorStatus(error);
  return name === 'NoSuchKey' || name === 'NotFound' || status === 404;
}

/** Someone else wrote the object since we read it (412), or is writing it right now (409). */
export function isWriteConflict(error: unknown): boolean {
  const { name, status } = errorStatus(error);
  return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || status === 412 || status === 409;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class S3BlobStore implements BlobStore {
  readonly location: string;
  private readonly client: S3Client;

  constructor(
    private readonly where: S3Location,
    config: S3ClientConfig = {},
    private readonly retention?: RetentionRule,
  ) {
    this.location = s3LocationUrl(where);
    // Checksums only when S3 requires them: S3-compatible servers mangle streamed uploads otherwise.
    this.client = new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', ...config });
  }

  async read(key: string): Promise<string | undefined> {
    return (await this.readVersion(key))?.body.toString('utf8');
  }

  async readBytes(key: string): Promise<Buffer | undefined> {
    return (await this.readVersion(key))?.body;
  }

  async write(key: string, body: string | Uint8Array): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.where.bucket, Key: this.keyOf(key), Body: body, ContentType: contentType(key), ...this.lockOnWrite(key) }));
  }

  /**
   * Spools the stream to a temporary file, then uploads the file: the producer (a report being
   * rendered, a zip being assembled) never waits on S3, memory stays bounded, and a producer that
   * fails leaves nothing in the bucket. A multipart upload becomes visible only when completed.
   */
  async writeStream(key: string, body: Readable): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'ward-upload-'));
    const spool = join(dir, 'body');
    try {
      await pipeline(body, createWriteStream(spool));
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.where.bucket, Key: this.keyOf(key), Body: createReadStream(spool), ContentType: contentType(key), ...this.lockOnWrite(key) },
        queueSize: 2,
        partSize: 8 * 1024 * 1024,
      });
      await upload.done();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Evidence that must outlive tampering: the retention travels on the PUT (or the multipart
   * upload's creation) itself, so no version is ever visible unlocked — a crash cannot leave one.
   * S3 requires a checksum on writes that carry Object Lock settings.
   */
  private lockOnWrite(key: string): { ObjectLockMode?: ObjectLockMode; ObjectLockRetainUntilDate?: Date; ChecksumAlgorithm?: 'CRC32' } {
    if (this.retention === undefined || !key.startsWith(this.retention.prefix)) return {};
    const until = new Date(Date.now() + this.retention.days * 24 * 3600 * 1000);
    return { ObjectLockMode: this.retention.mode ?? 'GOVERNANCE', ObjectLockRetainUntilDate: until, ChecksumAlgorithm: 'CRC32' };
  }

  async update(key: string, mutate: Mutation): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.readVersion(key);
      const next = mutate(current?.body.toString('utf8'));
      if (next === undefined) return;
      try {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.where.bucket,
            Key: this.keyOf(key),
            Body: next,
            ContentType: contentType(key),
            ...(current === undefined ? { IfNoneMatch: '*' } : { IfMatch: current.etag }),
          }),
        );
        return;
      } catch (error) {
        if (!isWriteConflict(error) || attempt >= MAX_UPDATE_ATTEMPTS) throw error;
        await sleep(Math.random() * Math.min(2000, 25 * 2 ** attempt));
      }
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.where.bucket, Prefix: this.keyOf(prefix), ...(token === undefined ? {} : { ContinuationToken: token }) }),
      );
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key.slice(this.where.prefix.length));
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  }

  async downloadLink(key: string, expiresInSeconds: number): Promise<string> {
    if (expiresInSeconds > MAX_PRESIGN_SECONDS) throw new Error(`a pre-signed URL lasts at most 7 days (${MAX_PRESIGN_SECONDS} s)`);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.where.bucket, Key: this.keyOf(key) }), { expiresIn: expiresInSeconds });
  }

  destroy(): void {
    this.client.destroy();
  }

  private async readVersion(key: string): Promise<{ body: Buffer; etag: string | undefined } | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key: this.keyOf(key) }));
      const bytes = await response.Body?.transformToByteArray();
      return { body: Buffer.from(bytes ?? new Uint8Array()), etag: response.ETag };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  private keyOf(key: string): string {
    if (key.split('/').some((part) => part === '..')) throw new Error(`invalid store key ${key}`);
    return `${this.where.prefix}${key}`;
  }
}

function contentType(key: string): string {
  if (key.endsWith('.json')) return 'application/json';
  if (key.endsWith('.csv')) return 'text/csv';
  if (key.endsWith('.pdf')) return 'application/pdf';
  if (key.endsWith('.zip')) return 'application/zip';
  // verify.html / report.html open in the browser from a pre-signed link (their CSP allows no network).
  if (key.endsWith('.html')) return 'text/html; charset=utf-8';
  return 'application/octet-stream';
}

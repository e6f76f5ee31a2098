// The weekly evidence bundle, bundles/<week>.zip: manifest.json (every other file's SHA-256 and size,
// the period, the generator, when it was made, and the SHA-256 of the previous week's manifest.json),
// manifest.sig when a signing key is configured, report.pdf / report.json / report.csv, and the raw
// scan documents of the week under scans/. A copy of each manifest is kept at
// bundles/<week>.manifest.json so the chain can be followed without unzipping anything.

import { createHash } from 'node:crypto';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { ZipFile } from 'yazl';
import { UserError } from '../core/errors.js';
import type { BlobStore } from '../core/store/blob.js';
import { signatureBytes, type EvidenceSigner } from './signing.js';

export const MANIFEST_SCHEMA_VERSION = 1;
export const MANIFEST_KIND = 'ward.evidence-manifest';
export const MANIFEST_NAME = 'manifest.json';
export const SIGNATURE_NAME = 'manifest.sig';
/**
 * Every other listed file's digest in the format `sha256sum -c` reads; listed in manifest.json itself,
 * so the signed manifest covers it and it covers the files: verifiable with stock tools alone.
 */
export const CHECKSUMS_NAME = 'SHA256SUMS';

export interface ManifestFile {
  /** Path inside the bundle. */
  path: string;
  sha256: string;
  size: number;
}

export interface Manifest {
  schemaVersion: typeof MANIFEST_SCHEMA_VERSION;
  kind: typeof MANIFEST_KIND;
  week: string;
  period: { start: string; end: string };
  organization: string;
  generator: { name: 'ward'; version: string };
  createdAt: string;
  /** SHA-256 (hex) of the previous week's manifest.json bytes; null for the first bundle of a chain. */
  previous: string | null;
  /** The week of that manifest (the latest earlier bundle), or null. */
  previousWeek: string | null;
  files: ManifestFile[];
}

/** An audit-period bundle's manifest (reports/period-evidence.ts): outside the weekly chain. */
export const PERIOD_MANIFEST_KIND = 'ward.period-evidence-manifest';
export interface PeriodManifest {
  schemaVersion: 1;
  kind: typeof PERIOD_MANIFEST_KIND;
  period: { from: string; to: string; start: string; end: string };
  organization: string;
  generator: { name: 'ward'; version: string };
  createdAt: string;
  /** The weekly bundles' manifests for the weeks the period overlaps, by SHA-256 of their bytes. */
  weeklyManifests: Array<{ week: string; sha256: string }>;
  /** Weeks the period overlaps that have no weekly bundle. */
  weeksWithoutBundle: string[];
  files: ManifestFile[];
}

export const bundleKey = (week: string): string => `bundles/${week}.zip`;
export const manifestKey = (week: string): string => `bundles/${week}.manifest.json`;
const MANIFEST_KEY = /^bundles\/(\d{4}-W\d{2})\.manifest\.json$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Passes bytes through while counting them and computing their SHA-256. */
export class DigestStream extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;
  private hex: string | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.hex = this.hash.digest('hex');
    callback();
  }

  /** Available once the stream has ended. */
  get sha256(): string {
    if (this.hex === undefined) throw new Error('digest read before the stream ended');
    return this.hex;
  }
}

/**
 * Weeks with a bundle and its manifest copy in the store, oldest first. A copy without its bundle
 * is what a crash while the bundle was being written leaves (the copy is written first): that week
 * has no evidence yet, and nothing chains to it.
 */
export async function bundledWeeks(blobs: BlobStore): Promise<string[]> {
  const weeks: string[] = [];
  const keys = await blobs.list('bundles/');
  const present = new Set(keys);
  for (const key of keys) {
    const match = MANIFEST_KEY.exec(key);
    if (match?.[1] !== undefined && present.has(bundleKey(match[1]))) weeks.push(match[1]);
  }
  return weeks.sort();
}

export interface ChainLink {
  previous: string | null;
  previousWeek: string | null;
}

/**
 * The link to record in a new bundle for `week`: the latest earlier manifest. Refuses to rebuild a
 * week a later bundle already chains to (that would break the chain).
 */
export async function chainLinkFor(blobs: BlobStore, week: string): Promise<ChainLink> {
  const weeks = await bundledWeeks(blobs);
  for (const later of weeks.filter((w) => w > week)) {
    const text = await blobs.read(manifestKey(later));
    let recorded: unknown;
    try {
      recorded = text === undefined ? undefined : (JSON.parse(text) as Partial<Manifest>).previousWeek;
    } catch {
      recorded = undefined;
    }
    if (recorded === week) {
      throw new UserError(`The ${later} bundle is chained to the ${week} bundle: rebuilding ${week} would break the evidence chain. Keep the existing ${week} bundle.`);
    }
  }
  const previousWeek = weeks.filter((w) => w < week).pop();
  if (previousWeek === undefined) return { previous: null, previousWeek: null };
  const bytes = await blobs.readBytes(manifestKey(previousWeek));
  if (bytes === undefined) return { previous: null, previousWeek: null };
  return { previous: sha256Hex(bytes), previousWeek };
}

/** SHA256SUMS: `<sha256>  <path>` per file, as coreutils' sha256sum writes and checks it. */
export function sha256sums(files: readonly ManifestFile[]): Buffer {
  return Buffer.from(files.map((f) => `${f.sha256}  ${f.path}\n`).join(''), 'utf8');
}

/** manifest.json bytes, as stored in the bundle and in bundles/<week>.manifest.json. */
export function manifestBytes(manifest: object): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

/**
 * Writes a bundle zip into the store while its files are being produced: each report streams into
 * the store and into the zip at once (nothing is read back whole), the scan documents are copied one
 * at a time, and manifest.json (with manifest.sig) is added last, once every digest is known.
 */
export class BundleWriter {
  private readonly zip = new ZipFile();
  private readonly output: Readable;
  private readonly writing: Promise<void>;
  /** Rejects as soon as writing the zip fails, so that producers waiting on it stop. */
  readonly failed: Promise<never>;
  private readonly files: ManifestFile[] = [];

  constructor(
    private readonly blobs: BlobStore,
    readonly key: string,
    private readonly mtime: Date,
  ) {
    // yazl's outputStream is a PassThrough. Wrapping it in a legacy Readable lost its flow and
    // hung some bundles (around 5,000 findings) before the manifest was added.
    this.output = this.zip.outputStream as Readable;
    this.zip.on('error', (error: Error) => this.output.destroy(error));
    this.writing = blobs.writeStream(key, this.output);
    this.failed = this.writing.then(
      () => new Promise<never>(() => undefined),
      (error: unknown) => Promise.reject(error instanceof Error ? error : new Error(String(error))),
    );
    // Observed here; callers race their own work against it.
    this.failed.catch(() => undefined);
  }

  /** The files added so far, with their digests, in order. */
  get manifestFiles(): readonly ManifestFile[] {
    return this.files;
  }

  /**
   * Streams `source` into the store under `key` and into the zip as `path` at once, and records the
   * file's SHA-256 and size. Resolves when the store has the whole file.
   */
  async addStreamed(path: string, key: string, source: Readable, options: { compress: boolean }): Promise<ManifestFile> {
    const digest = new DigestStream();
    const entry = new PassThrough();
    source.on('error', (error) => {
      digest.destroy(error);
      entry.destroy(error);
    });
    source.pipe(digest);
    source.pipe(entry);
    this.zip.addReadStream(entry, path, { mtime: this.mtime, compress: options.compress });
    await Promise.race([this.blobs.writeStream(key, digest), this.failed]);
    const file = { path, sha256: digest.sha256, size: digest.size };
    this.files.push(file);
    return file;
  }

  /**
   * Copies an object of the store (a scan document) into the zip. It is read when the zip gets to it,
   * one at a time; the promise resolves with its digest then.
   */
  addStored(path: string, key: string): Promise<ManifestFile> {
    const file: ManifestFile = { path, sha256: '', size: 0 };
    this.files.push(file);
    const read = new Promise<ManifestFile>((resolve, reject) => {
      this.zip.addReadStreamLazy(path, { mtime: this.mtime, compress: true }, (callback) => {
        this.blobs.readBytes(key).then(
          (bytes) => {
            if (bytes === undefined) {
              const error = new Error(`${key} disappeared from the store while the bundle was being made`);
              reject(error);
              return callback(error, Readable.from([]));
            }
            file.sha256 = sha256Hex(bytes);
            file.size = bytes.length;
            resolve(file);
            callback(null, Readable.from([bytes], { objectMode: false }));
          },
          (error: unknown) => {
            reject(error instanceof Error ? error : new Error(String(error)));
            callback(error, Readable.from([]));
          },
        );
      });
    });
    return Promise.race([read, this.failed]);
  }

  /** Adds a small file made in memory (SHA256SUMS) and records its digest. */
  addBuffer(path: string, bytes: Buffer): ManifestFile {
    this.zip.addBuffer(bytes, path, { mtime: this.mtime, compress: true });
    const file = { path, sha256: sha256Hex(bytes), size: bytes.length };
    this.files.push(file);
    return file;
  }

  /** Adds manifest.json (and manifest.sig), ends the zip and waits until the store has it. */
  async finish(manifest: Buffer, signature: Buffer | undefined): Promise<void> {
    this.zip.addBuffer(manifest, MANIFEST_NAME, { mtime: this.mtime, compress: true });
    if (signature !== undefined) this.zip.addBuffer(signature, SIGNATURE_NAME, { mtime: this.mtime, compress: false });
    this.zip.end();
    await this.writing;
  }

  /**
   * Adds manifest.json (signed when a signer is given), ends the zip, and keeps a copy of the manifest
   * at `copyKey` so the chain can be followed without unzipping anything.
   */
  async seal(manifest: object, signer: EvidenceSigner | undefined, copyKey: string): Promise<void> {
    const bytes = manifestBytes(manifest);
    const signature = signer === undefined ? undefined : await signatureBytes(signer, bytes);
    // The copy first: a crash before the bundle is complete leaves a copy without a bundle, which
    // nothing chains to (see bundledWeeks), never a bundle the next week would chain past.
    await this.blobs.write(copyKey, bytes);
    await this.finish(bytes, signature);
  }

  /** Gives up: the store keeps no partial zip. */
  async abort(error: Error): Promise<void> {
    this.output.destroy(error);
    await this.writing.catch(() => undefined);
  }
}

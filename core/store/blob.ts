// The store is a set of objects under keys like `scans/<id>.json`; a backend only needs to read,
// write atomically and list. The local directory store and the S3 store share the layout.

import type { Readable } from 'node:stream';

/**
 * Computes an object's new text from its current text (undefined: no object yet). Returning
 * undefined leaves the object as it is. May run more than once when writers race: keep it pure.
 */
export type Mutation = (current: string | undefined) => string | undefined;

export interface BlobStore {
  /** Where the store lives, for messages (a directory or an s3:// URL). */
  readonly location: string;
  /** The object's text, or undefined when there is none. */
  read(key: string): Promise<string | undefined>;
  readBytes(key: string): Promise<Buffer | undefined>;
  /** Replaces the object whole: a reader sees the old content or the new, never a mix. */
  write(key: string, body: string | Uint8Array): Promise<void>;
  /** Like write, for content produced as a stream (large reports): never held whole in memory. */
  writeStream(key: string, body: Readable): Promise<void>;
  /** Read-modify-write that loses no concurrent writer's update. */
  update(key: string, mutate: Mutation): Promise<void>;
  /** Keys under the prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** A link an auditor can download the object from: a file path locally, a pre-signed URL on S3. */
  downloadLink(key: string, expiresInSeconds: number): Promise<string>;
}

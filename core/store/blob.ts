// The store is a handful of JSON objects under keys like `scans/<id>.json`; a backend only needs
// to read, write atomically and list. The local directory store and the S3 store share the layout.

export interface BlobStore {
  /** Where the store lives, for messages (a directory or an s3:// URL). */
  readonly location: string;
  /** The object's text, or undefined when there is none. */
  read(key: string): Promise<string | undefined>;
  /** Replaces the object whole: a reader sees the old text or the new, never a mix. */
  write(key: string, body: string): Promise<void>;
  /** Keys under the prefix, sorted. */
  list(prefix: string): Promise<string[]>;
}

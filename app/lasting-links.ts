// The store as the deployed functions see it: everything goes to the real store, except that a
// download link is a lasting link through the download function (app/download-token.ts) rather
// than a pre-signed URL that dies with the function's temporary credentials.

import type { Readable } from 'node:stream';
import type { BlobStore, Mutation } from '../core/store/blob.js';
import { ScanStore } from '../core/store/scans.js';
import { issueDownloadToken, MAX_LINK_SECONDS, type LinkMac } from './download-token.js';

/** The store, with lasting download links through the download function at `downloadUrl`. */
export function withLastingLinks(store: ScanStore, keyId: string, downloadUrl: () => Promise<string>): ScanStore {
  return new ScanStore(new LastingLinkBlobs(store.blobs, { downloadUrl, mac: lazyKmsLinkMac(keyId) }));
}

/** The KMS client is loaded when a link is first made or checked: most invocations make none. */
export function lazyKmsLinkMac(keyId: string): LinkMac {
  let loaded: Promise<LinkMac> | undefined;
  const mac = () =>
    (loaded ??= Promise.all([import('@aws-sdk/client-kms'), import('./download-token-kms.js')]).then(([{ KMSClient }, { KmsLinkMac }]) => new KmsLinkMac(new KMSClient({}), keyId)));
  return {
    generate: async (message) => (await mac()).generate(message),
    verify: async (message, signature) => (await mac()).verify(message, signature),
  };
}

export interface LastingLinkOptions {
  /** The download function's URL (its Function URL); looked up only when a link is made. */
  downloadUrl: () => Promise<string>;
  mac: LinkMac;
  now?: () => Date;
}

export class LastingLinkBlobs implements BlobStore {
  readonly location: string;

  constructor(
    private readonly inner: BlobStore,
    private readonly options: LastingLinkOptions,
  ) {
    this.location = inner.location;
  }

  read(key: string): Promise<string | undefined> {
    return this.inner.read(key);
  }

  readBytes(key: string): Promise<Buffer | undefined> {
    return this.inner.readBytes(key);
  }

  write(key: string, body: string | Uint8Array): Promise<void> {
    return this.inner.write(key, body);
  }

  writeStream(key: string, body: Readable): Promise<void> {
    return this.inner.writeStream(key, body);
  }

  update(key: string, mutate: Mutation): Promise<void> {
    return this.inner.update(key, mutate);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }

  /** `<download URL>?t=<token>`: works for `expiresInSeconds`, whoever signed it and whatever became of their credentials. */
  async downloadLink(key: string, expiresInSeconds: number): Promise<string> {
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds <= 0 || expiresInSeconds > MAX_LINK_SECONDS) {
      throw new Error(`a download link lasts from 1 s to ${MAX_LINK_SECONDS / 86400} days, not ${expiresInSeconds} s`);
    }
    const now = this.options.now?.() ?? new Date();
    const token = await issueDownloadToken(this.options.mac, key, new Date(now.getTime() + expiresInSeconds * 1000));
    const url = new URL(await this.options.downloadUrl());
    url.searchParams.set('t', token);
    return url.toString();
  }
}

// A store opened on first use. The S3 store's client and upload code cost ~0.2 s of CPU and ~10 MB to
// load; a CLI command that never touches the store (or uses a local one) should not pay for them.

import type { Readable } from 'node:stream';
import type { BlobStore, Mutation } from './blob.js';

export class DeferredBlobStore implements BlobStore {
  private opened: Promise<BlobStore> | undefined;

  constructor(
    readonly location: string,
    private readonly open: () => Promise<BlobStore>,
  ) {}

  private store(): Promise<BlobStore> {
    this.opened ??= this.open();
    return this.opened;
  }

  async read(key: string): Promise<string | undefined> {
    return (await this.store()).read(key);
  }

  async readBytes(key: string): Promise<Buffer | undefined> {
    return (await this.store()).readBytes(key);
  }

  async write(key: string, body: string | Uint8Array): Promise<void> {
    return (await this.store()).write(key, body);
  }

  async writeStream(key: string, body: Readable): Promise<void> {
    return (await this.store()).writeStream(key, body);
  }

  async update(key: string, mutate: Mutation): Promise<void> {
    return (await this.store()).update(key, mutate);
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.store()).list(prefix);
  }

  async downloadLink(key: string, expiresInSeconds: number): Promise<string> {
    return (await this.store()).downloadLink(key, expiresInSeconds);
  }
}

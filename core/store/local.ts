import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, Mutation } from './blob.js';

/** A lock older than this was left by a process that died; it is broken. */
const STALE_LOCK_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A directory on disk; every write goes to a temporary file that is renamed into place. */
export class LocalBlobStore implements BlobStore {
  constructor(readonly location: string) {}

  async read(key: string): Promise<string | undefined> {
    return (await this.readBytes(key))?.toString('utf8');
  }

  async readBytes(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async write(key: string, body: string | Uint8Array): Promise<void> {
    await this.atomically(key, (temp) => writeFile(temp, body, { flush: true }));
  }

  async writeStream(key: string, body: Readable): Promise<void> {
    await this.atomically(key, async (temp) => {
      await pipeline(body, createWriteStream(temp));
      const handle = await open(temp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
  }

  /** Serialised between processes by an exclusive lock file beside the object. */
  async update(key: string, mutate: Mutation): Promise<void> {
    const lock = `${this.pathOf(key)}.lock`;
    await mkdir(dirname(lock), { recursive: true });
    for (let waited = 0; ; waited += 20) {
      try {
        await (await open(lock, 'wx')).close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
        if (age > STALE_LOCK_MS) await rm(lock, { force: true });
        else await sleep(20);
      }
    }
    try {
      const next = mutate(await this.read(key));
      if (next !== undefined) await this.write(key, next);
    } finally {
      await rm(lock, { force: true });
    }
  }

  async list(prefix: string): Promise<string[]> {
    const root = this.pathOf('');
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (!entry.name.endsWith('.tmp') && !entry.name.endsWith('.lock')) out.push(relative(root, full).split(sep).join('/'));
      }
    };
    await walk(root);
    return out.filter((key) => key.startsWith(prefix)).sort();
  }

  async downloadLink(key: string, _expiresInSeconds?: number): Promise<string> {
    return resolve(this.pathOf(key));
  }

  private async atomically(key: string, writeTemp: (temp: string) => Promise<void>): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeTemp(temp);
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  private pathOf(key: string): string {
    if (key.split('/').some((part) => part === '..')) throw new Error(`invalid store key ${key}`);
    return join(this.location, ...key.split('/'));
  }
}

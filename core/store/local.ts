import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, relative, sep } from 'node:path';
import type { BlobStore } from './blob.js';

/** A directory on disk; writes go to a temporary file that is renamed into place. */
export class LocalBlobStore implements BlobStore {
  constructor(readonly location: string) {}

  async read(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.pathOf(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async write(key: string, body: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, body, { flush: true });
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
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
        else if (!entry.name.endsWith('.tmp')) out.push(relative(root, full).split(sep).join('/'));
      }
    };
    await walk(root);
    return out.filter((key) => key.startsWith(prefix)).sort();
  }

  private pathOf(key: string): string {
    if (key.split('/').some((part) => part === '..')) throw new Error(`invalid store key ${key}`);
    return join(this.location, ...key.split('/'));
  }
}

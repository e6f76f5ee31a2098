import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, Mutation } from './blob.js';
import { acquireLock } from './file-lock.js';

/** `.locks/<key>/` under the store: each updated object's lock generations (see file-lock.ts). */
const LOCKS_DIR = '.locks';
/** `<name>.<pid>.<random>.tmp`: a write in progress, or left by a process that died mid-write. */
const TEMP_NAME = /\.(\d+)\.[0-9a-f]{8}\.tmp$/;
/** A temporary file of a dead process is an orphan after this; any temporary file after a day. */
const ORPHAN_DEAD_MS = 60_000;
const ORPHAN_ANY_MS = 24 * 3600 * 1000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

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

  private swept: Promise<unknown> | undefined;

  /**
   * Serialised between processes by the generation lock beside the object (file-lock.ts), which
   * a holder killed with kill -9 cannot wedge and two waiters cannot both break. A holder that
   * stalled past the stale limit and lost its lease writes nothing and runs the mutation again.
   */
  async update(key: string, mutate: Mutation): Promise<void> {
    this.swept ??= this.sweepOrphans();
    await this.swept;
    const lockDir = this.pathOf(`${LOCKS_DIR}/${key}`);
    await mkdir(lockDir, { recursive: true });
    for (;;) {
      const lock = await acquireLock(lockDir);
      try {
        const next = mutate(await this.read(key));
        if (next === undefined) return;
        if (!(await lock.stillHeld())) continue;
        await this.write(key, next);
        return;
      } finally {
        await lock.release();
      }
    }
  }

  /**
   * Removes temporary files that writers killed mid-write left behind (once per store object,
   * before its first update): a dead process's after a minute, anyone's after a day.
   */
  async sweepOrphans(): Promise<string[]> {
    const removed: string[] = [];
    const now = Date.now();
    await this.walk(this.pathOf(''), async (full, name) => {
      const match = TEMP_NAME.exec(name);
      if (match === null) return;
      const age = now - (await stat(full).catch(() => ({ mtimeMs: now }))).mtimeMs;
      const pid = Number(match[1]);
      if (age > ORPHAN_ANY_MS || (age > ORPHAN_DEAD_MS && pid !== process.pid && !processAlive(pid))) {
        await rm(full, { force: true });
        removed.push(full);
      }
    });
    return removed;
  }

  async list(prefix: string): Promise<string[]> {
    const root = this.pathOf('');
    const out: string[] = [];
    await this.walk(root, (full, name) => {
      if (!name.endsWith('.tmp') && !name.endsWith('.lock')) out.push(relative(root, full).split(sep).join('/'));
      return Promise.resolve();
    });
    return out.filter((key) => key.startsWith(prefix)).sort();
  }

  /** Every file under `dir`, lock directories excepted. */
  private async walk(dir: string, visit: (full: string, name: string) => Promise<void>): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== LOCKS_DIR) await this.walk(full, visit);
      } else await visit(full, entry.name);
    }
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

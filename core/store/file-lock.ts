// An exclusive lock between processes on one directory store, that survives holders killed with
// kill -9 without ever letting two live writers in at once.
//
// Why not a single `<key>.lock` file (or proper-lockfile's `<key>.lock` directory): breaking a
// stale lock there is "stat, see it is old, delete it, create mine". Two waiters can both see the
// stale lock; the first deletes it and creates a fresh one; the second then deletes that fresh
// lock and creates its own: both hold the lock and one update is lost (seen in 14 of 15 trials).
//
// Here the lock is a sequence of generations, `<dir>/<n>`, and taking the lock is a compare-and-swap
// from generation n to n+1: the file `n+1` is created with O_EXCL, which exactly one waiter can do.
// Nothing is ever deleted to take a lock, so a stale lock is broken the same way as a released one.
// A holder marks its generation released (`<n>.released`); a holder that died stops refreshing the
// generation's mtime and the next waiter takes n+1 once it is older than the stale limit.

import { open, readdir, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

/** A generation not refreshed for this long belongs to a process that died (or hung). */
export const STALE_LOCK_MS = 30_000;
const REFRESH_MS = 5_000;
const POLL_MS = 15;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const GENERATION = /^(\d{1,15})$/;

async function generations(dir: string): Promise<number[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return names.flatMap((name) => {
    const match = GENERATION.exec(name);
    return match?.[1] === undefined ? [] : [Number(match[1])];
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Whether the holder of generation `n` is done with it: released, or dead (not refreshed). */
async function isFree(dir: string, n: number, staleMs: number): Promise<boolean> {
  if (await exists(join(dir, `${n}.released`))) return true;
  try {
    return Date.now() - (await stat(join(dir, String(n)))).mtimeMs > staleMs;
  } catch (error) {
    // Removed by a later holder's clean-up: a later generation exists, look again.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function createExclusive(path: string): Promise<boolean> {
  try {
    await (await open(path, 'wx')).close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

export interface HeldLock {
  /** False once a later generation exists: the lease was lost (the holder stalled past the stale limit). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

/** Waits for and takes the lock kept in directory `dir` (which must exist). */
export async function acquireLock(dir: string, staleMs = STALE_LOCK_MS): Promise<HeldLock> {
  for (;;) {
    const top = Math.max(0, ...(await generations(dir)));
    if (top > 0 && !(await isFree(dir, top, staleMs))) {
      await sleep(POLL_MS + Math.random() * POLL_MS);
      continue;
    }
    const mine = top + 1;
    if (!(await createExclusive(join(dir, String(mine))))) continue;
    // A waiter that read an old listing can create a generation a later holder already cleaned
    // up; the highest generation is never removed, so seeing one above ours means we lost.
    if (Math.max(...(await generations(dir))) > mine) {
      await rm(join(dir, String(mine)), { force: true });
      continue;
    }
    return hold(dir, mine);
  }
}

function hold(dir: string, mine: number): HeldLock {
  const path = join(dir, String(mine));
  const refresh = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, REFRESH_MS);
  refresh.unref();
  // Earlier generations are history; only the highest one must stay.
  const cleanUp = (async () => {
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((name) => {
          const n = Number(/^(\d{1,15})(?:\.released)?$/.exec(name)?.[1] ?? Number.NaN);
          return n < mine;
        })
        .map((name) => rm(join(dir, name), { force: true })),
    );
  })();
  return {
    stillHeld: async () => Math.max(...(await generations(dir))) === mine,
    release: async () => {
      clearInterval(refresh);
      await cleanUp;
      await createExclusive(join(dir, `${mine}.released`));
    },
  };
}

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { acquireLock } from './file-lock.js';
import { LocalBlobStore } from './local.js';

const KEY = 'state/aws/111122223333.json';
const increment = (text: string | undefined) => JSON.stringify({ count: (text === undefined ? 0 : (JSON.parse(text) as { count: number }).count) + 1 });

/** What `kill -9` leaves: a lock generation nobody refreshes any more, and nobody released. */
function leaveStaleLock(root: string, generation = 1): void {
  const dir = join(root, '.locks', 'state', 'aws', '111122223333.json');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, String(generation)), '');
  const old = new Date(Date.now() - 120_000);
  utimesSync(join(dir, String(generation)), old, old);
}

async function count(root: string): Promise<number> {
  return (JSON.parse((await new LocalBlobStore(root).read(KEY)) ?? '{"count":0}') as { count: number }).count;
}

describe('local store lock, writers racing past a stale lock', () => {
  it('loses no update: eight writers (each its own store object), a stale lock present, ten trials', async () => {
    for (let trial = 0; trial < 10; trial += 1) {
      const root = mkdtempSync(join(tmpdir(), 'ward-lock-'));
      leaveStaleLock(root);
      await Promise.all(Array.from({ length: 8 }, () => new LocalBlobStore(root).update(KEY, increment)));
      expect(await count(root), `trial ${trial}`).toBe(8);
    }
  });

  it('loses no update across eight processes with a stale lock present (three trials)', async () => {
    const local = join(import.meta.dirname, '..', '..', 'dist', 'core', 'store', 'local.js');
    const script = `const { LocalBlobStore } = await import(${JSON.stringify(local)});
      await new LocalBlobStore(process.argv[1]).update(${JSON.stringify(KEY)}, (t) => JSON.stringify({ count: (t === undefined ? 0 : JSON.parse(t).count) + 1 }));`;
    for (let trial = 0; trial < 3; trial += 1) {
      const root = mkdtempSync(join(tmpdir(), 'ward-lock-'));
      leaveStaleLock(root);
      await Promise.all(Array.from({ length: 8 }, () => promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, root])));
      expect(await count(root), `trial ${trial}`).toBe(8);
    }
  }, 60_000);

  it('waits for a live holder, then takes the next generation; a released lock is taken at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-lock-'));
    const first = await acquireLock(dir);
    let second = false;
    const waiting = acquireLock(dir).then((lock) => {
      second = true;
      return lock;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(second).toBe(false);
    await first.release();
    const next = await waiting;
    expect(await next.stillHeld()).toBe(true);
    await next.release();
    // Old generations are cleaned up; only the latest (released) stays.
    expect(readdirSync(dir).sort()).toEqual(['2', '2.released']);
  });

  it('a holder whose lease was taken over knows it no longer holds the lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-lock-'));
    const stalled = await acquireLock(dir, 50);
    await new Promise((r) => setTimeout(r, 120));
    const taker = await acquireLock(dir, 50);
    expect(await stalled.stillHeld()).toBe(false);
    expect(await taker.stillHeld()).toBe(true);
    await taker.release();
    await stalled.release();
  });
});

describe('local store, orphan temporary files', () => {
  it('removes temporary files a killed writer left, and keeps live and recent ones', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ward-orphans-'));
    mkdirSync(join(root, 'state', 'aws'), { recursive: true });
    const old = new Date(Date.now() - 5 * 60_000);
    const dead = join(root, 'state', 'aws', '1.json.999999999.0badc0de.tmp');
    const mine = join(root, 'state', 'aws', `1.json.${process.pid}.00c0ffee.tmp`);
    const fresh = join(root, 'state', 'aws', '2.json.999999999.1badc0de.tmp');
    for (const path of [dead, mine, fresh]) writeFileSync(path, 'partial');
    utimesSync(dead, old, old);
    utimesSync(mine, old, old);
    const store = new LocalBlobStore(root);
    await store.update(KEY, increment);
    expect(readdirSync(join(root, 'state', 'aws')).sort()).toEqual([`1.json.${process.pid}.00c0ffee.tmp`, '111122223333.json', '2.json.999999999.1badc0de.tmp']);
    expect(await store.list('state/')).toEqual([KEY]);
  });
});

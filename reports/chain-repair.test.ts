// A crash between the bundle and its manifest copy, in either order, must not break the chain.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ScanStore } from '../core/store/scans.js';
import type { BlobStore } from '../core/store/blob.js';
import { buildSampleStore, SAMPLE_MUTES } from './fixtures.js';
import { verifyBundle } from './verify.js';
import { buildWeeklyEvidence } from './weekly.js';

const build = (store: ScanStore, week: string, now: string) => buildWeeklyEvidence(store, { week, organization: 'Acme', mutes: SAMPLE_MUTES, now: new Date(now) });

/** The store as a process killed while uploading `bundles/<week>.zip` leaves it. */
function crashingOn(blobs: BlobStore, key: string): BlobStore {
  return new Proxy(blobs, {
    get(target, property, receiver) {
      if (property === 'writeStream') {
        return async (k: string, body: Readable) => {
          if (k !== key) return target.writeStream(k, body);
          // Every byte produced, then the process dies before the zip is in place.
          await new Promise((resolve) => body.on('end', resolve).resume());
          throw new Error('killed while writing the bundle');
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('evidence chain across a crash', () => {
  it('a crash while the bundle is written: the next week chains to the last complete bundle, and verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-chain-'));
    const store = await buildSampleStore(dir, { week: '2026-W47', accounts: 1, resourcesPerControl: 2, weeks: 3 });
    await build(store, '2026-W45', '2026-11-08T22:00:00Z');
    const crashing = new ScanStore(crashingOn(store.blobs, 'bundles/2026-W46.zip'));
    await expect(build(crashing, '2026-W46', '2026-11-15T22:00:00Z')).rejects.toThrow('killed while writing the bundle');
    expect(await store.blobs.list('bundles/2026-W46')).toEqual(['bundles/2026-W46.manifest.json']);

    await build(store, '2026-W47', '2026-11-22T22:00:00Z');
    const result = await verifyBundle(join(dir, 'bundles', '2026-W47.zip'), { previous: join(dir, 'bundles', '2026-W45.zip') });
    expect(result.problems).toEqual([]);
    expect(result.manifest?.previousWeek).toBe('2026-W45');
  });

  it('a bundle whose manifest copy was never written: the copy is restored from the bundle and the chain includes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-chain-'));
    const store = await buildSampleStore(dir, { week: '2026-W47', accounts: 1, resourcesPerControl: 2, weeks: 2 });
    await build(store, '2026-W46', '2026-11-15T22:00:00Z');
    rmSync(join(dir, 'bundles', '2026-W46.manifest.json'));

    await build(store, '2026-W47', '2026-11-22T22:00:00Z');
    expect(await store.blobs.list('bundles/')).toContain('bundles/2026-W46.manifest.json');
    const viaBundle = await verifyBundle(join(dir, 'bundles', '2026-W47.zip'), { previous: join(dir, 'bundles', '2026-W46.zip') });
    const viaCopy = await verifyBundle(join(dir, 'bundles', '2026-W47.zip'), { previous: join(dir, 'bundles', '2026-W46.manifest.json') });
    expect(viaBundle.problems).toEqual([]);
    expect(viaCopy.problems).toEqual([]);
    expect(viaBundle.manifest?.previousWeek).toBe('2026-W46');
  });
});

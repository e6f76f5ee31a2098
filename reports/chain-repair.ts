// The bundle and its manifest copy are one step that a crash can interrupt. The copy is written
// first and only a week with both a bundle and a copy counts as bundled, so a crash before the
// bundle is complete leaves a week that is simply rebuilt. A bundle without a copy (written by a
// Ward that wrote the copy second, and crashed in between) gets its copy back from the bundle's own
// manifest.json before the next week chains, so the chain never skips a bundle that exists.

import * as yauzl from 'yauzl';
import type { BlobStore } from '../core/store/blob.js';
import { InflateBudget, MAX_SMALL_ENTRY_BYTES, readEntryBounded } from './bounded-inflate.js';
import { manifestKey, MANIFEST_NAME } from './bundle.js';

const BUNDLE_KEY = /^bundles\/(\d{4}-W\d{2})\.zip$/;

function manifestOf(zipBytes: Buffer): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zipBytes, { lazyEntries: true, validateEntrySizes: true }, (error, zip) => {
      if (error !== null) return reject(error);
      zip.on('error', reject);
      zip.on('end', () => resolve(undefined));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== MANIFEST_NAME) return zip.readEntry();
        readEntryBounded(zip, entry, MAX_SMALL_ENTRY_BYTES, new InflateBudget(MAX_SMALL_ENTRY_BYTES), true).then((read) => {
          zip.close();
          resolve(read.bytes);
        }, reject);
      });
      zip.readEntry();
    });
  });
}

/** Restores the manifest copy of every bundle that lacks one; returns the weeks repaired. */
export async function restoreManifestCopies(blobs: BlobStore): Promise<string[]> {
  const keys = new Set(await blobs.list('bundles/'));
  const repaired: string[] = [];
  for (const key of keys) {
    const week = BUNDLE_KEY.exec(key)?.[1];
    if (week === undefined || keys.has(manifestKey(week))) continue;
    const zip = await blobs.readBytes(key);
    const manifest = zip === undefined ? undefined : await manifestOf(zip).catch(() => undefined);
    // An unreadable bundle is left alone: `ward evidence verify` will say what is wrong with it.
    if (manifest === undefined) continue;
    await blobs.write(manifestKey(week), manifest);
    repaired.push(week);
  }
  return repaired;
}

// Reading zip entries with a bound on what they inflate to. A zip's own sizes are whatever its
// author wrote, and entries may overlap (a 193 KB zip inflating to 125 GiB), so `ward evidence
// verify` bounds each entry by the size manifest.json declares for it and the whole bundle by the
// sum of those sizes, both under a hard cap, and stops at the first entry that goes past them.

import { createHash } from 'node:crypto';
import type * as yauzl from 'yauzl';

/** No bundle Ward writes comes near this; a bundle that claims more is refused unread. */
export const MAX_BUNDLE_INFLATED_BYTES = 8 * 1024 ** 3;
/** manifest.json and manifest.sig are read into memory whole: at most this each. */
export const MAX_SMALL_ENTRY_BYTES = 64 * 1024 * 1024;

export class InflateLimitError extends Error {
  override readonly name = 'InflateLimitError';
}

/** The running total across a bundle: every entry read draws on it. */
export class InflateBudget {
  used = 0;
  constructor(readonly total: number) {}
}

export interface BoundedRead {
  sha256: string;
  size: number;
  bytes?: Buffer;
}

/**
 * Hashes (and with `keep`, holds) one entry, destroying the inflater as soon as the entry passes
 * `limit` bytes or the budget runs out: nothing past the bound is ever inflated.
 */
export function readEntryBounded(zip: yauzl.ZipFile, entry: yauzl.Entry, limit: number, budget: InflateBudget, keep: boolean): Promise<BoundedRead> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error !== null) return reject(error);
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const fail = (why: Error) => {
        if (done) return;
        done = true;
        stream.destroy();
        reject(why);
      };
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        budget.used += chunk.length;
        if (size > limit) return fail(new InflateLimitError(`inflates past ${limit} bytes, its declared size`));
        if (budget.used > budget.total) return fail(new InflateLimitError(`the bundle inflates past ${budget.total} bytes, the sum of its declared sizes`));
        hash.update(chunk);
        if (keep) chunks.push(chunk);
      });
      // yauzl's own size check (validateEntrySizes) fires first when the zip header lies too.
      stream.on('error', (e: Error) => fail(/too many bytes in the stream/.test(e.message) ? new InflateLimitError(`inflates past the ${entry.uncompressedSize} bytes its zip header declares`) : e));
      stream.on('end', () => {
        if (done) return;
        done = true;
        resolve({ sha256: hash.digest('hex'), size, ...(keep ? { bytes: Buffer.concat(chunks) } : {}) });
      });
    });
  });
}

/** Where an entry's local header and data lie in the zip, from the central directory. */
export interface EntrySpan {
  name: string;
  start: number;
  /** A lower bound of its end: header (30 bytes), name and compressed data. */
  end: number;
}

export function entrySpan(name: string, entry: yauzl.Entry): EntrySpan {
  const start = entry.relativeOffsetOfLocalHeader;
  return { name, start, end: start + 30 + entry.fileNameLength + entry.compressedSize };
}

/**
 * Two entries whose data overlap: what no zip writer produces and what the non-recursive zip
 * bomb relies on (many entries inflating the same compressed bytes). Undefined when none do.
 */
export function overlappingEntries(spans: readonly EntrySpan[]): [string, string] | undefined {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i += 1) {
    const before = sorted[i - 1];
    const after = sorted[i];
    if (before !== undefined && after !== undefined && after.start < before.end) return [before.name, after.name];
  }
  return undefined;
}

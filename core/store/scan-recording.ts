// A scan document recorded while the scan runs: results are written to the store as each scope is
// judged, and only what the account's lifecycle needs afterwards stays in memory — failing and
// ERROR results whole, passing ones by id. A target of 60,000 results is recorded holding ~10 % of
// them; the stored document is the same one a whole-document write gives.

import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Finding, ScanDocument } from '../model.js';
import type { BlobStore } from './blob.js';
import { StoredScanWriter, type StoredScanHead, type StoredScanTail } from './stored-scan.js';

/** What is left of a recorded scan once its document is stored. */
export interface RecordedScan {
  /** The document with the results kept (every result when asked to keep all). */
  scan: ScanDocument;
  /** Ids of the PASS results that were not kept. */
  passed: ReadonlySet<string>;
}

export class ScanRecording {
  private readonly body = new PassThrough();
  private readonly writer = new StoredScanWriter();
  private readonly stored: Promise<void>;
  private readonly kept: Finding[] = [];
  private readonly passed = new Set<string>();

  /**
   * @param keepPassing keep PASS results whole too (a caller that needs the whole document after).
   */
  constructor(
    blobs: BlobStore,
    key: string,
    private readonly head: StoredScanHead,
    private readonly keepPassing = false,
  ) {
    // Errors reach the caller through `stored`; the stream's own error event must not go unheard.
    this.body.on('error', () => undefined);
    this.stored = blobs.writeStream(key, this.body);
    this.stored.catch(() => undefined);
    this.body.write(this.writer.head(head));
  }

  /** Writes these results into the document (in this order) and keeps what the lifecycle needs. */
  async add(results: readonly Finding[]): Promise<void> {
    for (const f of results) {
      if (f.status !== 'PASS' || this.keepPassing) this.kept.push(f);
      else this.passed.add(f.id);
    }
    for (const piece of this.writer.pieces(results)) await this.push(piece);
  }

  /** Ends the document and waits until the store holds it whole. */
  async finish(tail: StoredScanTail): Promise<RecordedScan> {
    await this.push(this.writer.tail(tail));
    this.body.end();
    await this.stored;
    return { scan: { schemaVersion: 1, ...this.head, ...tail, results: this.kept }, passed: this.passed };
  }

  /** Gives up: the store discards what it was sent (nothing half-written becomes visible). */
  abort(reason: Error): void {
    this.body.destroy(reason);
  }

  private async push(piece: Buffer): Promise<void> {
    if (this.body.destroyed) {
      await this.stored;
      throw new Error('the scan document was already ended');
    }
    if (this.body.write(piece)) return;
    // A store that fails stops reading: its error, not a drain that never comes, ends the wait.
    await Promise.race([once(this.body, 'drain'), this.stored]);
  }
}

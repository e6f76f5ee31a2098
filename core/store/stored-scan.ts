// How a scan document is kept in the store (scans/ and changes/, and so in evidence bundles).
//
// Stored documents have schemaVersion 2: each control's title, area, HIPAA references and
// remediation are written once, in `catalog`, instead of on every result (they are the control's,
// the same on each of its results). At 60,000 results that is 40 % of the document, and the
// remediation texts are where non-ASCII characters (→, …) live: V8 serialises a string holding one
// of them through its slow two-byte path and, in one JSON.stringify call, everything after it too.
// So the document is also written as a stream of small pieces, each stringified and encoded on its
// own, which keeps memory flat in the size of an account as well. Loading gives back the in-memory
// shape (schemaVersion 1, every field on every result) so readers never see the difference.

import type { Finding, Remediation, ScanDocument } from '../model.js';

export const STORED_SCAN_SCHEMA_VERSION = 2;

/** What every result of one control shares. */
export interface CatalogEntry {
  title: string;
  area: Finding['area'];
  hipaa: string[];
  remediation: Remediation;
}

type ControlFields = keyof CatalogEntry;

/** A result as stored: its control's shared fields are in the catalog unless this result's differ. */
export type StoredFinding = Omit<Finding, ControlFields> & Partial<Pick<Finding, ControlFields>>;

export interface StoredScanDocument extends Omit<ScanDocument, 'schemaVersion' | 'results'> {
  schemaVersion: typeof STORED_SCAN_SCHEMA_VERSION;
  catalog: Record<string, CatalogEntry>;
  results: StoredFinding[];
}

/**
 * Results per piece: few enough that a piece's text (~80 KB) stays below V8's large-object size (128 KB),
 * so it is an ordinary young allocation a scavenge frees; enough to make few writes.
 */
const RESULTS_PER_PIECE = 100;

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

function sharesCatalog(f: Finding, entry: CatalogEntry): boolean {
  return (
    f.title === entry.title &&
    f.area === entry.area &&
    (f.hipaa === entry.hipaa || sameList(f.hipaa, entry.hipaa)) &&
    (f.remediation === entry.remediation || (f.remediation.text === entry.remediation.text && f.remediation.url === entry.remediation.url))
  );
}

/** What a stored document says before its results: everything known when the scan starts. */
export type StoredScanHead = Omit<ScanDocument, 'schemaVersion' | 'results' | 'finishedAt' | 'targets' | 'coverage' | 'partial'>;
/** What it says after them: everything known only once the scan has ended. */
export type StoredScanTail = Omit<ScanDocument, keyof StoredScanHead | 'schemaVersion' | 'results'>;

/** `{"a":1}` as `"a":1`, for joining members of one object written in pieces. */
const members = (value: object): string => JSON.stringify(value).slice(1, -1);

/**
 * Writes one stored document piece by piece (UTF-8): the head, the results as they come, then the
 * tail and the catalog, which is filled from the results that went by. Together the pieces are one
 * JSON document; readers parse it whole, so the order of its members does not matter to them.
 */
export class StoredScanWriter {
  private readonly catalog: Record<string, CatalogEntry> = {};
  private results = 0;

  head(head: StoredScanHead): Buffer {
    const rest = members(head);
    return Buffer.from(`{"schemaVersion":${STORED_SCAN_SCHEMA_VERSION}${rest === '' ? '' : `,${rest}`},"results":[`);
  }

  *pieces(results: readonly Finding[]): Generator<Buffer> {
    for (let start = 0; start < results.length; start += RESULTS_PER_PIECE) {
      const piece = JSON.stringify(results.slice(start, start + RESULTS_PER_PIECE).map((f) => this.slim(f)));
      yield Buffer.from(`${this.results === 0 ? '' : ','}${piece.slice(1, -1)}`);
      this.results += Math.min(RESULTS_PER_PIECE, results.length - start);
    }
  }

  tail(tail: StoredScanTail): Buffer {
    const rest = members(tail);
    return Buffer.from(`]${rest === '' ? '' : `,${rest}`},"catalog":${JSON.stringify(this.catalog)}}`);
  }

  /** The result without its control's shared fields, unless they differ from the control's first result. */
  private slim(f: Finding): StoredFinding {
    const entry = (this.catalog[f.controlId] ??= { title: f.title, area: f.area, hipaa: f.hipaa, remediation: f.remediation });
    if (!sharesCatalog(f, entry)) return f;
    const { title: _title, area: _area, hipaa: _hipaa, remediation: _remediation, ...rest } = f;
    return rest;
  }
}

/** A whole scan document split into what its stored head and tail say. */
export function headAndTail(scan: ScanDocument): { head: StoredScanHead; tail: StoredScanTail } {
  const { schemaVersion: _version, results: _results, finishedAt, targets, coverage, partial, ...head } = scan;
  return { head, tail: { finishedAt, targets, coverage, ...(partial === undefined ? {} : { partial }) } };
}

/** The stored document, piece by piece. */
function* storedPieces(scan: ScanDocument): Generator<Buffer> {
  const writer = new StoredScanWriter();
  const { head, tail } = headAndTail(scan);
  yield writer.head(head);
  yield* writer.pieces(scan.results);
  yield writer.tail(tail);
}

/** The stored document as one string (tests, and callers that need the bytes). */
export function storedScanText(scan: ScanDocument): string {
  return Buffer.concat([...storedPieces(scan)]).toString('utf8');
}

/** A result whose control is not in the catalog must carry the control's fields itself. */
function ownEntry(stored: StoredFinding, key: string): CatalogEntry {
  const { title, area, hipaa, remediation } = stored;
  if (title === undefined || area === undefined || hipaa === undefined || remediation === undefined) {
    throw new Error(`${key}: result ${stored.id} names control ${stored.controlId}, which is neither in the document's catalog nor described on the result; the document is damaged.`);
  }
  return { title, area, hipaa, remediation };
}

/** The result with its control's fields, in the order Finding declares them (as the engine builds it). */
function inMemoryFinding(stored: StoredFinding, entry: CatalogEntry): Finding {
  const { id, controlId, provider, account, region, scope, resource, status, severity, message, evidence, ...own } = stored;
  return {
    id,
    controlId,
    area: own.area ?? entry.area,
    provider,
    account,
    region,
    scope,
    resource,
    status,
    severity,
    title: own.title ?? entry.title,
    message,
    remediation: own.remediation ?? entry.remediation,
    hipaa: own.hipaa ?? entry.hipaa,
    evidence,
    ...(own.mute === undefined ? {} : { mute: own.mute }),
  };
}

/** A stored document (either version) in the in-memory shape: every result with its control's fields. */
export function parseStoredScan(text: string, key: string): ScanDocument {
  const parsed = JSON.parse(text) as ScanDocument | StoredScanDocument;
  if (parsed.schemaVersion === 1) return parsed;
  if (parsed.schemaVersion !== STORED_SCAN_SCHEMA_VERSION) throw new Error(`${key}: schemaVersion ${String((parsed as { schemaVersion: unknown }).schemaVersion)} is not one this Ward reads (1 or 2); upgrade Ward to read it.`);
  const { catalog, results, schemaVersion: _version, scanId, startedAt, finishedAt, ...rest } = parsed;
  return {
    schemaVersion: 1,
    scanId,
    startedAt,
    finishedAt,
    ...rest,
    results: results.map((stored) => {
      const entry = catalog[stored.controlId] ?? ownEntry(stored, key);
      return inMemoryFinding(stored, entry);
    }),
  };
}

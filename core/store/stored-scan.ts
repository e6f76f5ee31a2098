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

import { Readable } from 'node:stream';
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

/** Results per piece: small enough to keep memory flat, large enough to make few writes. */
const RESULTS_PER_PIECE = 500;

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

function sharesCatalog(f: Finding, entry: CatalogEntry): boolean {
  return (
    f.title === entry.title &&
    f.area === entry.area &&
    (f.hipaa === entry.hipaa || sameList(f.hipaa, entry.hipaa)) &&
    (f.remediation === entry.remediation || (f.remediation.text === entry.remediation.text && f.remediation.url === entry.remediation.url))
  );
}

function catalogOf(results: readonly Finding[]): Record<string, CatalogEntry> {
  const catalog: Record<string, CatalogEntry> = {};
  for (const f of results) {
    if (Object.hasOwn(catalog, f.controlId)) continue;
    catalog[f.controlId] = { title: f.title, area: f.area, hipaa: f.hipaa, remediation: f.remediation };
  }
  return catalog;
}

function slim(f: Finding, catalog: Record<string, CatalogEntry>): StoredFinding {
  const entry = catalog[f.controlId];
  if (entry === undefined || !sharesCatalog(f, entry)) return f;
  const { title: _title, area: _area, hipaa: _hipaa, remediation: _remediation, ...rest } = f;
  return rest;
}

/** The stored document, piece by piece (UTF-8): together they are one JSON document. */
function* storedPieces(scan: ScanDocument): Generator<Buffer> {
  const { results, schemaVersion: _version, ...rest } = scan;
  const catalog = catalogOf(results);
  const head = JSON.stringify({ schemaVersion: STORED_SCAN_SCHEMA_VERSION, ...rest, catalog });
  yield Buffer.from(`${head.slice(0, -1)},"results":[`);
  for (let start = 0; start < results.length; start += RESULTS_PER_PIECE) {
    const piece = JSON.stringify(results.slice(start, start + RESULTS_PER_PIECE).map((f) => slim(f, catalog)));
    yield Buffer.from(`${start === 0 ? '' : ','}${piece.slice(1, -1)}`);
  }
  yield Buffer.from(']}');
}

/** The stored document as a stream for BlobStore.writeStream. */
export function storedScanStream(scan: ScanDocument): Readable {
  return Readable.from(storedPieces(scan), { objectMode: false });
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
  const { catalog, results, schemaVersion: _version, ...rest } = parsed;
  return {
    schemaVersion: 1,
    ...rest,
    results: results.map((stored) => {
      const entry = catalog[stored.controlId] ?? ownEntry(stored, key);
      return inMemoryFinding(stored, entry);
    }),
  };
}

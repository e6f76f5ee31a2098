// `ward evidence verify`: checks a bundle offline. Entries are read in memory with yauzl, hashed as
// they stream, and never written anywhere; an entry with an unsafe name (absolute, `..`, a
// backslash) or a symbolic link is reported and not even read.

import { stat } from 'node:fs/promises';
import * as yauzl from 'yauzl';
import { UserError } from '../core/errors.js';
import { FileTooLargeError, formatCap, readFileCapped } from '../core/read-capped.js';
import { entrySpan, InflateBudget, InflateLimitError, MAX_BUNDLE_INFLATED_BYTES, MAX_SMALL_ENTRY_BYTES, overlappingEntries, readEntryBounded, type EntrySpan } from './bounded-inflate.js';
import { MANIFEST_KIND, MANIFEST_NAME, SIGNATURE_NAME, sha256Hex, type Manifest, type ManifestFile } from './bundle.js';
import { checkSignature, parseSignatureFile, type VerificationKey } from './signing.js';

export interface VerifyOptions extends VerificationKey {
  /** The previous week's bundle (.zip), or its manifest copy (.json). */
  previous?: string;
}

export interface VerifyResult {
  valid: boolean;
  /** One line per problem. */
  problems: string[];
  /** What was checked, or could not be without more input (not problems). */
  notes: string[];
  manifest?: Manifest;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

interface ReadEntry {
  name: string;
  sha256: string;
  size: number;
  bytes?: Buffer;
}

/** Why an entry name is unsafe to honour, or undefined. */
export function unsafeEntryName(name: string): string | undefined {
  if (name === '') return 'empty name';
  if (name.includes('\0')) return 'NUL character in the name';
  if (name.includes('\\')) return 'backslash in the path';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'absolute path';
  if (name.split('/').includes('..')) return 'parent-directory (..) component';
  return undefined;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true }, (error, zip) => {
      if (error !== null) reject(error);
      else resolve(zip);
    });
  });
}

function entryName(entry: yauzl.Entry): string {
  // Decoded here, without yauzl's own name checks (they would stop the whole read on the first bad
  // entry) and without turning backslashes into slashes (strict).
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
}

interface ZipScan {
  entries: Map<string, ReadEntry>;
  /** Every safe file entry's name, read or not. */
  names: Set<string>;
  problems: string[];
  /** Reading stopped at an entry past its bound: later entries were not seen. */
  stopped: boolean;
  spans: EntrySpan[];
}

/** How much each entry may inflate to (undefined: not read), drawn from one budget for the zip. */
interface InflateLimits {
  limitOf(name: string): number | undefined;
  budget: InflateBudget;
}

/**
 * Reads the digest of every safe entry the limits allow; `keep` says which entries to hold in
 * memory. Stops at the first entry that inflates past its limit or the budget.
 */
async function scanZip(path: string, keep: (name: string) => boolean, limits: InflateLimits): Promise<ZipScan> {
  const zip = await openZip(path);
  const entries = new Map<string, ReadEntry>();
  const names = new Set<string>();
  const problems: string[] = [];
  let stopped = false;
  const spans: EntrySpan[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      void (async () => {
        const name = entryName(entry);
        const shown = JSON.stringify(name);
        const unsafe = unsafeEntryName(name);
        const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
        const limit = limits.limitOf(name);
        const safe = unsafe === undefined && mode !== S_IFLNK && !name.endsWith('/');
        const duplicate = names.has(name);
        if (safe) names.add(name);
        spans.push(entrySpan(name, entry));
        if (unsafe !== undefined) problems.push(`entry ${shown}: unsafe path (${unsafe}); not read`);
        else if (mode === S_IFLNK) problems.push(`entry ${shown}: symbolic link; not read`);
        else if (name.endsWith('/')) problems.push(`entry ${shown}: unexpected directory entry`);
        else if (duplicate) problems.push(`entry ${shown}: appears more than once`);
        else if (entry.isEncrypted()) problems.push(`entry ${shown}: encrypted; cannot be checked`);
        else if (limit !== undefined && entry.uncompressedSize > limit) problems.push(`entry ${shown}: the zip says it inflates to ${entry.uncompressedSize} bytes, more than the ${limit} declared; not read`);
        else if (limit !== undefined) {
          try {
            const read = await readEntryBounded(zip, entry, limit, limits.budget, keep(name));
            entries.set(name, { name, ...read });
          } catch (error) {
            if (error instanceof InflateLimitError) {
              problems.push(`entry ${shown}: ${error.message}; verification stopped here (a zip bomb or a forged size)`);
              stopped = true;
              zip.close();
              resolve();
              return;
            }
            problems.push(`entry ${shown}: cannot be read (${(error as Error).message})`);
          }
        }
        zip.readEntry();
      })().catch(reject);
    });
    zip.readEntry();
  });
  return { entries, names, problems, stopped, spans };
}

/** Pass one: manifest.json and manifest.sig only, each under the small-entry cap. */
const manifestOnly = (): InflateLimits => ({
  limitOf: (name) => (name === MANIFEST_NAME || name === SIGNATURE_NAME ? MAX_SMALL_ENTRY_BYTES : undefined),
  budget: new InflateBudget(2 * MAX_SMALL_ENTRY_BYTES),
});

function parseManifest(bytes: Buffer): Manifest | string {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return `manifest.json is not valid JSON (${(error as Error).message})`;
  }
  const m = value as Partial<Manifest> | null;
  if (typeof m !== 'object' || m === null || m.kind !== MANIFEST_KIND) return `manifest.json is not a Ward evidence manifest (kind is not "${MANIFEST_KIND}")`;
  if (!Array.isArray(m.files)) return 'manifest.json has no files list';
  const bad = m.files.findIndex((f: Partial<ManifestFile>) => typeof f?.path !== 'string' || typeof f.sha256 !== 'string' || typeof f.size !== 'number');
  if (bad >= 0) return `manifest.json: files[${bad}] lacks path, sha256 or size`;
  if (m.previous !== null && typeof m.previous !== 'string') return 'manifest.json: previous is neither a SHA-256 nor null';
  return m as Manifest;
}

/** The previous manifest's bytes, from a bundle (read in memory) or a manifest copy. */
async function previousManifest(path: string): Promise<Buffer> {
  try {
    await stat(path);
  } catch {
    throw new UserError(`Cannot read the previous bundle ${path}: no such file.`);
  }
  if (!path.endsWith('.zip')) {
    try {
      return readFileCapped(path, MAX_SMALL_ENTRY_BYTES);
    } catch (error) {
      if (error instanceof FileTooLargeError) throw new UserError(`The previous manifest ${path} is larger than ${formatCap(MAX_SMALL_ENTRY_BYTES)}: not a Ward manifest copy.`);
      throw new UserError(`Cannot read the previous manifest ${path}: ${(error as Error).message}.`);
    }
  }
  let scan: ZipScan;
  try {
    scan = await scanZip(path, (name) => name === MANIFEST_NAME, { limitOf: (name) => (name === MANIFEST_NAME ? MAX_SMALL_ENTRY_BYTES : undefined), budget: new InflateBudget(MAX_SMALL_ENTRY_BYTES) });
  } catch (error) {
    throw new UserError(`The previous bundle ${path} is not a readable zip archive (${(error as Error).message}).`);
  }
  const bytes = scan.entries.get(MANIFEST_NAME)?.bytes;
  if (bytes === undefined) throw new UserError(`The previous bundle ${path} has no manifest.json.`);
  return bytes;
}

const short = (hex: string): string => (hex.length > 16 ? `${hex.slice(0, 16)}…` : hex);

export async function verifyBundle(path: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new UserError(`${path} is not a file.`);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`Cannot read the bundle ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  const previousBytes = options.previous === undefined ? undefined : await previousManifest(options.previous);

  const problems: string[] = [];
  const notes: string[] = [];
  let first: ZipScan;
  try {
    first = await scanZip(path, (name) => name === MANIFEST_NAME || name === SIGNATURE_NAME, manifestOnly());
  } catch (error) {
    return { valid: false, problems: [`not a readable zip archive (${(error as Error).message})`], notes };
  }
  problems.push(...first.problems);

  const manifestEntry = first.entries.get(MANIFEST_NAME);
  if (manifestEntry?.bytes === undefined) {
    problems.push('manifest.json is missing: nothing to check the files against');
    return { valid: false, problems, notes };
  }
  const parsed = parseManifest(manifestEntry.bytes);
  if (typeof parsed === 'string') {
    problems.push(parsed);
    return { valid: false, problems, notes };
  }
  const manifest = parsed;

  const overlap = overlappingEntries(first.spans);
  if (overlap !== undefined) {
    problems.push(`entries ${JSON.stringify(overlap[0])} and ${JSON.stringify(overlap[1])} share compressed data (overlapping entries: a zip bomb); not read`);
    return { valid: false, problems, notes, manifest };
  }

  // Pass two: the listed files, each bounded by its declared size, all by their sum and the cap.
  const declared = new Map<string, number>();
  for (const file of manifest.files) if (file.path !== MANIFEST_NAME && file.path !== SIGNATURE_NAME) declared.set(file.path, Math.max(0, file.size));
  const total = [...declared.values()].reduce((a, b) => a + b, 0);
  if (total > MAX_BUNDLE_INFLATED_BYTES) {
    problems.push(`manifest.json declares ${total} bytes of files, more than the ${MAX_BUNDLE_INFLATED_BYTES}-byte cap; not read`);
    return { valid: false, problems, notes, manifest };
  }
  let second: ZipScan;
  try {
    second = await scanZip(path, () => false, { limitOf: (name) => declared.get(name), budget: new InflateBudget(total) });
  } catch (error) {
    problems.push(`not a readable zip archive (${(error as Error).message})`);
    return { valid: false, problems, notes, manifest };
  }
  for (const problem of second.problems) if (!problems.includes(problem)) problems.push(problem);
  const scan: ZipScan = { entries: new Map([...first.entries, ...second.entries]), names: second.names, problems, stopped: second.stopped, spans: second.spans };

  // Every listed file: present, same size, same digest.
  const listed = new Set<string>();
  for (const file of manifest.files) {
    if (listed.has(file.path)) problems.push(`manifest.json lists ${file.path} more than once`);
    listed.add(file.path);
    const entry = scan.entries.get(file.path);
    if (entry === undefined) {
      if (!scan.stopped && !scan.problems.some((p) => p.startsWith(`entry ${JSON.stringify(file.path)}:`))) problems.push(`missing file: ${file.path} (listed in manifest.json)`);
      continue;
    }
    if (entry.size !== file.size) problems.push(`${file.path}: size is ${entry.size} bytes, manifest.json says ${file.size}`);
    if (entry.sha256 !== file.sha256) problems.push(`${file.path}: SHA-256 is ${short(entry.sha256)}, manifest.json says ${short(file.sha256)} (content changed)`);
  }
  for (const name of scan.stopped ? [] : scan.names) {
    if (name !== MANIFEST_NAME && name !== SIGNATURE_NAME && !listed.has(name)) problems.push(`extra file not listed in manifest.json: ${name}`);
  }

  // The chain.
  if (previousBytes !== undefined) {
    const actual = sha256Hex(previousBytes);
    const prev = parseManifest(previousBytes);
    if (manifest.previous === null) problems.push(`chain: manifest.json records no previous manifest (first bundle), but --previous was given`);
    else if (manifest.previous !== actual) {
      problems.push(`chain broken: manifest.json records previous manifest SHA-256 ${short(manifest.previous)}${manifest.previousWeek === null ? '' : ` (${manifest.previousWeek})`}, the given previous manifest has ${short(actual)}`);
    } else if (typeof prev !== 'string' && manifest.previousWeek !== null && prev.week !== manifest.previousWeek) {
      problems.push(`chain: manifest.json names ${manifest.previousWeek} as previous week, the given previous bundle is ${prev.week}`);
    } else notes.push(`chain: previous manifest${manifest.previousWeek === null ? '' : ` (${manifest.previousWeek})`} matches, SHA-256 ${short(actual)}`);
  } else if (manifest.previous === null) notes.push('chain: first bundle of its chain (previous: null)');
  else notes.push(`chain: not checked; manifest.json records previous manifest ${short(manifest.previous)}${manifest.previousWeek === null ? '' : ` (${manifest.previousWeek})`}: give --previous to check it`);

  // The signature.
  const sigEntry = scan.entries.get(SIGNATURE_NAME);
  const haveKey = options.hmacKey !== undefined || options.publicKey !== undefined;
  if (sigEntry?.bytes === undefined) {
    if (haveKey) problems.push('manifest.sig is missing: the bundle is not signed');
    else notes.push('signature: the bundle is not signed');
  } else {
    const sig = parseSignatureFile(sigEntry.bytes);
    if (typeof sig === 'string') problems.push(sig);
    else if (!haveKey) notes.push(`signature: ${sig.algorithm} by ${sig.keyId}, not checked: give --hmac-key-file or --public-key`);
    else {
      const sigProblems = checkSignature(manifestEntry.bytes, sig, options);
      problems.push(...sigProblems);
      if (sigProblems.length === 0) notes.push(`signature: ${sig.algorithm} by ${sig.keyId} verifies`);
    }
  }
  if (problems.length === 0) notes.unshift(`${manifest.files.length} files match manifest.json (week ${manifest.week}, created ${manifest.createdAt} by Ward ${manifest.generator?.version ?? '?'})`);
  return { valid: problems.length === 0, problems, notes, manifest };
}

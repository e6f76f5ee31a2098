// `ward evidence verify`: checks a bundle offline. Entries are read in memory with yauzl, hashed as
// they stream, and never written anywhere; an entry with an unsafe name (absolute, `..`, a
// backslash) or a symbolic link is reported and not even read.

import { readdir, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import { UserError } from '../core/errors.js';
import { FileTooLargeError, formatCap, readFileCapped } from '../core/read-capped.js';
import { entrySpan, InflateBudget, InflateLimitError, MAX_BUNDLE_INFLATED_BYTES, MAX_SMALL_ENTRY_BYTES, overlappingEntries, readEntryBounded, type EntrySpan } from './bounded-inflate.js';
import { CHECKSUMS_NAME, MANIFEST_KIND, MANIFEST_NAME, PERIOD_MANIFEST_KIND, type PeriodManifest, SIGNATURE_NAME, sha256Hex, type Manifest, type ManifestFile } from './bundle.js';
import { checkSignature, parseSignatureFile, type VerificationKey } from './signing.js';
import { createHash } from 'node:crypto';
// The one check of entry names, shared with verify.html so both give the same verdict.
import { wardUnsafeEntryName } from './html/verify-core.js';

export interface VerifyOptions extends VerificationKey {
  /** The previous week's bundle (.zip), or its manifest copy (.json). */
  previous?: string;
}

/**
 * What the signature check concluded: `verified` (it holds with the given key), `not-checked` (signed,
 * but no key was given), `unsigned` (no manifest.sig), `failed` (listed in problems). Only `verified`
 * authenticates the bundle: without it, anyone could have rewritten the files and the manifest.
 */
export type SignatureCheck = 'verified' | 'not-checked' | 'unsigned' | 'failed';

export interface VerifyResult {
  /** No problem found in what could be checked (see `signature` for whether the bundle is authentic). */
  valid: boolean;
  signature: SignatureCheck;
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

interface HashedEntry {
  sha256: string;
  size: number;
  bytes?: Buffer;
}

/** Hashes a stream; keeps its bytes (up to MAX_SMALL_ENTRY_BYTES) when asked. */
function hashStream(stream: Readable, keep: boolean): Promise<HashedEntry> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      if (keep && size <= MAX_SMALL_ENTRY_BYTES) chunks.push(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve({ sha256: hash.digest('hex'), size, ...(keep ? { bytes: Buffer.concat(chunks) } : {}) }));
  });
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
        const unsafe = wardUnsafeEntryName(name);
        const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
        const limit = limits.limitOf(name);
        const safe = unsafe === undefined && mode !== S_IFLNK && !name.endsWith('/');
        const duplicate = names.has(name);
        if (safe) names.add(name);
        spans.push(entrySpan(name, entry));
        if (unsafe !== undefined) problems.push(`entry ${shown}: unsafe path (${unsafe}); not read`);
        else if (mode === S_IFLNK) problems.push(`entry ${shown}: symbolic link; not read`);
        else if (name.endsWith('/')) {
          // `zip -r` writes directory entries; they hold nothing to check.
        } else if (duplicate) problems.push(`entry ${shown}: appears more than once`);
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

/** The name below an enclosing folder (`folder/x` → `x`); names at the root stay as they are. */
const belowFolder = (name: string, folder: string | undefined): string => (folder !== undefined && name.startsWith(`${folder}/`) ? name.slice(folder.length + 1) : name);

/**
 * A bundle re-zipped as `zip -r copy.zip 2026-W47/` has every name under one folder: the folder to
 * read as the root, when it holds the manifest and every file is under it.
 */
function enclosingFolder(scan: ZipScan): string | undefined {
  if (scan.entries.has(MANIFEST_NAME)) return undefined;
  const folder = [...scan.entries.keys()].find((n) => n.endsWith(`/${MANIFEST_NAME}`) && n.split('/').length === 2)?.split('/')[0];
  if (folder === undefined || ![...scan.names].every((n) => n.startsWith(`${folder}/`))) return undefined;
  return folder;
}

function rebased(scan: ZipScan, folder: string | undefined): ZipScan {
  if (folder === undefined) return scan;
  const entries = new Map([...scan.entries].map(([name, entry]) => [belowFolder(name, folder), { ...entry, name: belowFolder(name, folder) }]));
  return { ...scan, entries, names: new Set([...scan.names].map((n) => belowFolder(n, folder))) };
}

/** Pass one: manifest.json and manifest.sig only (at the root or under one folder), each under the small-entry cap. */
const manifestOnly = (): InflateLimits => ({
  limitOf: (name) => {
    const base = name.includes('/') && name.split('/').length === 2 ? name.slice(name.indexOf('/') + 1) : name;
    return base === MANIFEST_NAME || base === SIGNATURE_NAME ? MAX_SMALL_ENTRY_BYTES : undefined;
  },
  budget: new InflateBudget(4 * MAX_SMALL_ENTRY_BYTES),
});

/**
 * Reads a bundle zip in two bounded passes: the manifest first, then every file it lists, each
 * bounded by its declared size, all by their sum and a hard cap. Returns the scan (names below any
 * enclosing folder) or, where the manifest itself is unusable, the problems found so far.
 */
async function scanBundleZip(path: string, problems: string[]): Promise<ZipScan | undefined> {
  const isManifestOrSig = (name: string) => name === MANIFEST_NAME || name === SIGNATURE_NAME;
  const first = await scanZip(path, (name) => isManifestOrSig(belowFolder(name, name.split('/')[0])), manifestOnly());
  problems.push(...first.problems);
  const folder = enclosingFolder(first);
  const firstScan = rebased(first, folder);
  const manifestBytes = firstScan.entries.get(MANIFEST_NAME)?.bytes;
  const parsed = manifestBytes === undefined ? undefined : parseManifest(manifestBytes);
  if (parsed === undefined || typeof parsed === 'string') return firstScan;

  const overlap = overlappingEntries(first.spans);
  if (overlap !== undefined) {
    problems.push(`entries ${JSON.stringify(overlap[0])} and ${JSON.stringify(overlap[1])} share compressed data (overlapping entries: a zip bomb); not read`);
    return undefined;
  }
  // Pass two: the listed files, each bounded by its declared size, all by their sum and the cap.
  const declared = new Map<string, number>();
  for (const file of parsed.files) if (!isManifestOrSig(file.path)) declared.set(file.path, Math.max(0, file.size));
  const total = [...declared.values()].reduce((a, b) => a + b, 0);
  if (total > MAX_BUNDLE_INFLATED_BYTES) {
    problems.push(`manifest.json declares ${total} bytes of files, more than the ${MAX_BUNDLE_INFLATED_BYTES}-byte cap; not read`);
    return undefined;
  }
  const second = rebased(
    await scanZip(path, (name) => belowFolder(name, folder) === CHECKSUMS_NAME, { limitOf: (name) => declared.get(belowFolder(name, folder)), budget: new InflateBudget(total) }),
    folder,
  );
  for (const problem of second.problems) if (!problems.includes(problem)) problems.push(problem);
  return { entries: new Map([...firstScan.entries, ...second.entries]), names: second.names, problems, stopped: second.stopped, spans: second.spans };
}

/** Reads an unzipped bundle: every regular file under `root`; links are reported and not followed. */
async function scanDirectory(root: string, keep: (name: string) => boolean): Promise<ZipScan> {
  const entries = new Map<string, ReadEntry>();
  const problems: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const item of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const name = `${prefix}${item.name}`;
      if (item.isSymbolicLink()) problems.push(`entry ${JSON.stringify(name)}: symbolic link; not read`);
      else if (item.isDirectory()) await walk(join(dir, item.name), `${name}/`);
      else if (!item.isFile()) problems.push(`entry ${JSON.stringify(name)}: not a regular file; not read`);
      else {
        const read = await hashStream(createReadStream(join(dir, item.name)), keep(name));
        entries.set(name, { name, ...read });
      }
    }
  };
  await walk(root, '');
  return { entries, names: new Set(entries.keys()), problems, stopped: false, spans: [] };
}

function parseManifest(bytes: Buffer): Manifest | string {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return `manifest.json is not valid JSON (${(error as Error).message})`;
  }
  const m = value as Partial<Manifest> | null;
  // An audit-period bundle's manifest (reports/period-evidence.ts) has the same files list.
  if (typeof m !== 'object' || m === null || (m.kind !== MANIFEST_KIND && (m.kind as string | undefined) !== PERIOD_MANIFEST_KIND)) {
    return `manifest.json is not a Ward evidence manifest (kind is neither "${MANIFEST_KIND}" nor "${PERIOD_MANIFEST_KIND}")`;
  }
  if (!Array.isArray(m.files)) return 'manifest.json has no files list';
  const bad = m.files.findIndex((f: Partial<ManifestFile>) => typeof f?.path !== 'string' || typeof f.sha256 !== 'string' || typeof f.size !== 'number');
  if (bad >= 0) return `manifest.json: files[${bad}] lacks path, sha256 or size`;
  if ((m.kind as string) === PERIOD_MANIFEST_KIND) {
    if (!Array.isArray((m as Partial<PeriodManifest>).weeklyManifests)) return 'manifest.json: an audit-period manifest without weeklyManifests';
  } else if (m.previous !== null && typeof m.previous !== 'string') return 'manifest.json: previous is neither a SHA-256 nor null';
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
    const found = await scanZip(path, (name) => name.endsWith(MANIFEST_NAME), manifestOnly());
    scan = rebased(found, enclosingFolder(found));
  } catch (error) {
    throw new UserError(`The previous bundle ${path} is not a readable zip archive (${(error as Error).message}).`);
  }
  const bytes = scan.entries.get(MANIFEST_NAME)?.bytes;
  if (bytes === undefined) throw new UserError(`The previous bundle ${path} has no manifest.json.`);
  return bytes;
}

const short = (hex: string): string => (hex.length > 16 ? `${hex.slice(0, 16)}…` : hex);

export async function verifyBundle(path: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  let isDirectory = false;
  try {
    const s = await stat(path);
    isDirectory = s.isDirectory();
    if (!s.isFile() && !isDirectory) throw new UserError(`${path} is neither a file nor a folder.`);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`Cannot read the bundle ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  const previousBytes = options.previous === undefined ? undefined : await previousManifest(options.previous);

  const problems: string[] = [];
  const notes: string[] = [];
  let scan: ZipScan | undefined;
  // The small files read whole.
  const small = new Set([MANIFEST_NAME, SIGNATURE_NAME, CHECKSUMS_NAME]);
  try {
    if (isDirectory) {
      scan = await scanDirectory(path, (name) => small.has(name));
      problems.push(...scan.problems);
    } else scan = await scanBundleZip(path, problems);
  } catch (error) {
    return { valid: false, signature: 'failed', problems: [isDirectory ? `the folder cannot be read (${(error as Error).message})` : `not a readable zip archive (${(error as Error).message})`], notes };
  }
  if (scan === undefined) return { valid: false, signature: 'failed', problems, notes };

  const manifestEntry = scan.entries.get(MANIFEST_NAME);
  if (manifestEntry?.bytes === undefined) {
    problems.push('manifest.json is missing: nothing to check the files against');
    return { valid: false, signature: 'failed', problems, notes };
  }
  const parsed = parseManifest(manifestEntry.bytes);
  if (typeof parsed === 'string') {
    problems.push(parsed);
    return { valid: false, signature: 'failed', problems, notes };
  }
  const manifest = parsed;

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

  problems.push(...checksumProblems(manifest, scan.entries.get(CHECKSUMS_NAME)?.bytes));

  // The chain (an audit-period bundle instead names the weekly manifests it covers, and holds them).
  const isPeriod = (manifest.kind as string) === PERIOD_MANIFEST_KIND;
  if (isPeriod) {
    const weekly = (manifest as unknown as PeriodManifest).weeklyManifests;
    const weeklyProblems = weeklyManifestProblems(manifest as unknown as PeriodManifest, scan.entries);
    problems.push(...weeklyProblems);
    if (weeklyProblems.length === 0) notes.push(`chain: audit period; the ${weekly.length} weekly manifest(s) it names are in the bundle with those digests (check them against the weekly bundles)`);
  }
  else if (previousBytes !== undefined) {
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
  let signature: SignatureCheck;
  if (sigEntry?.bytes === undefined) {
    signature = haveKey ? 'failed' : 'unsigned';
    if (haveKey) problems.push('manifest.sig is missing: the bundle is not signed');
    else notes.push('signature: NOT CHECKED: the bundle is not signed, so nothing shows who made it (anyone can rewrite files and manifest together)');
  } else {
    const sig = parseSignatureFile(sigEntry.bytes);
    if (typeof sig === 'string') {
      signature = 'failed';
      problems.push(sig);
    } else if (!haveKey) {
      signature = 'not-checked';
      notes.push(`signature: NOT CHECKED: manifest.sig is ${sig.algorithm} by ${sig.keyId}; give --public-key (or --hmac-key-file) to check it`);
    } else {
      const sigProblems = checkSignature(manifestEntry.bytes, sig, options);
      problems.push(...sigProblems);
      signature = sigProblems.length === 0 ? 'verified' : 'failed';
      if (sigProblems.length === 0) notes.push(`signature: ${sig.algorithm} by ${sig.keyId} verifies`);
    }
  }
  const what = isPeriod ? `audit period ${(manifest as unknown as PeriodManifest).period.from} to ${(manifest as unknown as PeriodManifest).period.to}` : `week ${manifest.week}`;
  if (problems.length === 0) notes.unshift(`${manifest.files.length} files match manifest.json (${what}, created ${manifest.createdAt} by Ward ${manifest.generator?.version ?? '?'})`);
  return { valid: problems.length === 0, signature, problems, notes, manifest };
}

/** Each weekly manifest an audit-period manifest names is in the bundle with that digest. */
function weeklyManifestProblems(manifest: PeriodManifest, entries: ReadonlyMap<string, ReadEntry>): string[] {
  const problems: string[] = [];
  for (const { week, sha256 } of manifest.weeklyManifests) {
    const entry = entries.get(`weekly/${week}.manifest.json`);
    if (entry === undefined) problems.push(`weekly/${week}.manifest.json is missing (named in manifest.json)`);
    else if (entry.sha256 !== sha256) problems.push(`weekly/${week}.manifest.json: SHA-256 is ${short(entry.sha256)}, manifest.json names ${short(sha256)}`);
  }
  return problems;
}

/**
 * SHA256SUMS, when the manifest lists it, must say what manifest.json says of every other file: an
 * auditor checking with `sha256sum -c` checks the same digests. Bundles made before it have none.
 */
function checksumProblems(manifest: Manifest, bytes: Buffer | undefined): string[] {
  if (bytes === undefined || !manifest.files.some((f) => f.path === CHECKSUMS_NAME)) return [];
  const problems: string[] = [];
  const listed = new Map<string, string>();
  bytes
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .forEach((line, i) => {
      const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
      if (match?.[1] === undefined || match[2] === undefined) problems.push(`${CHECKSUMS_NAME} line ${i + 1} is not "<sha256>  <path>"`);
      else listed.set(match[2], match[1]);
    });
  for (const file of manifest.files) {
    if (file.path === CHECKSUMS_NAME) continue;
    const digest = listed.get(file.path);
    if (digest === undefined) problems.push(`${CHECKSUMS_NAME} does not list ${file.path}`);
    else if (digest !== file.sha256) problems.push(`${CHECKSUMS_NAME} gives ${file.path} SHA-256 ${short(digest)}, manifest.json says ${short(file.sha256)}`);
    listed.delete(file.path);
  }
  for (const path of listed.keys()) problems.push(`${CHECKSUMS_NAME} lists ${path}, which manifest.json does not`);
  return problems;
}

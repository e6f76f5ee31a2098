/// <reference lib="dom" />
// What verify.html runs in the auditor's browser: a zip central-directory reader (entries inflated
// with the browser's DecompressionStream), SHA-256 with WebCrypto, and the same checks and messages
// as `ward evidence verify` (reports/verify.ts). Each function here is inlined into the page by its
// source text (Function.prototype.toString), so each one may use only browser globals and the other
// functions of this file, never an import or a module-level constant. Node 22 has the same globals,
// so the unit tests run them directly.

export interface PageZipEntry {
  name: string;
  sha256: string;
  size: number;
  bytes?: Uint8Array;
}

export interface PageZipScan {
  entries: Map<string, PageZipEntry>;
  problems: string[];
}

export interface PageVerifyInput {
  zip: Uint8Array;
  /** The previous week's manifest.json bytes (or its bundle zip). */
  previous?: Uint8Array;
  /** PEM text of the signer's public key (SPKI). */
  publicKeyPem?: string;
}

export interface PageVerifyResult {
  valid: boolean;
  signature: 'verified' | 'not-checked' | 'unsigned' | 'failed';
  problems: string[];
  notes: string[];
  /** One line, as the CLI's first line: VALID, NOT VERIFIED or INVALID. */
  verdict: string;
}

export async function wardSha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

export function wardUnsafeEntryName(name: string): string | undefined {
  if (name === '') return 'empty name';
  if (name.includes('\0')) return 'NUL character in the name';
  if (name.includes('\\')) return 'backslash in the path';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'absolute path';
  if (name.split('/').includes('..')) return 'parent-directory (..) component';
  return undefined;
}

async function wardInflate(data: Uint8Array, expectedSize: number): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    // Bounded: an entry that inflates past its declared size is refused, not held.
    if (size > expectedSize) {
      await reader.cancel();
      throw new Error(`inflates to more than its declared ${expectedSize} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Reads every entry of a zip (its central directory) and hashes each safe one; keeps the small ones named by `keep`. */
export async function wardScanZip(zip: Uint8Array, keep: (name: string) => boolean): Promise<PageZipScan> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory record');
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  if (count === 0xffff || at === 0xffffffff) throw new Error('ZIP64 archives are not read in the page; use ward evidence verify');
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const entries = new Map<string, PageZipEntry>();
  const problems: string[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > zip.length || view.getUint32(at, true) !== 0x02014b50) throw new Error(`central directory entry ${n + 1} is damaged`);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const external = view.getUint32(at + 38, true);
    const localOffset = view.getUint32(at + 42, true);
    const name = decoder.decode(zip.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
    const shown = JSON.stringify(name);
    const unsafe = wardUnsafeEntryName(name);
    if (unsafe !== undefined) problems.push(`entry ${shown}: unsafe path (${unsafe}); not read`);
    else if (((external >>> 16) & 0o170000) === 0o120000) problems.push(`entry ${shown}: symbolic link; not read`);
    else if (name.endsWith('/')) continue;
    else if (entries.has(name)) problems.push(`entry ${shown}: appears more than once`);
    else if ((flags & 1) !== 0) problems.push(`entry ${shown}: encrypted; cannot be checked`);
    else {
      try {
        if (view.getUint32(localOffset, true) !== 0x04034b50) throw new Error('local header not found');
        const dataStart = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
        const raw = zip.subarray(dataStart, dataStart + compressedSize);
        let bytes: Uint8Array;
        if (method === 0) bytes = raw;
        else if (method === 8) bytes = await wardInflate(raw, size);
        else throw new Error(`compression method ${method} is not supported`);
        entries.set(name, { name, sha256: await wardSha256Hex(bytes), size: bytes.length, ...(keep(name) ? { bytes } : {}) });
      } catch (error) {
        problems.push(`entry ${shown}: cannot be read (${(error as Error).message})`);
      }
    }
  }
  // A copy re-zipped as `zip -r copy.zip 2026-W47/`: read the one enclosing folder as the root.
  const names = [...entries.keys()];
  if (!entries.has('manifest.json')) {
    const folder = names.find((x) => x.endsWith('/manifest.json') && x.split('/').length === 2)?.split('/')[0];
    if (folder !== undefined && names.every((x) => x.startsWith(`${folder}/`))) {
      return { entries: new Map([...entries].map(([k, e]) => [k.slice(folder.length + 1), { ...e, name: k.slice(folder.length + 1) }])), problems };
    }
  }
  return { entries, problems };
}

function wardShort(hex: string): string {
  return hex.length > 16 ? `${hex.slice(0, 16)}…` : hex;
}

interface PageManifest {
  kind: string;
  week?: string;
  period?: { from?: string; to?: string };
  createdAt?: string;
  generator?: { version?: string };
  previous?: string | null;
  previousWeek?: string | null;
  weeklyManifests?: Array<{ week: string; sha256: string }>;
  files: Array<{ path: string; sha256: string; size: number }>;
}

function wardParseManifest(bytes: Uint8Array): PageManifest | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    return `manifest.json is not valid JSON (${(error as Error).message})`;
  }
  const m = value as Partial<PageManifest> | null;
  if (typeof m !== 'object' || m === null || (m.kind !== 'ward.evidence-manifest' && m.kind !== 'ward.period-evidence-manifest')) {
    return 'manifest.json is not a Ward evidence manifest (kind is neither "ward.evidence-manifest" nor "ward.period-evidence-manifest")';
  }
  if (!Array.isArray(m.files)) return 'manifest.json has no files list';
  const bad = m.files.findIndex((f: Partial<{ path: string; sha256: string; size: number }>) => typeof f?.path !== 'string' || typeof f.sha256 !== 'string' || typeof f.size !== 'number');
  if (bad >= 0) return `manifest.json: files[${bad}] lacks path, sha256 or size`;
  if (m.kind === 'ward.period-evidence-manifest') {
    if (!Array.isArray(m.weeklyManifests)) return 'manifest.json: an audit-period manifest without weeklyManifests';
  } else if (m.previous !== null && typeof m.previous !== 'string') return 'manifest.json: previous is neither a SHA-256 nor null';
  return m as PageManifest;
}

async function wardChecksumProblems(manifest: PageManifest, bytes: Uint8Array | undefined): Promise<string[]> {
  if (bytes === undefined || !manifest.files.some((f) => f.path === 'SHA256SUMS')) return [];
  const problems: string[] = [];
  const listed = new Map<string, string>();
  new TextDecoder()
    .decode(bytes)
    .split('\n')
    .filter((line) => line !== '')
    .forEach((line, i) => {
      const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
      if (match?.[1] === undefined || match[2] === undefined) problems.push(`SHA256SUMS line ${i + 1} is not "<sha256>  <path>"`);
      else listed.set(match[2], match[1]);
    });
  for (const file of manifest.files) {
    if (file.path === 'SHA256SUMS') continue;
    const digest = listed.get(file.path);
    if (digest === undefined) problems.push(`SHA256SUMS does not list ${file.path}`);
    else if (digest !== file.sha256) problems.push(`SHA256SUMS gives ${file.path} SHA-256 ${wardShort(digest)}, manifest.json says ${wardShort(file.sha256)}`);
    listed.delete(file.path);
  }
  for (const path of listed.keys()) problems.push(`SHA256SUMS lists ${path}, which manifest.json does not`);
  return Promise.resolve(problems);
}

function wardBase64(text: string): Uint8Array {
  const binary = atob(text.replace(/\s+/g, ''));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** An ECDSA DER signature (SEQUENCE {r, s}, as KMS and node:crypto write it) as WebCrypto's r‖s. */
function wardEcdsaDerToRaw(der: Uint8Array, half: number): Uint8Array {
  let at = 2;
  if (der[0] !== 0x30) throw new Error('not a DER SEQUENCE');
  if ((der[1] ?? 0) & 0x80) at = 2 + ((der[1] ?? 0) & 0x7f);
  const out = new Uint8Array(half * 2);
  for (let part = 0; part < 2; part++) {
    if (der[at] !== 0x02) throw new Error('not a DER INTEGER');
    const length = der[at + 1] ?? 0;
    let value = der.subarray(at + 2, at + 2 + length);
    while (value.length > half && value[0] === 0) value = value.subarray(1);
    if (value.length > half) throw new Error('integer too long for the curve');
    out.set(value, part * half + half - value.length);
    at += 2 + length;
  }
  return out;
}

async function wardCheckSignature(manifest: Uint8Array, sigBytes: Uint8Array, publicKeyPem: string | undefined): Promise<{ signature: PageVerifyResult['signature']; problems: string[]; notes: string[] }> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(sigBytes));
  } catch {
    return { signature: 'failed', problems: ['manifest.sig is not valid JSON'], notes: [] };
  }
  const sig = value as { algorithm?: unknown; keyId?: unknown; signature?: unknown } | null;
  if (typeof sig !== 'object' || sig === null || typeof sig.algorithm !== 'string' || typeof sig.keyId !== 'string' || typeof sig.signature !== 'string') {
    return { signature: 'failed', problems: ['manifest.sig lacks algorithm, keyId or signature'], notes: [] };
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(sig.signature) || sig.signature === '') return { signature: 'failed', problems: ['manifest.sig: signature is not base64'], notes: [] };
  const { algorithm, keyId } = sig;
  if (publicKeyPem === undefined) {
    return { signature: 'not-checked', problems: [], notes: [`signature: NOT CHECKED: manifest.sig is ${algorithm} by ${keyId}; give the public key (PEM) to check it`] };
  }
  if (algorithm === 'HMAC-SHA256') return { signature: 'failed', problems: ['manifest.sig is HMAC-SHA256: verify it with --hmac-key-file (a public key cannot check it)'], notes: [] };
  const hashes: Record<string, string> = { _256: 'SHA-256', _384: 'SHA-384', _512: 'SHA-512' };
  const hash = hashes[algorithm.slice(-4)];
  let params: { import: AlgorithmIdentifier | EcKeyImportParams | RsaHashedImportParams; verify: AlgorithmIdentifier | EcdsaParams | RsaPssParams } | undefined;
  if (algorithm === 'ED25519') params = { import: { name: 'Ed25519' }, verify: { name: 'Ed25519' } };
  else if (algorithm.startsWith('ECDSA_SHA_') && hash !== undefined) params = { import: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash } };
  else if (algorithm.startsWith('RSASSA_PKCS1_V1_5_SHA_') && hash !== undefined) params = { import: { name: 'RSASSA-PKCS1-v1_5', hash }, verify: { name: 'RSASSA-PKCS1-v1_5' } };
  else if (algorithm.startsWith('RSASSA_PSS_SHA_') && hash !== undefined) params = { import: { name: 'RSA-PSS', hash }, verify: { name: 'RSA-PSS', saltLength: Number(hash.slice(4)) / 8 } };
  if (params === undefined) return { signature: 'failed', problems: [`manifest.sig: unknown algorithm "${algorithm}"`], notes: [] };
  const problems: string[] = [];
  const body = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(publicKeyPem)?.[1];
  if (body === undefined) return { signature: 'failed', problems: ['the public key is not a PEM public key (-----BEGIN PUBLIC KEY-----)'], notes: [] };
  const spki = wardBase64(body);
  const given = `spki-sha256:${(await wardSha256Hex(spki)).slice(0, 16)}`;
  if (keyId.startsWith('spki-sha256:') && keyId !== given) problems.push(`manifest.sig was made with key ${keyId}, but the given public key is ${given}`);
  let ok = false;
  try {
    // The curve comes from the key itself: P-384 and P-521 keys name themselves in their SPKI.
    let importParams = params.import;
    if (algorithm.startsWith('ECDSA_')) {
      const curves: Array<[string, string]> = [['2b81040022', 'P-384'], ['2b81040023', 'P-521']];
      let hex = '';
      for (const b of spki) hex += b.toString(16).padStart(2, '0');
      importParams = { name: 'ECDSA', namedCurve: curves.find(([oid]) => hex.includes(oid))?.[1] ?? 'P-256' };
    }
    const key = await crypto.subtle.importKey('spki', spki as Uint8Array<ArrayBuffer>, importParams, false, ['verify']);
    let signature = wardBase64(sig.signature);
    if (algorithm.startsWith('ECDSA_')) {
      const curve = (importParams as EcKeyImportParams).namedCurve;
      signature = wardEcdsaDerToRaw(signature, curve === 'P-521' ? 66 : curve === 'P-384' ? 48 : 32);
    }
    ok = await crypto.subtle.verify(params.verify, key, signature as Uint8Array<ArrayBuffer>, manifest as Uint8Array<ArrayBuffer>);
  } catch (error) {
    return { signature: 'failed', problems: [...problems, `manifest.sig: cannot check a ${algorithm} signature with the given public key (${(error as Error).message})`], notes: [] };
  }
  if (!ok) problems.push(`manifest.sig: the ${algorithm} signature (key ${keyId}) does not verify against manifest.json with the given public key`);
  return problems.length === 0 ? { signature: 'verified', problems, notes: [`signature: ${algorithm} by ${keyId} verifies`] } : { signature: 'failed', problems, notes: [] };
}

/** The whole check, as `ward evidence verify` does it, on bytes the auditor dropped into the page. */
export async function wardVerifyBundle(input: PageVerifyInput): Promise<PageVerifyResult> {
  const small = new Set(['manifest.json', 'manifest.sig', 'SHA256SUMS']);
  const keep = (name: string) => small.has(name) || small.has(name.slice(name.indexOf('/') + 1)) || /^weekly\/.*\.manifest\.json$/.test(name);
  const problems: string[] = [];
  const notes: string[] = [];
  const finish = (signature: PageVerifyResult['signature']): PageVerifyResult => {
    const valid = problems.length === 0;
    let verdict: string;
    if (valid && signature === 'verified') verdict = 'VALID';
    else if (valid) verdict = `NOT VERIFIED: the files match manifest.json, but ${signature === 'unsigned' ? 'the bundle is not signed' : 'its signature was not checked (no key given)'}`;
    else verdict = `INVALID: ${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    return { valid, signature, problems, notes, verdict };
  };
  let previousBytes: Uint8Array | undefined = input.previous;
  if (previousBytes !== undefined && previousBytes[0] === 0x50 && previousBytes[1] === 0x4b) {
    const previousScan = await wardScanZip(previousBytes, (name) => name === 'manifest.json');
    previousBytes = previousScan.entries.get('manifest.json')?.bytes;
    if (previousBytes === undefined) {
      problems.push('the previous bundle has no manifest.json');
      return finish('failed');
    }
  }
  let scan: PageZipScan;
  try {
    scan = await wardScanZip(input.zip, keep);
  } catch (error) {
    problems.push(`not a readable zip archive (${(error as Error).message})`);
    return finish('failed');
  }
  problems.push(...scan.problems);
  const manifestBytes = scan.entries.get('manifest.json')?.bytes;
  if (manifestBytes === undefined) {
    problems.push('manifest.json is missing: nothing to check the files against');
    return finish('failed');
  }
  const manifest = wardParseManifest(manifestBytes);
  if (typeof manifest === 'string') {
    problems.push(manifest);
    return finish('failed');
  }
  // As the CLI (reports/verify.ts): a file larger than its declared size is not read at all.
  const oversized = new Set<string>();
  for (const file of manifest.files) {
    const entry = scan.entries.get(file.path);
    if (entry === undefined || file.path === 'manifest.json' || file.path === 'manifest.sig' || entry.size <= Math.max(0, file.size) || oversized.has(file.path)) continue;
    oversized.add(file.path);
    problems.push(`entry ${JSON.stringify(file.path)}: the zip says it inflates to ${entry.size} bytes, more than the ${Math.max(0, file.size)} declared; not read`);
  }
  const listed = new Set<string>();
  for (const file of manifest.files) {
    if (listed.has(file.path)) problems.push(`manifest.json lists ${file.path} more than once`);
    listed.add(file.path);
    const entry = oversized.has(file.path) ? undefined : scan.entries.get(file.path);
    if (entry === undefined) {
      if (oversized.has(file.path)) continue;
      if (!scan.problems.some((p) => p.startsWith(`entry ${JSON.stringify(file.path)}:`))) problems.push(`missing file: ${file.path} (listed in manifest.json)`);
      continue;
    }
    if (entry.size !== file.size) problems.push(`${file.path}: size is ${entry.size} bytes, manifest.json says ${file.size}`);
    if (entry.sha256 !== file.sha256) problems.push(`${file.path}: SHA-256 is ${wardShort(entry.sha256)}, manifest.json says ${wardShort(file.sha256)} (content changed)`);
  }
  for (const name of scan.entries.keys()) {
    if (name !== 'manifest.json' && name !== 'manifest.sig' && !listed.has(name)) problems.push(`extra file not listed in manifest.json: ${name}`);
  }
  problems.push(...(await wardChecksumProblems(manifest, scan.entries.get('SHA256SUMS')?.bytes)));

  const isPeriod = manifest.kind === 'ward.period-evidence-manifest';
  if (isPeriod) {
    const weeklyProblems: string[] = [];
    for (const { week, sha256 } of manifest.weeklyManifests ?? []) {
      const entry = scan.entries.get(`weekly/${week}.manifest.json`);
      if (entry === undefined) weeklyProblems.push(`weekly/${week}.manifest.json is missing (named in manifest.json)`);
      else if (entry.sha256 !== sha256) weeklyProblems.push(`weekly/${week}.manifest.json: SHA-256 is ${wardShort(entry.sha256)}, manifest.json names ${wardShort(sha256)}`);
    }
    problems.push(...weeklyProblems);
    if (weeklyProblems.length === 0) notes.push(`chain: audit period; the ${manifest.weeklyManifests?.length ?? 0} weekly manifest(s) it names are in the bundle with those digests (check them against the weekly bundles)`);
  } else {
    const previous = manifest.previous ?? null;
    const previousWeek = manifest.previousWeek ?? null;
    if (previousBytes !== undefined) {
      const actual = await wardSha256Hex(previousBytes);
      const prev = wardParseManifest(previousBytes);
      if (previous === null) problems.push('chain: manifest.json records no previous manifest (first bundle), but a previous manifest was given');
      else if (previous !== actual) problems.push(`chain broken: manifest.json records previous manifest SHA-256 ${wardShort(previous)}${previousWeek === null ? '' : ` (${previousWeek})`}, the given previous manifest has ${wardShort(actual)}`);
      else if (typeof prev !== 'string' && previousWeek !== null && prev.week !== previousWeek) problems.push(`chain: manifest.json names ${previousWeek} as previous week, the given previous bundle is ${prev.week ?? '?'}`);
      else notes.push(`chain: previous manifest${previousWeek === null ? '' : ` (${previousWeek})`} matches, SHA-256 ${wardShort(actual)}`);
    } else if (previous === null) notes.push('chain: first bundle of its chain (previous: null)');
    else notes.push(`chain: not checked; manifest.json records previous manifest ${wardShort(previous)}${previousWeek === null ? '' : ` (${previousWeek})`}: give the previous manifest to check it`);
  }

  let signature: PageVerifyResult['signature'];
  const sigBytes = scan.entries.get('manifest.sig')?.bytes;
  if (sigBytes === undefined) {
    signature = input.publicKeyPem === undefined ? 'unsigned' : 'failed';
    if (input.publicKeyPem !== undefined) problems.push('manifest.sig is missing: the bundle is not signed');
    else notes.push('signature: NOT CHECKED: the bundle is not signed, so nothing shows who made it (anyone can rewrite files and manifest together)');
  } else {
    const checked = await wardCheckSignature(manifestBytes, sigBytes, input.publicKeyPem);
    signature = checked.signature;
    problems.push(...checked.problems);
    notes.push(...checked.notes);
  }
  const what = isPeriod ? `audit period ${manifest.period?.from ?? '?'} to ${manifest.period?.to ?? '?'}` : `week ${manifest.week ?? '?'}`;
  if (problems.length === 0) notes.unshift(`${manifest.files.length} files match manifest.json (${what}, created ${manifest.createdAt ?? '?'} by Ward ${manifest.generator?.version ?? '?'})`);
  return finish(signature);
}

/** Every function the page needs, as source text, in an order where each is defined before use at run time. */
export const VERIFY_CORE_FUNCTIONS: ReadonlyArray<(...args: never[]) => unknown> = [
  wardSha256Hex,
  wardUnsafeEntryName,
  wardInflate,
  wardScanZip,
  wardShort,
  wardParseManifest,
  wardChecksumProblems,
  wardBase64,
  wardEcdsaDerToRaw,
  wardCheckSignature,
  wardVerifyBundle,
];

// Evidence bundles: a fresh bundle verifies; every kind of tampering is caught with the right
// message; unsafe entries are rejected without anything being extracted.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import type { ScanStore } from '../core/store/scans.js';
import { CHECKSUMS_NAME, sha256sums, type Manifest } from './bundle.js';
import { readZip, writeZip } from '../test/support/zip.js';
import { buildSampleStore, SAMPLE_MUTES } from './fixtures.js';
import { HmacEvidenceSigner, PrivateKeyEvidenceSigner } from './signing.js';
import { verifyBundle } from './verify.js';
import { buildWeeklyEvidence } from './weekly.js';

const KEY = randomBytes(32);
let dir: string;
let store: ScanStore;
let w46: string;
let w47: string;
let work: string;

/** Rewrites a bundle with `change` applied to its entries. */
async function tampered(name: string, change: (entries: Array<[string, Buffer]>) => Array<[string, Buffer]>): Promise<string> {
  return writeZip(join(work, name), change(await readZip(w47)));
}

const edit = (entries: Array<[string, Buffer]>, name: string, f: (b: Buffer) => Buffer) => entries.map(([n, b]): [string, Buffer] => [n, n === name ? f(b) : b]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ward-bundle-'));
  work = mkdtempSync(join(tmpdir(), 'ward-bundle-work-'));
  store = await buildSampleStore(dir, { week: '2026-W47', accounts: 2, resourcesPerControl: 6, weeks: 2 });
  const signer = new HmacEvidenceSigner(KEY);
  const first = await buildWeeklyEvidence(store, { week: '2026-W46', organization: 'Acme', mutes: SAMPLE_MUTES, signer, now: new Date('2026-11-15T22:00:00Z') });
  const second = await buildWeeklyEvidence(store, { week: '2026-W47', organization: 'Acme', mutes: SAMPLE_MUTES, signer, now: new Date('2026-11-22T22:00:00Z') });
  w46 = join(dir, first.keys.bundle);
  w47 = join(dir, second.keys.bundle);
});

describe('a fresh bundle', () => {
  it('holds the reports, the week\'s scans and a manifest chained to the previous week', async () => {
    const entries = new Map(await readZip(w47));
    const manifest = JSON.parse((entries.get('manifest.json') ?? Buffer.alloc(0)).toString('utf8')) as Manifest;
    expect(manifest).toMatchObject({ week: '2026-W47', previousWeek: '2026-W46', generator: { name: 'ward', version: expect.any(String) as string } });
    expect(manifest.files.map((f) => f.path).slice(0, 3)).toEqual(['report.pdf', 'report.json', 'report.csv']);
    expect(manifest.files.filter((f) => f.path.startsWith('scans/'))).toHaveLength(2);
    expect([...entries.keys()].sort()).toEqual([...manifest.files.map((f) => f.path), 'manifest.json', 'manifest.sig'].sort());
    const copy = readFileSync(join(dir, 'bundles/2026-W47.manifest.json'));
    expect(copy.equals(entries.get('manifest.json') ?? Buffer.alloc(0))).toBe(true);
    const first = JSON.parse(readFileSync(join(dir, 'bundles/2026-W46.manifest.json'), 'utf8')) as Manifest;
    expect(first.previous).toBeNull();
  });

  it('verifies: digests, sizes, chain and signature', async () => {
    const result = await verifyBundle(w47, { previous: w46, hmacKey: KEY });
    expect(result.problems).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.notes.join('\n')).toMatch(/chain: previous manifest \(2026-W46\) matches/);
    expect(result.notes.join('\n')).toMatch(/signature: HMAC-SHA256 by hmac-sha256:[0-9a-f]{16} verifies/);
    // The chain can also be followed from the manifest copy, without the previous zip.
    expect((await verifyBundle(w47, { previous: join(dir, 'bundles/2026-W46.manifest.json') })).valid).toBe(true);
  });

  it('says what it could not check without a key or the previous bundle: intact, but not authenticated', async () => {
    const result = await verifyBundle(w47);
    expect(result.valid).toBe(true);
    expect(result.signature).toBe('not-checked');
    expect(result.notes.join('\n')).toContain('give --previous to check it');
    expect(result.notes.join('\n')).toContain('signature: NOT CHECKED: manifest.sig is HMAC-SHA256');
  });

  it('refuses to rebuild a week a later bundle is chained to', async () => {
    await expect(buildWeeklyEvidence(store, { week: '2026-W46', organization: 'Acme', mutes: [] })).rejects.toThrow(UserError);
    await expect(buildWeeklyEvidence(store, { week: '2026-W46', organization: 'Acme', mutes: [] })).rejects.toThrow(/would break the evidence chain/);
  });
});

describe('tampering', () => {
  it('a changed byte', async () => {
    const path = await tampered('byte.zip', (e) =>
      edit(e, 'report.csv', (b) => {
        const c = Buffer.from(b);
        c[c.length - 3] = (c[c.length - 3] ?? 0) ^ 1;
        return c;
      }),
    );
    const result = await verifyBundle(path, { hmacKey: KEY });
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(/^report\.csv: SHA-256 is [0-9a-f]{16}…, manifest\.json says [0-9a-f]{16}… \(content changed\)$/)]);
  });

  it('a missing file', async () => {
    const path = await tampered('missing.zip', (e) => e.filter(([n]) => n !== 'report.json'));
    expect((await verifyBundle(path, { hmacKey: KEY })).problems).toEqual(['missing file: report.json (listed in manifest.json)']);
  });

  it('an extra file', async () => {
    const path = await tampered('extra.zip', (e) => [...e, ['scans/forged.json', Buffer.from('{}')]]);
    expect((await verifyBundle(path, { hmacKey: KEY })).problems).toEqual(['extra file not listed in manifest.json: scans/forged.json']);
  });

  it('a broken chain', async () => {
    const prev = await readZip(w46);
    const forged = await writeZip(
      join(work, 'w46-forged.zip'),
      edit(prev, 'manifest.json', (b) => Buffer.from(b.toString('utf8').replace('"organization": "Acme"', '"organization": "Acme Corp"'))),
    );
    const result = await verifyBundle(w47, { previous: forged, hmacKey: KEY });
    expect(result.problems).toEqual([expect.stringMatching(/^chain broken: manifest\.json records previous manifest SHA-256 [0-9a-f]{16}… \(2026-W46\), the given previous manifest has [0-9a-f]{16}…$/)]);
  });

  it('a bad signature, a wrong key, and a manifest edited to match a changed file', async () => {
    const badSig = await tampered('sig.zip', (e) =>
      edit(e, 'manifest.sig', (b) => {
        const sig = JSON.parse(b.toString('utf8')) as { signature: string };
        sig.signature = Buffer.from(randomBytes(32)).toString('base64');
        return Buffer.from(JSON.stringify(sig));
      }),
    );
    expect((await verifyBundle(badSig, { hmacKey: KEY })).problems).toEqual(['manifest.sig: the HMAC-SHA256 signature does not match manifest.json with the given key']);

    const wrong = randomBytes(32);
    const problems = (await verifyBundle(w47, { hmacKey: wrong })).problems;
    expect(problems[0]).toMatch(/^manifest\.sig was made with key hmac-sha256:[0-9a-f]{16}, but the given key is hmac-sha256:[0-9a-f]{16}$/);
    expect(problems[1]).toBe('manifest.sig: the HMAC-SHA256 signature does not match manifest.json with the given key');

    // Change a file and rewrite its digest in the manifest: only the signature can tell.
    const entries = await readZip(w47);
    const csv = Buffer.from(`${(entries.find(([n]) => n === 'report.csv')?.[1] ?? Buffer.alloc(0)).toString('utf8')}forged\r\n`);
    const manifest = JSON.parse((entries.find(([n]) => n === 'manifest.json')?.[1] ?? Buffer.alloc(0)).toString('utf8')) as Manifest;
    const { createHash } = await import('node:crypto');
    const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    manifest.files = manifest.files.map((f) => (f.path === 'report.csv' ? { ...f, sha256: digest(csv), size: csv.length } : f));
    const sums = sha256sums(manifest.files.filter((f) => f.path !== CHECKSUMS_NAME));
    manifest.files = manifest.files.map((f) => (f.path === CHECKSUMS_NAME ? { ...f, sha256: digest(sums), size: sums.length } : f));
    const rewritten = await writeZip(
      join(work, 'rewritten.zip'),
      entries.map(([n, b]): [string, Buffer] => [n, n === 'report.csv' ? csv : n === CHECKSUMS_NAME ? sums : n === 'manifest.json' ? Buffer.from(JSON.stringify(manifest, null, 2)) : b]),
    );
    expect((await verifyBundle(rewritten, { hmacKey: KEY })).problems).toEqual(['manifest.sig: the HMAC-SHA256 signature does not match manifest.json with the given key']);
    // Without the key nothing can tell: intact, and said to be not authenticated.
    expect(await verifyBundle(rewritten)).toMatchObject({ valid: true, signature: 'not-checked' });

    // SHA256SUMS edited alone disagrees with manifest.json; every problem is reported, not the first.
    const twice = await tampered('sums.zip', (e) =>
      edit(
        edit(e, CHECKSUMS_NAME, (b) => Buffer.from(b.toString('utf8').replace(/^[0-9a-f]{64}/, '0'.repeat(64)))),
        'report.csv',
        (b) => Buffer.concat([b, Buffer.from('x')]),
      ),
    );
    const all = (await verifyBundle(twice, { hmacKey: KEY })).problems;
    // A file grown past its declared size is not even inflated (bounded verification): one problem for it.
    expect(all).toHaveLength(3);
    expect(all.join('\n')).toMatch(/entry "report\.csv": the zip says it inflates to \d+ bytes, more than the \d+ declared; not read/);
    expect(all.join('\n')).toMatch(/SHA256SUMS: SHA-256 is/);
    expect(all.join('\n')).toMatch(/SHA256SUMS gives report\.pdf SHA-256 0000000000000000…, manifest\.json says/);
  });

  it('an unsigned bundle when a key is given', async () => {
    const path = await tampered('unsigned.zip', (e) => e.filter(([n]) => n !== 'manifest.sig'));
    expect((await verifyBundle(path, { hmacKey: KEY })).problems).toEqual(['manifest.sig is missing: the bundle is not signed']);
  });

  it('a public-key (KMS-style) signature verifies offline, and fails with another key', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const d = mkdtempSync(join(tmpdir(), 'ward-bundle-ec-'));
    const s = await buildSampleStore(d, { week: '2026-W47', accounts: 1, resourcesPerControl: 2, weeks: 1 });
    const signer = new PrivateKeyEvidenceSigner(pair.privateKey, 'ECDSA_SHA_256', 'arn:aws:kms:us-east-1:111122223333:key/test');
    const built = await buildWeeklyEvidence(s, { week: '2026-W47', organization: 'Acme', mutes: [], signer, now: new Date('2026-11-22T22:00:00Z') });
    const path = join(d, built.keys.bundle);
    expect((await verifyBundle(path, { publicKey: pair.publicKey })).valid).toBe(true);
    expect((await verifyBundle(path, { publicKey: other.publicKey })).problems).toEqual([
      'manifest.sig: the ECDSA_SHA_256 signature (key arn:aws:kms:us-east-1:111122223333:key/test) does not verify against manifest.json with the given public key',
    ]);
    expect((await verifyBundle(path, { hmacKey: KEY })).problems).toEqual(['manifest.sig is ECDSA_SHA_256: verify it with --public-key (the signer\'s PEM public key)']);
  });

  it('a file that is not a zip', async () => {
    const path = join(work, 'not.zip');
    writeFileSync(path, 'hello');
    const result = await verifyBundle(path);
    expect(result.valid).toBe(false);
    expect(result.problems[0]).toMatch(/^not a readable zip archive/);
    await expect(verifyBundle(join(work, 'absent.zip'))).rejects.toThrow(UserError);
  });
});

describe('unsafe entries', () => {
  /** yazl refuses unsafe names, as it should: write same-length placeholders, then patch the bytes. */
  async function craft(path: string, entries: ReadonlyArray<readonly [string, string, Buffer, number?]>): Promise<string> {
    await writeZip(path, entries.map(([placeholder, , bytes, mode]) => [placeholder, bytes, mode] as const));
    let zip = readFileSync(path);
    for (const [placeholder, real] of entries) {
      const from = Buffer.from(placeholder);
      const to = Buffer.from(real);
      expect(to.length).toBe(from.length);
      let at = zip.indexOf(from);
      while (at >= 0) {
        to.copy(zip, at);
        at = zip.indexOf(from, at + to.length);
      }
    }
    writeFileSync(path, zip);
    zip = Buffer.alloc(0);
    return path;
  }

  it('are reported, one line each, and nothing is extracted', async () => {
    const base = mkdtempSync(join(tmpdir(), 'ward-evil-'));
    const inner = join(base, 'inner');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(inner);
    const real = await readZip(w47);
    const path = await craft(join(inner, 'evil.zip'), [
      ...real.map(([n, b]) => [n, n, b] as const),
      ['zz/evil', '../evil', Buffer.from('pwned')],
      ['Xabs', '/abs', Buffer.from('pwned')],
      ['a_b.txt', 'a\\b.txt', Buffer.from('pwned')],
      ['link', 'link', Buffer.from('/etc/passwd'), 0o120777],
    ]);
    const before = readdirSync(inner);
    const cwdBefore = readdirSync(process.cwd());
    const result = await verifyBundle(path, { hmacKey: KEY });
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual([
      'entry "../evil": unsafe path (parent-directory (..) component); not read',
      'entry "/abs": unsafe path (absolute path); not read',
      'entry "a\\\\b.txt": unsafe path (backslash in the path); not read',
      'entry "link": symbolic link; not read',
    ]);
    expect(readdirSync(inner)).toEqual(before);
    expect(existsSync(join(base, 'evil'))).toBe(false);
    expect(existsSync('/abs')).toBe(false);
    expect(readdirSync(process.cwd())).toEqual(cwdBefore);
  });
});

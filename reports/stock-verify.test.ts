// Evidence anyone can check: a bundle signed with a key from `ward evidence keygen` verifies with
// coreutils' sha256sum and openssl alone (the shell commands of the README, no Ward code), and
// `ward evidence verify` accepts the unzipped folder and a copy re-zipped with `zip -r`.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScanStore } from '../core/store/scans.js';
import { buildSampleStore } from './fixtures.js';
import { generateEvidenceKey, signerFromKeyFile, type KeygenAlgorithm } from './keys.js';
import { readPublicKey } from './signing.js';
import { verifyBundle } from './verify.js';
import { buildWeeklyEvidence } from './weekly.js';

/** The README's commands for an auditor, run by the shell: unzip, sha256sum, openssl. */
const STOCK_VERIFY = String.raw`
set -e
cd "$1"
sha256sum --quiet -c SHA256SUMS
grep -q "\"sha256\": \"$(sha256sum SHA256SUMS | cut -c1-64)\"" manifest.json
grep '"signature"' manifest.sig | cut -d'"' -f4 | openssl base64 -d -A > "$3/manifest.sig.bin"
if grep -q '"algorithm": "ED25519"' manifest.sig; then
  openssl pkeyutl -verify -pubin -inkey "$2" -rawin -in manifest.json -sigfile "$3/manifest.sig.bin"
else
  openssl dgst -sha256 -verify "$2" -signature "$3/manifest.sig.bin" manifest.json
fi
`;

function stockVerify(folder: string, publicKey: string): { code: number | null; out: string } {
  const scratch = mkdtempSync(join(tmpdir(), 'ward-stock-sig-'));
  const run = spawnSync('sh', ['-c', STOCK_VERIFY, 'verify', folder, publicKey, scratch], { encoding: 'utf8' });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

let store: ScanStore;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ward-stock-'));
  store = await buildSampleStore(join(dir, 'store'), { week: '2026-W48', accounts: 1, resourcesPerControl: 3, weeks: 2 });
});

async function signedBundle(algorithm: KeygenAlgorithm, week: string): Promise<{ zip: string; folder: string; publicKey: string; privateKey: string }> {
  const key = generateEvidenceKey(algorithm, join(dir, `${algorithm}.key`), join(dir, `${algorithm}.pub.pem`));
  const built = await buildWeeklyEvidence(store, { week, organization: 'Acme', mutes: [], signer: signerFromKeyFile(key.privateKeyFile), now: new Date('2026-12-01T22:00:00Z') });
  const zip = join(dir, 'store', built.keys.bundle);
  const folder = join(dir, `unzipped-${algorithm}`);
  execFileSync('unzip', ['-q', zip, '-d', folder]);
  return { zip, folder, publicKey: key.publicKeyFile, privateKey: key.privateKeyFile };
}

describe.each([
  ['ed25519', '2026-W47', 'Signature Verified Successfully'],
  ['ecdsa-p256', '2026-W48', 'Verified OK'],
] as const)('a bundle signed with a %s key from ward evidence keygen', (algorithm, week, opensslSays) => {
  let bundle: Awaited<ReturnType<typeof signedBundle>>;
  beforeAll(async () => {
    bundle = await signedBundle(algorithm, week);
  });

  it('keeps the private key to its owner (mode 0600)', () => {
    expect(statSync(bundle.privateKey).mode & 0o777).toBe(0o600);
    expect(readFileSync(bundle.publicKey, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('verifies with sha256sum and openssl only, and not once a file is changed', () => {
    const ok = stockVerify(bundle.folder, bundle.publicKey);
    expect(ok.out.trim()).toBe(opensslSays);
    expect(ok.code).toBe(0);

    const tamperedFolder = join(dir, `tampered-${algorithm}`);
    execFileSync('unzip', ['-q', bundle.zip, '-d', tamperedFolder]);
    writeFileSync(join(tamperedFolder, 'report.csv'), `${readFileSync(join(tamperedFolder, 'report.csv'), 'utf8')}forged\r\n`);
    const bad = stockVerify(tamperedFolder, bundle.publicKey);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain('report.csv: FAILED');
  });

  it('ward evidence verify accepts the unzipped folder and a copy re-zipped with zip -r, with or without an enclosing folder', async () => {
    const publicKey = readPublicKey(bundle.publicKey);
    const folder = await verifyBundle(bundle.folder, { publicKey });
    expect(folder.problems).toEqual([]);
    expect(folder.signature).toBe('verified');

    const flat = join(dir, `rezipped-flat-${algorithm}.zip`);
    execFileSync('zip', ['-q', '-r', flat, '.'], { cwd: bundle.folder });
    const nested = join(dir, `rezipped-nested-${algorithm}.zip`);
    execFileSync('zip', ['-q', '-r', nested, `unzipped-${algorithm}`], { cwd: dir });
    expect(execFileSync('unzip', ['-l', flat], { encoding: 'utf8' })).toMatch(/ scans\/\n/);
    for (const copy of [flat, nested]) {
      const result = await verifyBundle(copy, { publicKey });
      expect(result.problems, copy).toEqual([]);
      expect(result.signature).toBe('verified');
    }
  });
});

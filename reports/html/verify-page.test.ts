// verify.html in real Chromium: the page shipped inside a bundle gives, for an intact bundle and for
// each tampering, the same verdict and the same problem lines as `ward evidence verify`.

import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test/support/browser.js';
import { readZip, writeZip } from '../../test/support/zip.js';
import { buildSampleStore, SAMPLE_MUTES } from '../fixtures.js';
import { PrivateKeyEvidenceSigner, signatureBytes } from '../signing.js';
import { verifyBundle } from '../verify.js';
import { buildWeeklyEvidence } from '../weekly.js';
import { VERIFY_PAGE_KEY } from './verify-page.js';

let dir: string;
let work: string;
let w46Manifest: string;
let w47: string;
let edPublic: KeyObject;
let edPublicPem: string;
let browser: Browser;
let page: Page;
const requests: string[] = [];
const pageErrors: string[] = [];

const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

function file(name: string, bytes: string | Buffer): string {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
}

async function tampered(name: string, change: (entries: Array<[string, Buffer]>) => Array<[string, Buffer]>): Promise<string> {
  return writeZip(join(work, name), change(await readZip(w47)));
}

interface PageVerdict {
  heading: string;
  problems: string[];
  notes: string[];
}

/** Chooses the files in the page (as an auditor would), submits, and reads what it says. */
async function verifyInPage(bundle: string, options: { previous?: string; publicKey?: string } = {}): Promise<PageVerdict> {
  await page.setInputFiles('#bundle', bundle);
  await page.setInputFiles('#previous', options.previous === undefined ? [] : [options.previous]);
  await page.setInputFiles('#public-key', options.publicKey === undefined ? [] : [options.publicKey]);
  // The previous verdict must not be read as this one: wait for the page to finish this run.
  await page.evaluate(() => document.querySelector('#result')?.setAttribute('data-state', 'stale'));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForSelector('#result[data-state="done"]');
  return {
    heading: await page.locator('#verdict').innerText(),
    problems: (await page.locator('#result .problems li').allInnerTexts()).map((line) => line.replace(/^FAIL /, '')),
    notes: await page.locator('#result .notes li').allInnerTexts(),
  };
}

/** The page's verdict on these inputs, checked against the CLI's on the same inputs. */
async function sameAsCli(bundle: string, options: { previous?: string; publicKey?: string } = {}): Promise<PageVerdict> {
  const shown = await verifyInPage(bundle, options);
  const cli = await verifyBundle(bundle, {
    ...(options.previous === undefined ? {} : { previous: options.previous }),
    ...(options.publicKey === undefined ? {} : { publicKey: createPublicKey(readFileSync(options.publicKey)) }),
  });
  expect(shown.problems).toEqual(cli.problems);
  const word = cli.valid ? (cli.signature === 'verified' ? 'VALID' : 'NOT VERIFIED') : 'INVALID';
  expect(shown.heading.startsWith(`${word} `)).toBe(true);
  return shown;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ward-verify-page-'));
  work = mkdtempSync(join(tmpdir(), 'ward-verify-page-work-'));
  const store = await buildSampleStore(dir, { week: '2026-W47', accounts: 1, resourcesPerControl: 2, weeks: 2 });
  const pair = generateKeyPairSync('ed25519');
  edPublic = pair.publicKey;
  const signer = new PrivateKeyEvidenceSigner(pair.privateKey, 'ED25519');
  await buildWeeklyEvidence(store, { week: '2026-W46', organization: 'Acme', mutes: SAMPLE_MUTES, signer, now: new Date('2026-11-15T22:00:00Z') });
  const second = await buildWeeklyEvidence(store, { week: '2026-W47', organization: 'Acme', mutes: SAMPLE_MUTES, signer, now: new Date('2026-11-22T22:00:00Z') });
  w47 = join(dir, second.keys.bundle);
  w46Manifest = join(dir, 'bundles/2026-W46.manifest.json');
  edPublicPem = file('ed25519.pub.pem', pem(edPublic));
  // The page the auditor opens is the one shipped inside the bundle.
  const shipped = new Map(await readZip(w47)).get('verify.html');
  if (shipped === undefined) throw new Error('the bundle has no verify.html');
  const pagePath = file('verify.html', shipped);
  browser = await launchChromium();
  page = await browser.newPage();
  // The page must need nothing from any network: any request but the page itself fails the test.
  page.on('request', (request) => {
    if (request.url() !== page.url() && !request.url().startsWith('file:')) requests.push(request.url());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(pathToFileURL(pagePath).href);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  expect(requests).toEqual([]);
  expect(pageErrors).toEqual([]);
});

describe('verify.html', () => {
  it('is in every bundle, listed in its manifest, and beside the bundles in the store', async () => {
    const entries = new Map(await readZip(w47));
    const manifest = JSON.parse((entries.get('manifest.json') ?? Buffer.alloc(0)).toString('utf8')) as { files: Array<{ path: string }> };
    expect(manifest.files.map((f) => f.path)).toContain('verify.html');
    expect(readFileSync(join(dir, VERIFY_PAGE_KEY)).equals(entries.get('verify.html') ?? Buffer.alloc(0))).toBe(true);
  });

  it('says VALID for an intact Ed25519-signed bundle with its chain, as the CLI does', async () => {
    const shown = await sameAsCli(w47, { previous: w46Manifest, publicKey: edPublicPem });
    expect(shown.heading).toBe('VALID 2026-W47.zip');
    expect(shown.notes.join('\n')).toMatch(/files match manifest\.json \(week 2026-W47[\s\S]*chain: previous manifest \(2026-W46\) matches[\s\S]*signature: ED25519 by spki-sha256:[0-9a-f]{16} verifies/);
  });

  it('checks an ECDSA P-256 (KMS-style DER) signature', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signer = new PrivateKeyEvidenceSigner(ec.privateKey, 'ECDSA_SHA_256');
    const entries = await readZip(w47);
    const manifest = entries.find(([n]) => n === 'manifest.json')?.[1] ?? Buffer.alloc(0);
    const sig = await signatureBytes(signer, manifest);
    const bundle = await tampered('ecdsa.zip', (e) => e.map(([n, b]): [string, Buffer] => [n, n === 'manifest.sig' ? sig : b]));
    const ecPem = file('ec.pub.pem', pem(ec.publicKey));
    const shown = await verifyInPage(bundle, { publicKey: ecPem });
    expect(shown.heading).toBe('VALID ecdsa.zip');
    expect(shown.problems).toEqual([]);
    expect((await verifyBundle(bundle, { publicKey: ec.publicKey })).signature).toBe('verified');
  });

  it('says NOT VERIFIED when no key is given', async () => {
    const shown = await sameAsCli(w47);
    expect(shown.heading).toMatch(/^NOT VERIFIED 2026-W47\.zip: the files match manifest\.json, but its signature was not checked/);
  });

  it('catches an altered file, and one grown past its declared size (not even inflated)', async () => {
    const flipLast = (b: Buffer) => Buffer.concat([b.subarray(0, b.length - 1), Buffer.from(b.at(-1) === 0x78 ? 'y' : 'x')]);
    const altered = await tampered('altered.zip', (e) => e.map(([n, b]): [string, Buffer] => [n, n === 'report.csv' ? flipLast(b) : b]));
    const shown = await sameAsCli(altered, { publicKey: edPublicPem });
    expect(shown.problems.join('\n')).toMatch(/^report\.csv: SHA-256 is [0-9a-f]{16}…, manifest\.json says [0-9a-f]{16}… \(content changed\)$/);
    const grown = await tampered('grown.zip', (e) => e.map(([n, b]): [string, Buffer] => [n, n === 'report.csv' ? Buffer.concat([b, Buffer.from('x')]) : b]));
    const grownShown = await sameAsCli(grown, { publicKey: edPublicPem });
    expect(grownShown.problems.join('\n')).toMatch(/^entry "report\.csv": the zip says it inflates to \d+ bytes, more than the \d+ declared; not read$/);
  });

  it('catches an extra file', async () => {
    const bundle = await tampered('extra.zip', (e) => [...e, ['notes.txt', Buffer.from('planted')]]);
    const shown = await sameAsCli(bundle, { publicKey: edPublicPem });
    expect(shown.problems).toEqual(['extra file not listed in manifest.json: notes.txt']);
  });

  it('catches a missing file', async () => {
    const bundle = await tampered('missing.zip', (e) => e.filter(([n]) => n !== 'report.pdf'));
    const shown = await sameAsCli(bundle, { publicKey: edPublicPem });
    expect(shown.problems).toEqual(['missing file: report.pdf (listed in manifest.json)']);
  });

  it('catches a broken chain', async () => {
    const other = file('other.manifest.json', readFileSync(w46Manifest, 'utf8').replace('"organization": "Acme"', '"organization": "Acme Forged"'));
    const shown = await sameAsCli(w47, { previous: other, publicKey: edPublicPem });
    expect(shown.problems).toHaveLength(1);
    expect(shown.problems[0]).toMatch(/^chain broken: manifest\.json records previous manifest SHA-256 [0-9a-f]{16}… \(2026-W46\), the given previous manifest has [0-9a-f]{16}…$/);
  });

  it('catches a wrong signature', async () => {
    const forged = await tampered('forged.zip', (e) =>
      e.map(([n, b]): [string, Buffer] => [n, n === 'manifest.json' ? Buffer.from(b.toString('utf8').replace('"organization": "Acme"', '"organization": "Acme!"')) : b]),
    );
    const shown = await sameAsCli(forged, { publicKey: edPublicPem });
    expect(shown.problems).toEqual([expect.stringMatching(/^manifest\.sig: the ED25519 signature \(key spki-sha256:[0-9a-f]{16}\) does not verify against manifest\.json with the given public key$/)]);
    const stranger = file('stranger.pub.pem', pem(generateKeyPairSync('ed25519').publicKey));
    const wrongKey = await sameAsCli(w47, { publicKey: stranger });
    expect(wrongKey.problems).toHaveLength(2);
    expect(wrongKey.problems[0]).toMatch(/^manifest\.sig was made with key spki-sha256:[0-9a-f]{16}, but the given public key is spki-sha256:[0-9a-f]{16}$/);
  });
});

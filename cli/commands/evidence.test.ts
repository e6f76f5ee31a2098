// `ward report`, `ward evidence verify` and `ward evidence url`, run in process.

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildSampleStore } from '../../reports/fixtures.js';
import { isoWeekOf } from '../../reports/week.js';
import { main } from '../main.js';
import { parseExpires } from './evidence.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function ward(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'ward', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

let dir: string;
let config: string;
let keyFile: string;
const saved = { ...process.env };

beforeAll(async () => {
  delete process.env['WARD_EVIDENCE_HMAC_KEY'];
  delete process.env['WARD_CONFIG'];
  delete process.env['WARD_STORE'];
  dir = mkdtempSync(join(tmpdir(), 'ward-cli-report-'));
  await buildSampleStore(join(dir, 'store'), { week: '2026-W47', accounts: 1, resourcesPerControl: 3, weeks: 2 });
  config = join(dir, 'ward.config.yml');
  // Mutes may last at most a year from the day the configuration is read (muteLimits.maxDays).
  const expires = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
  writeFileSync(config, `organizationName: Acme Health\nmutes:\n  - controls: [aws-ssh-not-open]\n    broad: true\n    reason: Bastion being retired\n    owner: ops@example.com\n    expires: "${expires}"\n`);
  keyFile = join(dir, 'evidence.key');
  writeFileSync(keyFile, randomBytes(32).toString('base64'));
});

afterEach(() => {
  process.env = { ...saved };
  delete process.env['WARD_EVIDENCE_HMAC_KEY'];
});

describe('ward report', () => {
  it('writes the PDF, JSON, CSV and a signed bundle into the store and prints where', async () => {
    const store = join(dir, 'store');
    const w46 = await ward('report', '--week', '2026-W46', '--store', store, '--config', config, '--hmac-key-file', keyFile);
    expect(w46.code).toBe(0);
    const run = await ward('report', '--week', '2026-W47', '--store', store, '--config', config, '--hmac-key-file', keyFile);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Weekly evidence for 2026-W47 (16–22 Nov 2026, UTC)');
    for (const key of ['reports/2026-W47/report.pdf', 'reports/2026-W47/report.json', 'reports/2026-W47/report.csv', 'bundles/2026-W47.zip', 'bundles/2026-W47.manifest.json']) {
      expect(run.stdout).toContain(`${store}/${key}`);
    }
    expect(run.stdout).toMatch(/signed, HMAC-SHA256 key hmac-sha256:[0-9a-f]{16}/);
    const json = JSON.parse(readFileSync(join(store, 'reports/2026-W47/report.json'), 'utf8')) as { organization: string; mutes: { rules: unknown[] } };
    expect(json.organization).toBe('Acme Health');
    expect(json.mutes.rules).toHaveLength(1);
  });

  it('refuses a week that has not started, writing nothing into the store or the chain', async () => {
    const store = join(dir, 'store');
    const next = isoWeekOf(new Date(Date.now() + 7 * 86_400_000)).id;
    const run = await ward('report', '--week', next, '--store', store, '--config', config);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Week ${next} has not started yet`);
    expect(existsSync(join(store, `bundles/${next}.zip`))).toBe(false);
    expect(existsSync(join(store, `bundles/${next}.manifest.json`))).toBe(false);
    expect(existsSync(join(store, `reports/${next}`))).toBe(false);
  });

  it('rejects a bad week with exit 2', async () => {
    const run = await ward('report', '--week', '2026-W60', '--store', join(dir, 'store'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('2026 has weeks W01 to W53');
  });
});

describe('ward evidence verify', () => {
  it('exits 0 on a valid bundle, 1 with one line per problem, 2 when it cannot run', async () => {
    const store = join(dir, 'store');
    const bundle = join(store, 'bundles/2026-W47.zip');
    const ok = await ward('evidence', 'verify', bundle, '--previous', join(store, 'bundles/2026-W46.zip'), '--hmac-key-file', keyFile);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^VALID /);
    expect(ok.stdout).toContain('signature: HMAC-SHA256');

    const otherKey = join(dir, 'other.key');
    writeFileSync(otherKey, randomBytes(32).toString('hex'));
    const bad = await ward('evidence', 'verify', bundle, '--hmac-key-file', otherKey);
    expect(bad.code).toBe(1);
    const lines = bad.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL '))).toHaveLength(2);
    expect(lines.at(-1)).toBe(`INVALID ${bundle}: 2 problems`);

    expect((await ward('evidence', 'verify', join(dir, 'nope.zip'))).code).toBe(2);
    const both = await ward('evidence', 'verify', bundle, '--hmac-key-file', keyFile, '--public-key', keyFile);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('cannot be used with');
  });
});

describe('ward evidence keygen, report --signing-key, verify --public-key', () => {
  it('signs with a local key pair; without a key a signed bundle reads NOT VERIFIED and exits 1 unless --allow-unsigned', async () => {
    const store = join(dir, 'keyed-store');
    await buildSampleStore(store, { week: '2026-W47', accounts: 1, resourcesPerControl: 2, weeks: 1 });
    const prefix = join(dir, 'auditor');
    const keygen = await ward('evidence', 'keygen', '--out', prefix);
    expect(keygen.code).toBe(0);
    expect(keygen.stdout).toMatch(/Signing key spki-sha256:[0-9a-f]{16} \(ED25519\)/);
    expect(statSync(`${prefix}.key`).mode & 0o777).toBe(0o600);
    expect((await ward('evidence', 'keygen', '--out', prefix)).stderr).toContain('already exists');

    const report = await ward('report', '--week', '2026-W47', '--store', store, '--config', config, '--signing-key', `${prefix}.key`);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/signed, ED25519 key spki-sha256:/);
    const bundle = join(store, 'bundles/2026-W47.zip');

    const verified = await ward('evidence', 'verify', bundle, '--public-key', `${prefix}.pub.pem`);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^VALID /);

    const noKey = await ward('evidence', 'verify', bundle);
    expect(noKey.code).toBe(1);
    expect(noKey.stdout).not.toMatch(/^VALID/m);
    expect(noKey.stdout).toMatch(/^NOT VERIFIED .*: the files match manifest\.json, but its signature was not checked/);
    expect(noKey.stdout).toContain('signature: NOT CHECKED: manifest.sig is ED25519');
    expect((await ward('evidence', 'verify', bundle, '--allow-unsigned')).code).toBe(0);

    // A key others can read is refused, as ssh does.
    chmodSync(`${prefix}.key`, 0o644);
    const loose = await ward('report', '--week', '2026-W47', '--store', store, '--signing-key', `${prefix}.key`);
    expect(loose.code).toBe(2);
    expect(loose.stderr).toContain('chmod 600');
  });
});

describe('ward evidence url', () => {
  it('prints the bundle link, with --expires checked', async () => {
    const store = join(dir, 'store');
    const run = await ward('evidence', 'url', '--week', '2026-W47', '--expires', '30m', '--store', store);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(join(store, 'bundles/2026-W47.zip'));
    const tooLong = await ward('evidence', 'url', '--week', '2026-W47', '--expires', '8d', '--store', store);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain('at most 7d');
    const missing = await ward('evidence', 'url', '--week', '2026-W30', '--store', store);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No bundle for 2026-W30');
  });

  it('parses durations up to seven days', () => {
    expect(parseExpires('30m')).toBe(1800);
    expect(parseExpires('1h')).toBe(3600);
    expect(parseExpires('7d')).toBe(604_800);
    expect(parseExpires('90s')).toBe(90);
    for (const bad of ['8d', '169h', '0m', '1w', 'soon', '-1h']) expect(() => parseExpires(bad)).toThrow();
  });
});

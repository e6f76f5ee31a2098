import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkDownloadToken, isDownloadableKey, issueDownloadToken, type LinkMac } from './download-token.js';

/** A local HMAC for the token's own logic; the KMS path is tested against the sandbox (download-token-kms.test.ts). */
function localMac(): LinkMac & { verifications: number } {
  const key = randomBytes(32);
  const state = {
    verifications: 0,
    generate: (message: Buffer) => Promise.resolve(createHmac('sha256', key).update(message).digest()),
    verify: (message: Buffer, mac: Buffer) => {
      state.verifications += 1;
      const expected = createHmac('sha256', key).update(message).digest();
      return Promise.resolve(mac.length === expected.length && timingSafeEqual(mac, expected));
    },
  };
  return state;
}

const NOW = new Date('2026-11-23T08:00:00Z');
const WEEK_LATER = new Date(NOW.getTime() + 7 * 24 * 3600 * 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('download link tokens', () => {
  it('a token names its key and expiry and checks out until then', async () => {
    const mac = localMac();
    const token = await issueDownloadToken(mac, 'bundles/2026-W47.zip', WEEK_LATER);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(await checkDownloadToken(mac, token, NOW)).toEqual({ ok: true, key: 'bundles/2026-W47.zip', expiresAt: WEEK_LATER });
    expect(await checkDownloadToken(mac, token, new Date(WEEK_LATER.getTime() - 1000))).toMatchObject({ ok: true });
  });

  it('refuses an expired token, saying when it expired', async () => {
    const mac = localMac();
    const token = await issueDownloadToken(mac, 'reports/2026-W47/report.pdf', WEEK_LATER);
    expect(await checkDownloadToken(mac, token, WEEK_LATER)).toEqual({ ok: false, reason: `This download link expired on ${WEEK_LATER.toISOString()}. Ask for a new one.` });
  });

  it('refuses a token whose key or expiry was changed, or whose MAC was made by another key', async () => {
    const mac = localMac();
    const token = await issueDownloadToken(mac, 'bundles/2026-W47.zip', WEEK_LATER);
    const [, signature] = token.split('.');
    const otherKey = `${b64({ v: 1, k: 'bundles/2026-W46.zip', e: WEEK_LATER.getTime() / 1000 })}.${signature}`;
    const longer = `${b64({ v: 1, k: 'bundles/2026-W47.zip', e: WEEK_LATER.getTime() / 1000 + 365 * 86400 })}.${signature}`;
    for (const forged of [otherKey, longer]) expect(await checkDownloadToken(mac, forged, NOW)).toEqual({ ok: false, reason: 'This download link is not valid: its signature does not match.' });
    expect(await checkDownloadToken(localMac(), token, NOW)).toMatchObject({ ok: false, reason: 'This download link is not valid: its signature does not match.' });
    // The signature's first character: all six of its bits are MAC bits (the last character's low
    // bits are base64 padding, which decoding ignores, so changing those could leave the MAC intact).
    const at = token.indexOf('.') + 1;
    const flipped = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    expect((await checkDownloadToken(mac, flipped, NOW)).ok).toBe(false);
  });

  it('refuses keys outside bundles/ and reports/, traversal and odd segments, whether issued or forged', async () => {
    const mac = localMac();
    const bad = ['scans/run.json', 'state/aws/1.json', 'bundles/../state/aws/1.json', 'reports/./x.pdf', 'bundles//x.zip', '/bundles/x.zip', 'bundles/x\\..\\y', 'bundles/', 'bundles/x\n.zip', 'bundlesx/y.zip', `bundles/${'a'.repeat(600)}`];
    for (const key of bad) {
      expect(isDownloadableKey(key), key).toBe(false);
      await expect(issueDownloadToken(mac, key, WEEK_LATER)).rejects.toThrow('only keys under bundles/ or reports/ can be shared');
      // A MAC over a bad key (as if the signing key had been misused) still gets no download.
      const payload = b64({ v: 1, k: key, e: WEEK_LATER.getTime() / 1000 });
      const signed = `${payload}.${(await mac.generate(Buffer.from(`ward-download-link.${payload}`))).toString('base64url')}`;
      expect(await checkDownloadToken(mac, signed, NOW), key).toEqual({ ok: false, reason: 'This download link does not name a downloadable evidence file.' });
    }
    for (const key of ['bundles/2026-W47.zip', 'bundles/verify.html', 'reports/2026-W47/report.pdf', 'reports/2026-W47/findings.csv']) expect(isDownloadableKey(key), key).toBe(true);
  });

  it('refuses malformed tokens without asking for a MAC check', async () => {
    const mac = localMac();
    const malformed = ['', 'abc', 'a.b.c', '!!.??', `${b64({ v: 2, k: 'bundles/x.zip', e: 2e9 })}.AAAA`, `${b64({ v: 1, k: 'bundles/x.zip', e: '2e9' })}.AAAA`, `${b64({ v: 1, k: 'bundles/x.zip', e: 2e9, extra: 1 })}.AAAA`, `${b64(['bundles/x.zip'])}.AAAA`, `${b64({ v: 1, k: 'bundles/x.zip', e: 2e9 }).repeat(40)}.AAAA`, 'x'.repeat(3000)];
    for (const token of malformed) expect((await checkDownloadToken(mac, token, NOW)).ok, token.slice(0, 40)).toBe(false);
    // Prototype names are not fields: a payload with `__proto__` is malformed, not a key.
    expect(await checkDownloadToken(mac, `${Buffer.from('{"v":1,"e":2000000000,"__proto__":{"k":"bundles/x.zip"}}').toString('base64url')}.AAAA`, NOW)).toMatchObject({ ok: false });
    expect(mac.verifications).toBe(0);
  });
});

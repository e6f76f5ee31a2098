import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import { checkSignature, decodeKey, HmacEvidenceSigner, hmacKeyId, hmacSignerFrom, PrivateKeyEvidenceSigner, readPublicKey, signatureFile } from './signing.js';

const manifest = Buffer.from('{"week":"2026-W47"}\n');

describe('HMAC keys', () => {
  it('read hex or base64, and refuse short or garbled keys', () => {
    const key = randomBytes(32);
    expect(decodeKey(key.toString('hex'), 't').equals(key)).toBe(true);
    expect(decodeKey(`  ${key.toString('base64')}\n`, 't').equals(key)).toBe(true);
    expect(decodeKey(key.toString('base64url'), 't').equals(key)).toBe(true);
    expect(() => decodeKey('abcd', 't')).toThrow(/at least 16/);
    expect(() => decodeKey('not a key!', 't')).toThrow(UserError);
  });

  it('come from a file or WARD_EVIDENCE_HMAC_KEY, the file first', () => {
    const key = randomBytes(32);
    const other = randomBytes(32);
    const file = join(mkdtempSync(join(tmpdir(), 'ward-key-')), 'key');
    writeFileSync(file, key.toString('base64'));
    expect(hmacSignerFrom({ keyFile: file, env: { WARD_EVIDENCE_HMAC_KEY: other.toString('hex') } })?.keyId).toBe(hmacKeyId(key));
    expect(hmacSignerFrom({ env: { WARD_EVIDENCE_HMAC_KEY: other.toString('hex') } })?.keyId).toBe(hmacKeyId(other));
    expect(hmacSignerFrom({ env: {} })).toBeUndefined();
    expect(() => hmacSignerFrom({ keyFile: join(tmpdir(), 'no-such-ward-key') })).toThrow(/Cannot read the HMAC key file/);
  });

  it('sign and verify', async () => {
    const key = randomBytes(32);
    const sig = await signatureFile(new HmacEvidenceSigner(key), manifest);
    expect(sig.algorithm).toBe('HMAC-SHA256');
    expect(checkSignature(manifest, sig, { hmacKey: key })).toEqual([]);
    expect(checkSignature(Buffer.from(`${manifest.toString()} `), sig, { hmacKey: key })).toHaveLength(1);
  });
});

describe('public-key signatures (the KMS algorithms), verified offline', () => {
  const cases: Array<[string, 'rsa' | 'ec', Record<string, unknown>]> = [
    ['RSASSA_PKCS1_V1_5_SHA_256', 'rsa', { modulusLength: 2048 }],
    ['RSASSA_PSS_SHA_256', 'rsa', { modulusLength: 2048 }],
    ['ECDSA_SHA_256', 'ec', { namedCurve: 'P-256' }],
    ['ECDSA_SHA_384', 'ec', { namedCurve: 'P-384' }],
  ];
  for (const [algorithm, type, params] of cases) {
    it(algorithm, async () => {
      const pair = type === 'rsa' ? generateKeyPairSync('rsa', params as { modulusLength: number }) : generateKeyPairSync('ec', params as { namedCurve: string });
      const sig = await signatureFile(new PrivateKeyEvidenceSigner(pair.privateKey, algorithm), manifest);
      const pem = join(mkdtempSync(join(tmpdir(), 'ward-pub-')), 'pub.pem');
      writeFileSync(pem, pair.publicKey.export({ type: 'spki', format: 'pem' }));
      expect(checkSignature(manifest, sig, { publicKey: readPublicKey(pem) })).toEqual([]);
      expect(checkSignature(Buffer.from('tampered'), sig, { publicKey: pair.publicKey })).toHaveLength(1);
    });
  }

  it('refuses an unknown algorithm and a file that is not a key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => new PrivateKeyEvidenceSigner(privateKey, 'MD5_WITH_HOPE')).toThrow(UserError);
    const file = join(mkdtempSync(join(tmpdir(), 'ward-pub-')), 'x.pem');
    writeFileSync(file, 'nope');
    expect(() => readPublicKey(file)).toThrow(/not a PEM public key/);
  });
});

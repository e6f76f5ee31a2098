// Signatures over an evidence bundle's manifest.json, stored next to it as manifest.sig:
//   { "algorithm": "HMAC-SHA256", "keyId": "hmac-sha256:1a2b…", "signature": "<base64>" }
//
// Two kinds of key:
// - a shared secret (HMAC-SHA256): from a file or WARD_EVIDENCE_HMAC_KEY, base64 or hex, ≥ 16 bytes;
// - an asymmetric key pair (RSA or ECDSA), named with the AWS KMS signing algorithm names, so that a
//   signature made by KMS (Sign with MessageType RAW, or DIGEST over the SHA-256 of manifest.json)
//   verifies offline against the PEM public key, with nothing but node:crypto.

import { constants, createHash, createHmac, createPrivateKey, createPublicKey, sign as cryptoSign, timingSafeEqual, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { readFileCapped } from '../core/read-capped.js';
import { UserError } from '../core/errors.js';

export interface EvidenceSigner {
  /** `HMAC-SHA256`, or one of PUBLIC_KEY_ALGORITHMS (KMS names). */
  readonly algorithm: string;
  /** Names the key without revealing it (an HMAC key's digest prefix, a KMS key ARN…). */
  readonly keyId: string;
  sign(bytes: Buffer): Promise<Buffer>;
}

export interface SignatureFile {
  algorithm: string;
  keyId: string;
  /** Base64. */
  signature: string;
}

export const HMAC_ALGORITHM = 'HMAC-SHA256';
export const HMAC_KEY_ENV = 'WARD_EVIDENCE_HMAC_KEY';
const MIN_HMAC_KEY_BYTES = 16;

interface PublicKeyAlgorithm {
  /** null: the algorithm hashes for itself (Ed25519 signs the message bytes). */
  hash: 'sha256' | 'sha384' | 'sha512' | null;
  kind: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'ed25519';
}

/** Ed25519 (RFC 8032) over manifest.json's bytes: for keys made by `ward evidence keygen`. */
export const ED25519_ALGORITHM = 'ED25519';

/** The AWS KMS SigningAlgorithmSpec names Ward accepts, with what node:crypto needs to check them. */
export const PUBLIC_KEY_ALGORITHMS: Readonly<Record<string, PublicKeyAlgorithm>> = {
  RSASSA_PKCS1_V1_5_SHA_256: { hash: 'sha256', kind: 'rsa-pkcs1' },
  RSASSA_PKCS1_V1_5_SHA_384: { hash: 'sha384', kind: 'rsa-pkcs1' },
  RSASSA_PKCS1_V1_5_SHA_512: { hash: 'sha512', kind: 'rsa-pkcs1' },
  RSASSA_PSS_SHA_256: { hash: 'sha256', kind: 'rsa-pss' },
  RSASSA_PSS_SHA_384: { hash: 'sha384', kind: 'rsa-pss' },
  RSASSA_PSS_SHA_512: { hash: 'sha512', kind: 'rsa-pss' },
  ECDSA_SHA_256: { hash: 'sha256', kind: 'ecdsa' },
  ECDSA_SHA_384: { hash: 'sha384', kind: 'ecdsa' },
  ECDSA_SHA_512: { hash: 'sha512', kind: 'ecdsa' },
  [ED25519_ALGORITHM]: { hash: null, kind: 'ed25519' },
};

/** A key written as hex or base64 (surrounding whitespace ignored). */
export function decodeKey(text: string, source: string): Buffer {
  const t = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]+$/.test(t) && t.length % 2 === 0) key = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) key = Buffer.from(t, t.includes('-') || t.includes('_') ? 'base64url' : 'base64');
  if (key === undefined || key.length === 0) throw new UserError(`The evidence HMAC key in ${source} is neither hex nor base64.`);
  if (key.length < MIN_HMAC_KEY_BYTES) throw new UserError(`The evidence HMAC key in ${source} is ${key.length} bytes; use at least ${MIN_HMAC_KEY_BYTES} random bytes (e.g. openssl rand -base64 32).`);
  return key;
}

/** Key files are small; a bigger one (or /dev/zero) is refused rather than read for ever. */
const KEY_FILE_MAX_BYTES = 64 * 1024;

export function readHmacKeyFile(path: string): Buffer {
  let text: string;
  try {
    text = readFileCapped(path, KEY_FILE_MAX_BYTES).toString('utf8');
  } catch (error) {
    throw new UserError(`Cannot read the HMAC key file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  return decodeKey(text, path);
}

/** Names an HMAC key by a prefix of its SHA-256, so a verifier can tell a wrong key from a tampered file. */
export function hmacKeyId(key: Buffer): string {
  return `hmac-sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

export class HmacEvidenceSigner implements EvidenceSigner {
  readonly algorithm = HMAC_ALGORITHM;
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length < MIN_HMAC_KEY_BYTES) throw new UserError(`An evidence HMAC key needs at least ${MIN_HMAC_KEY_BYTES} bytes.`);
    this.keyId = hmacKeyId(key);
  }

  sign(bytes: Buffer): Promise<Buffer> {
    return Promise.resolve(createHmac('sha256', this.key).update(bytes).digest());
  }
}

/** The configured HMAC signer: a key file if given, else WARD_EVIDENCE_HMAC_KEY, else none. */
export function hmacSignerFrom(options: { keyFile?: string; env?: NodeJS.ProcessEnv } = {}): HmacEvidenceSigner | undefined {
  if (options.keyFile !== undefined) return new HmacEvidenceSigner(readHmacKeyFile(options.keyFile));
  const fromEnv = (options.env ?? process.env)[HMAC_KEY_ENV];
  if (fromEnv === undefined || fromEnv.trim() === '') return undefined;
  return new HmacEvidenceSigner(decodeKey(fromEnv, HMAC_KEY_ENV));
}

function signOptions(algorithm: PublicKeyAlgorithm, key: KeyObject) {
  switch (algorithm.kind) {
    case 'rsa-pkcs1':
      return { key, padding: constants.RSA_PKCS1_PADDING };
    case 'rsa-pss':
      // KMS uses a salt as long as the digest.
      return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
    case 'ecdsa':
      return { key, dsaEncoding: 'der' as const };
    case 'ed25519':
      return key;
  }
}

/** Names a public key by a prefix of the SHA-256 of its DER (SubjectPublicKeyInfo) encoding. */
export function publicKeyId(key: KeyObject): string {
  const spki = key.export({ type: 'spki', format: 'der' });
  return `spki-sha256:${createHash('sha256').update(spki).digest('hex').slice(0, 16)}`;
}

export function readPublicKey(path: string): KeyObject {
  let pem: string;
  try {
    pem = readFileCapped(path, KEY_FILE_MAX_BYTES).toString('utf8');
  } catch (error) {
    throw new UserError(`Cannot read the public key file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  try {
    return createPublicKey(pem);
  } catch (error) {
    throw new UserError(`${path} is not a PEM public key (RSA or EC): ${(error as Error).message}.`);
  }
}

/**
 * Signs with a private key held locally (PEM): for self-managed keys and tests. A KMS signer (same
 * algorithm names) produces signatures that verify the same way.
 */
export class PrivateKeyEvidenceSigner implements EvidenceSigner {
  readonly keyId: string;
  private readonly key: KeyObject;
  private readonly spec: PublicKeyAlgorithm;

  constructor(
    privateKeyPem: string | KeyObject,
    readonly algorithm: string,
    keyId?: string,
  ) {
    const spec = PUBLIC_KEY_ALGORITHMS[algorithm];
    if (spec === undefined) throw new UserError(`Unknown signing algorithm ${algorithm}; expected one of ${Object.keys(PUBLIC_KEY_ALGORITHMS).join(', ')}.`);
    this.spec = spec;
    this.key = typeof privateKeyPem === 'string' ? createPrivateKey(privateKeyPem) : privateKeyPem;
    this.keyId = keyId ?? publicKeyId(createPublicKey(this.key));
  }

  sign(bytes: Buffer): Promise<Buffer> {
    return Promise.resolve(cryptoSign(this.spec.hash, bytes, signOptions(this.spec, this.key)));
  }
}

export async function signatureFile(signer: EvidenceSigner, manifest: Buffer): Promise<SignatureFile> {
  const signature = await signer.sign(manifest);
  return { algorithm: signer.algorithm, keyId: signer.keyId, signature: signature.toString('base64') };
}

/** manifest.sig's bytes: the signature file as two-space-indented JSON with a final newline. */
export async function signatureBytes(signer: EvidenceSigner, manifest: Buffer): Promise<Buffer> {
  return Buffer.from(`${JSON.stringify(await signatureFile(signer, manifest), null, 2)}\n`, 'utf8');
}

export function parseSignatureFile(bytes: Buffer): SignatureFile | string {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'manifest.sig is not valid JSON';
  }
  const v = value as Partial<SignatureFile> | null;
  if (typeof v !== 'object' || v === null || typeof v.algorithm !== 'string' || typeof v.keyId !== 'string' || typeof v.signature !== 'string') {
    return 'manifest.sig lacks algorithm, keyId or signature';
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v.signature) || v.signature === '') return 'manifest.sig: signature is not base64';
  return { algorithm: v.algorithm, keyId: v.keyId, signature: v.signature };
}

export interface VerificationKey {
  hmacKey?: Buffer;
  publicKey?: KeyObject;
}

/** Checks manifest.sig against manifest.json. Returns the problems (empty: the signature holds). */
export function checkSignature(manifest: Buffer, sig: SignatureFile, key: VerificationKey): string[] {
  const signature = Buffer.from(sig.signature, 'base64');
  if (sig.algorithm === HMAC_ALGORITHM) {
    if (key.hmacKey === undefined) return [`manifest.sig is ${HMAC_ALGORITHM}: verify it with --hmac-key-file (a public key cannot check it)`];
    const problems: string[] = [];
    const given = hmacKeyId(key.hmacKey);
    if (given !== sig.keyId) problems.push(`manifest.sig was made with key ${sig.keyId}, but the given key is ${given}`);
    const expected = createHmac('sha256', key.hmacKey).update(manifest).digest();
    const ok = expected.length === signature.length && timingSafeEqual(expected, signature);
    if (!ok) problems.push(`manifest.sig: the ${HMAC_ALGORITHM} signature does not match manifest.json with the given key`);
    return problems;
  }
  const spec = PUBLIC_KEY_ALGORITHMS[sig.algorithm];
  if (spec === undefined) return [`manifest.sig: unknown algorithm "${sig.algorithm}"`];
  if (key.publicKey === undefined) return [`manifest.sig is ${sig.algorithm}: verify it with --public-key (the signer's PEM public key)`];
  const problems: string[] = [];
  // A key named by its SPKI digest (keygen, local keys) says whether the given key is the signer's.
  const given = publicKeyId(key.publicKey);
  if (sig.keyId.startsWith('spki-sha256:') && sig.keyId !== given) problems.push(`manifest.sig was made with key ${sig.keyId}, but the given public key is ${given}`);
  let ok = false;
  try {
    ok = cryptoVerify(spec.hash, manifest, signOptions(spec, key.publicKey), signature);
  } catch (error) {
    return [...problems, `manifest.sig: cannot check a ${sig.algorithm} signature with the given public key (${(error as Error).message})`];
  }
  if (!ok) problems.push(`manifest.sig: the ${sig.algorithm} signature (key ${sig.keyId}) does not verify against manifest.json with the given public key`);
  return problems;
}

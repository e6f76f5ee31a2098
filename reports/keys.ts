// Local asymmetric signing keys for evidence bundles: `ward evidence keygen` makes an Ed25519 or ECDSA
// P-256 pair (private key PKCS#8 PEM, mode 0600; public key SPKI PEM), and `ward report --signing-key`
// signs with it. Anyone with the public key verifies with openssl alone (README, Weekly evidence).
// KMS stays the deployed default: the private key never leaves it.

import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { UserError } from '../core/errors.js';
import { ED25519_ALGORITHM, PrivateKeyEvidenceSigner, publicKeyId } from './signing.js';

export const KEYGEN_ALGORITHMS = ['ed25519', 'ecdsa-p256'] as const;
export type KeygenAlgorithm = (typeof KEYGEN_ALGORITHMS)[number];
export const SIGNING_KEY_ENV = 'WARD_EVIDENCE_SIGNING_KEY_FILE';

export interface GeneratedKey {
  privateKeyFile: string;
  publicKeyFile: string;
  /** The manifest.sig algorithm name signatures with this key carry. */
  algorithm: string;
  keyId: string;
}

function pairFor(algorithm: KeygenAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  return algorithm === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** Writes a new key pair; refuses to overwrite either file. */
export function generateEvidenceKey(algorithm: KeygenAlgorithm, privateKeyFile: string, publicKeyFile: string): GeneratedKey {
  for (const file of [privateKeyFile, publicKeyFile]) {
    if (existsSync(file)) throw new UserError(`${file} already exists; Ward does not overwrite keys. Fix: move it away or give other --out paths.`);
  }
  const { privateKey, publicKey } = pairFor(algorithm);
  // 'wx': created here or not at all; the mode is set at creation, then again past the umask.
  writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  chmodSync(privateKeyFile, 0o600);
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644, flag: 'wx' });
  return { privateKeyFile, publicKeyFile, algorithm: algorithmFor(privateKey, privateKeyFile), keyId: publicKeyId(publicKey) };
}

/** The manifest.sig algorithm for a private key: Ed25519, or ECDSA with the curve's own hash. */
function algorithmFor(key: KeyObject, source: string): string {
  if (key.asymmetricKeyType === 'ed25519') return ED25519_ALGORITHM;
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ECDSA_SHA_256';
    if (curve === 'secp384r1') return 'ECDSA_SHA_384';
    if (curve === 'secp521r1') return 'ECDSA_SHA_512';
  }
  throw new UserError(`${source} is a ${key.asymmetricKeyType ?? 'unknown'} key Ward does not sign with. Fix: make one with \`ward evidence keygen\` (Ed25519 or ECDSA P-256).`);
}

/** A signer from a private key file; refuses a file others can read, as ssh does. */
export function signerFromKeyFile(path: string): PrivateKeyEvidenceSigner {
  let pem: string;
  try {
    if ((statSync(path).mode & 0o077) !== 0) {
      throw new UserError(`The signing key ${path} can be read by others (mode ${(statSync(path).mode & 0o777).toString(8)}). Fix: chmod 600 ${path}.`);
    }
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`Cannot read the signing key ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new UserError(`${path} is not a PEM private key: ${(error as Error).message}.`);
  }
  return new PrivateKeyEvidenceSigner(key, algorithmFor(key, path), publicKeyId(createPublicKey(key)));
}

// Signs evidence manifests with an AWS KMS asymmetric key (the deployed stack's ECC_NIST_P256 key).
// The private key never leaves KMS; auditors verify offline with its public key
// (`aws kms get-public-key`, then `ward evidence verify --public-key key.pem`).

import { createHash } from 'node:crypto';
import { KMSClient, SignCommand, type SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import type { EvidenceSigner } from './signing.js';

const HASHES: Partial<Record<SigningAlgorithmSpec, 'sha256' | 'sha384' | 'sha512'>> = {
  ECDSA_SHA_256: 'sha256',
  ECDSA_SHA_384: 'sha384',
  ECDSA_SHA_512: 'sha512',
  RSASSA_PKCS1_V1_5_SHA_256: 'sha256',
  RSASSA_PSS_SHA_256: 'sha256',
};

export class KmsEvidenceSigner implements EvidenceSigner {
  constructor(
    private readonly client: KMSClient,
    readonly keyId: string,
    readonly algorithm: SigningAlgorithmSpec = 'ECDSA_SHA_256',
  ) {}

  /** KMS signs at most 4 KB raw, so it signs the digest; the signature is the same as over the bytes. */
  async sign(bytes: Buffer): Promise<Buffer> {
    const hash = HASHES[this.algorithm];
    if (hash === undefined) throw new Error(`unsupported KMS signing algorithm ${this.algorithm}`);
    const digest = createHash(hash).update(bytes).digest();
    const { Signature } = await this.client.send(new SignCommand({ KeyId: this.keyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: this.algorithm }));
    if (Signature === undefined) throw new Error(`KMS returned no signature for key ${this.keyId}`);
    return Buffer.from(Signature);
  }
}

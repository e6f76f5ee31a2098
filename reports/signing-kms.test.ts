import { createHash, generateKeyPairSync, sign as cryptoSign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { KmsEvidenceSigner } from './signing-kms.js';

describe('KMS evidence signer', () => {
  it('asks KMS to sign the SHA-256 digest, and the signature verifies offline over the manifest bytes', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const manifest = Buffer.from(JSON.stringify({ week: '2026-W47', files: [] }).repeat(300));
    const kms = mockClient(KMSClient);
    // Stands in for KMS: an ECDSA_SHA_256 signature of a SHA-256 DIGEST equals one of the message
    // itself (KMS documents this); Node cannot sign a bare digest, so the stand-in signs the
    // message, after checking it was given that message's digest.
    kms.on(SignCommand).callsFake(async (input: { Message: Uint8Array }) => {
      if (!Buffer.from(input.Message).equals(createHash('sha256').update(manifest).digest())) throw new Error('not the manifest digest');
      return { Signature: cryptoSign('sha256', manifest, { key: privateKey, dsaEncoding: 'der' }) };
    });
    const signer = new KmsEvidenceSigner(new KMSClient({ region: 'us-east-1' }), 'arn:aws:kms:us-east-1:111122223333:key/abc');
    const signature = await signer.sign(manifest);
    const call = kms.commandCalls(SignCommand)[0]?.args[0].input;
    expect(call).toMatchObject({ KeyId: 'arn:aws:kms:us-east-1:111122223333:key/abc', MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' });
    expect(Buffer.from(call?.Message ?? new Uint8Array())).toEqual(createHash('sha256').update(manifest).digest());
    expect(verify('sha256', manifest, publicKey, signature)).toBe(true);
    expect(signer.algorithm).toBe('ECDSA_SHA_256');
    kms.restore();
  });
});

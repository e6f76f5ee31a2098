// The download links' MAC in AWS KMS (GenerateMac / VerifyMac with an HMAC_256 key): the key never
// leaves KMS, and only roles granted the action on that key can make or check a link.

import { GenerateMacCommand, KMSClient, VerifyMacCommand } from '@aws-sdk/client-kms';
import type { LinkMac } from './download-token.js';

/** The deployed stack's HMAC_256 key (alias/ward-<stage>-download-links). */
export class KmsLinkMac implements LinkMac {
  constructor(
    private readonly client: KMSClient,
    readonly keyId: string,
  ) {}

  async generate(message: Buffer): Promise<Buffer> {
    const { Mac } = await this.client.send(new GenerateMacCommand({ KeyId: this.keyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }));
    if (Mac === undefined) throw new Error(`KMS returned no MAC for key ${this.keyId}`);
    return Buffer.from(Mac);
  }

  /** KMS answers a MAC that does not verify with KMSInvalidMacException: that is a "no", not a failure. */
  async verify(message: Buffer, mac: Buffer): Promise<boolean> {
    if (mac.length === 0) return false;
    try {
      const { MacValid } = await this.client.send(new VerifyMacCommand({ KeyId: this.keyId, Message: message, Mac: mac, MacAlgorithm: 'HMAC_SHA_256' }));
      return MacValid === true;
    } catch (error) {
      if ((error as { name?: string }).name === 'KMSInvalidMacException') return false;
      throw error;
    }
  }
}

// AWS KMS (JSON 1.1, target TrentService): GenerateMac and VerifyMac, which Ward's lasting download
// links use. Every key id (alias, id or ARN, taken literally) names an HMAC_256 key of the calling
// account and region, made on first use with random material that lives as long as the server.
// VerifyMac recomputes the MAC and compares in constant time; a mismatch is KMSInvalidMacException,
// as KMS answers it.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { stringField, type CallContext, type JsonHandler, type JsonObject } from '../context.js';
import { AwsError } from '../errors.js';

const MAX_MESSAGE_BYTES = 4096;

function blobField(body: JsonObject, name: string, max: number): Buffer {
  const value = body[name];
  if (typeof value !== 'string') throw new AwsError('ValidationException', `1 validation error detected: Value null at '${name.toLowerCase()}' failed to satisfy constraint: Member must not be null`, 400);
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < 1 || bytes.length > max) {
    throw new AwsError('ValidationException', `1 validation error detected: Value at '${name.toLowerCase()}' failed to satisfy constraint: Member must have length between 1 and ${max}`, 400);
  }
  return bytes;
}

function keyOf(ctx: CallContext, body: JsonObject): { keyId: string; material: Buffer } {
  const keyId = stringField('kms', body, 'KeyId');
  if (keyId === undefined || keyId === '') throw new AwsError('ValidationException', "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null", 400);
  const algorithm = stringField('kms', body, 'MacAlgorithm');
  if (algorithm !== 'HMAC_SHA_256') throw new AwsError('InvalidKeyUsageException', `The key ${keyId} is an HMAC_256 key; ${algorithm ?? 'no'} MAC algorithm is not valid for it.`, 400);
  const slot = `${ctx.account.id}/${ctx.region}/${keyId}`;
  let material = ctx.state.macKeys.get(slot);
  if (material === undefined) {
    material = randomBytes(32);
    ctx.state.macKeys.set(slot, material);
  }
  return { keyId, material };
}

const generateMac: JsonHandler = (ctx, body) => {
  const { keyId, material } = keyOf(ctx, body);
  const message = blobField(body, 'Message', MAX_MESSAGE_BYTES);
  return { KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Mac: createHmac('sha256', material).update(message).digest().toString('base64') };
};

const verifyMac: JsonHandler = (ctx, body) => {
  const { keyId, material } = keyOf(ctx, body);
  const message = blobField(body, 'Message', MAX_MESSAGE_BYTES);
  const mac = blobField(body, 'Mac', 6144);
  const expected = createHmac('sha256', material).update(message).digest();
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw new AwsError('KMSInvalidMacException', 'The MAC is not valid for the specified message, key and MAC algorithm.', 400);
  return { KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', MacValid: true };
};

export const KMS_HANDLERS: Record<string, JsonHandler> = {
  GenerateMac: generateMac,
  VerifyMac: verifyMac,
};

// Verifies an AWS Signature Version 4 the way AWS does: rebuilds the canonical request from what was
// signed, derives the signing key from the secret the sandbox issued for the access key, and compares.
// Used where the sandbox stands in for AWS checking a request someone else forwards (Google's STS
// checking the signed sts:GetCallerIdentity inside a workload identity federation subject token).

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  method: string;
  url: string;
  /** Header names in any case; values as sent. */
  headers: Record<string, string>;
  body?: string;
}

export interface VerifiedSignature {
  accessKeyId: string;
  region: string;
  service: string;
  signedAt: Date;
  /** Lower-case names of the headers the signature covers. */
  signedHeaders: string[];
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
/** How far the signing time may be from now, as AWS allows. */
const MAX_SKEW_MS = 15 * 60 * 1000;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
const rfc3986 = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(url: URL): string {
  return [...url.searchParams.entries()]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * Checks the request's SigV4 signature with `secretFor(accessKeyId)`; throws an Error saying what is
 * wrong (the caller turns it into the service's refusal).
 */
export function verifySigV4(request: SignedRequest, secretFor: (accessKeyId: string) => string | undefined, now = new Date()): VerifiedSignature {
  const headers = new Map(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v] as const));
  const match = AUTHORIZATION.exec(headers.get('authorization') ?? '');
  if (match === null) throw new Error('the request carries no AWS4-HMAC-SHA256 Authorization header');
  const [, accessKeyId = '', dateStamp = '', region = '', service = '', signedList = '', signature = ''] = match;
  const amzDate = headers.get('x-amz-date') ?? '';
  const parsed = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (parsed === null || !amzDate.startsWith(dateStamp)) throw new Error('x-amz-date is missing or does not match the credential scope');
  const signedAt = new Date(`${parsed[1]}-${parsed[2]}-${parsed[3]}T${parsed[4]}:${parsed[5]}:${parsed[6]}Z`);
  if (Math.abs(now.getTime() - signedAt.getTime()) > MAX_SKEW_MS) throw new Error(`the signature was made at ${signedAt.toISOString()}, more than 15 minutes from now`);
  const signedHeaders = signedList.split(';');
  if (!signedHeaders.includes('host')) throw new Error('the signature does not cover the host header');
  const secret = secretFor(accessKeyId);
  if (secret === undefined) throw new Error(`the access key ${accessKeyId} is not valid`);

  const url = new URL(request.url);
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${(headers.get(name) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [request.method.toUpperCase(), url.pathname === '' ? '/' : url.pathname, canonicalQuery(url), canonicalHeaders, signedList, sha256(request.body ?? '')].join('\n');
  const scope = `${dateStamp}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, dateStamp), region), service), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) throw new Error('the request signature does not match (SignatureDoesNotMatch)');
  return { accessKeyId, region, service, signedAt, signedHeaders };
}

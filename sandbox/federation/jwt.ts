// AWS IAM outbound identity federation, simulated: sts:GetWebIdentityToken issues RS256 JWTs from an
// issuer URL per account, and the issuer publishes its key at `<issuer>/.well-known/jwks.json` (with
// an OpenID configuration beside it), as AWS does. `verifyJwt` is what a relying party (Entra) does
// with such a token: fetch the issuer's JWKS and check signature, issuer, audience, subject and expiry.

import { createPublicKey, createSign, createVerify, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';

export interface OutboundIssuer {
  /** Base of every account's issuer URL: `<sandbox url>/_aws/outbound`. */
  base: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
  kid: string;
}

export const OUTBOUND_PATH = '/_aws/outbound/';

/** The key pair is made on first use: most sandboxes never issue a web identity token. */
export function newOutboundIssuer(): OutboundIssuer {
  let pair: { privateKey: KeyObject; publicJwk: Record<string, unknown> } | undefined;
  const kid = randomUUID();
  const keys = () => {
    if (pair === undefined) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      pair = { privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
    }
    return pair;
  };
  return {
    base: '',
    kid,
    get privateKey() {
      return keys().privateKey;
    },
    get publicJwk() {
      return keys().publicJwk;
    },
  };
}

export function issuerUrl(issuer: OutboundIssuer, accountId: string): string {
  return `${issuer.base}${OUTBOUND_PATH}${accountId}`;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(issuer: OutboundIssuer, claims: Record<string, unknown>): string {
  const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid: issuer.kid })}.${b64url(claims)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(issuer.privateKey).toString('base64url')}`;
}

/** GET `<issuer>/.well-known/jwks.json` and `/.well-known/openid-configuration`; undefined for other paths. */
export function issuerDocument(issuer: OutboundIssuer, path: string): unknown {
  const match = /^\/_aws\/outbound\/(\d{12})\/\.well-known\/(jwks\.json|openid-configuration)$/.exec(path);
  if (match === null) return undefined;
  const iss = issuerUrl(issuer, match[1] ?? '');
  if (match[2] === 'jwks.json') return { keys: [issuer.publicJwk] };
  return { issuer: iss, jwks_uri: `${iss}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['RS256'], response_types_supported: ['id_token'], subject_types_supported: ['public'] };
}

export interface JwtExpectations {
  issuer: string;
  audience: string;
  subject: string;
}

/** Verifies a JWT as a relying party would; throws an Error naming what does not hold. */
export async function verifyJwt(token: string, expected: JwtExpectations, fetchJson: (url: string) => Promise<unknown> = defaultFetchJson): Promise<Record<string, unknown>> {
  const [head = '', body = '', signature = ''] = token.split('.');
  let header: { alg?: unknown; kid?: unknown };
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as typeof header;
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new Error('the assertion is not a JWT');
  }
  if (header.alg !== 'RS256') throw new Error(`the assertion is signed with ${String(header.alg)}, not RS256`);
  if (claims['iss'] !== expected.issuer) throw new Error(`the assertion's issuer ${String(claims['iss'])} is not the trusted issuer ${expected.issuer}`);
  const jwks = (await fetchJson(`${expected.issuer}/.well-known/jwks.json`)) as { keys?: Array<Record<string, unknown>> };
  const jwk = jwks.keys?.find((k) => k['kid'] === header.kid);
  if (jwk === undefined) throw new Error(`no key ${String(header.kid)} at the issuer's JWKS`);
  const ok = createVerify('RSA-SHA256').update(`${head}.${body}`).verify(createPublicKey({ key: jwk as never, format: 'jwk' }), Buffer.from(signature, 'base64url'));
  if (!ok) throw new Error('the assertion signature does not verify against the issuer JWKS');
  const audiences = Array.isArray(claims['aud']) ? claims['aud'] : [claims['aud']];
  if (!audiences.includes(expected.audience)) throw new Error(`the assertion's audience ${JSON.stringify(claims['aud'])} is not ${expected.audience}`);
  if (claims['sub'] !== expected.subject) throw new Error(`the assertion's subject ${String(claims['sub'])} is not the trusted subject ${expected.subject}`);
  if (typeof claims['exp'] !== 'number' || claims['exp'] * 1000 <= Date.now()) throw new Error('the assertion has expired');
  return claims;
}

async function defaultFetchJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.json();
}

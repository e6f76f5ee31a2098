// Lasting download links. A pre-signed S3 URL dies with the temporary credentials that signed it
// (hours on Lambda), whatever its X-Amz-Expires says. So the link an auditor gets names the
// download function and carries a token instead: the object's key and an expiry, with a MAC made
// by a KMS HMAC key. The download function checks the token and redirects to a fresh pre-signed
// URL of a few minutes, signed with its own current credentials. The HMAC key never leaves KMS.

/** Only evidence is downloadable through a link: the weekly bundles and reports. */
export const DOWNLOAD_PREFIXES = ['bundles/', 'reports/'] as const;
/** A link never lasts longer than this: it is a bearer credential for the evidence. */
export const MAX_LINK_SECONDS = 31 * 24 * 3600;
/** What the download function's redirect lasts: enough to start the download, no more. */
export const REDIRECT_SECONDS = 300;

const VERSION = 1;
/** Binds a MAC to this use: the same key cannot be made to vouch for anything else. */
const CONTEXT = 'ward-download-link';
const MAX_TOKEN_CHARS = 2048;
const MAX_KEY_CHARS = 512;

/** A MAC over a message, by a key the caller never sees (KMS GenerateMac / VerifyMac). */
export interface LinkMac {
  generate(message: Buffer): Promise<Buffer>;
  verify(message: Buffer, mac: Buffer): Promise<boolean>;
}

export type TokenCheck = { ok: true; key: string; expiresAt: Date } | { ok: false; reason: string };

/** A store key under an evidence prefix, made of plain path segments (no `..`, `.`, empty, `\`, control characters). */
export function isDownloadableKey(key: string): boolean {
  if (key.length > MAX_KEY_CHARS || !DOWNLOAD_PREFIXES.some((prefix) => key.startsWith(prefix))) return false;
  if (!/^[A-Za-z0-9._@+=,:-]+(?:\/[A-Za-z0-9._@+=,:-]+)+$/.test(key)) return false;
  return key.split('/').every((segment) => segment !== '.' && segment !== '..');
}

function macInput(payload: string): Buffer {
  return Buffer.from(`${CONTEXT}.${payload}`, 'utf8');
}

export async function issueDownloadToken(mac: LinkMac, key: string, expiresAt: Date): Promise<string> {
  if (!isDownloadableKey(key)) throw new Error(`no download link for "${key}": only keys under ${DOWNLOAD_PREFIXES.join(' or ')} can be shared`);
  const payload = Buffer.from(JSON.stringify({ v: VERSION, k: key, e: Math.floor(expiresAt.getTime() / 1000) }), 'utf8').toString('base64url');
  return `${payload}.${(await mac.generate(macInput(payload))).toString('base64url')}`;
}

interface Claims {
  key: string;
  expiresAt: Date;
}

function claimsOf(payload: string): Claims | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const fields = parsed as Record<string, unknown>;
  if (Object.keys(fields).sort().join(',') !== 'e,k,v') return undefined;
  const { v, k, e } = fields;
  if (v !== VERSION || typeof k !== 'string' || typeof e !== 'number' || !Number.isSafeInteger(e)) return undefined;
  return { key: k, expiresAt: new Date(e * 1000) };
}

/**
 * Cheap checks first (shape, expiry, key), so a stranger's garbage costs no KMS call; then the MAC.
 * Reasons are plain and safe to show: they say nothing about keys or credentials.
 */
export async function checkDownloadToken(mac: LinkMac, token: string, now: Date): Promise<TokenCheck> {
  const malformed = { ok: false, reason: 'This download link is not valid (it may have been cut short when copied).' } as const;
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) return malformed;
  const [payload = '', signature = ''] = token.split('.');
  const claims = claimsOf(payload);
  if (claims === undefined) return malformed;
  if (now.getTime() >= claims.expiresAt.getTime()) return { ok: false, reason: `This download link expired on ${claims.expiresAt.toISOString()}. Ask for a new one.` };
  if (!isDownloadableKey(claims.key)) return { ok: false, reason: 'This download link does not name a downloadable evidence file.' };
  if (!(await mac.verify(macInput(payload), Buffer.from(signature, 'base64url')))) return { ok: false, reason: 'This download link is not valid: its signature does not match.' };
  return { ok: true, key: claims.key, expiresAt: claims.expiresAt };
}

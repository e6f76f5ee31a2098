// Who Azure sees reading it, for the scan document's "read as": the claims of the access token the
// credential already hands the SDK (app id, object id, tenant, and the sign-in name for a user), read
// locally from the JWT's payload. Nothing is verified (Azure does that; this is only a record), no
// call is added, and neither the token nor any part of it but these claims is kept or logged. Works
// for any TokenCredential: DefaultAzureCredential's chain, federation, a caller's own.

import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import type { ReadIdentity } from '../../core/model.js';

export const UNKNOWN_AZURE_PRINCIPAL = 'unknown';

/** A plain-http endpoint (the sandbox, an emulator) gets a placeholder token: nobody signed in. */
export const SANDBOX_AZURE_IDENTITY: ReadIdentity = {
  principal: 'sandbox (no credentials)',
  via: 'placeholder token to a plain-http endpoint (WARD_AZURE_ENDPOINT)',
};

/** The claims Ward records: strings only, each present when the token carried it. */
export interface AzureTokenClaims {
  /** The application (client) id: `appid` in v1 tokens, `azp` in v2. */
  appid?: string;
  /** The object id of the service principal, managed identity or user in the tenant. */
  oid?: string;
  tid?: string;
  /** A user's sign-in name (`upn`, else `unique_name` / `preferred_username`). */
  upn?: string;
  /** `app` for an application, `user` for a user (when the tenant emits it). */
  idtyp?: string;
  /** A managed identity's resource id. */
  mirid?: string;
}

function decodePayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined || !/^[A-Za-z0-9_-]+$/.test(parts[1])) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The identity claims of an Entra access token, or undefined when it is not a JWT; never throws. */
export function azureTokenClaims(token: string): AzureTokenClaims | undefined {
  const payload = decodePayload(token);
  if (payload === undefined) return undefined;
  const text = (...names: string[]): string | undefined => {
    for (const name of names) {
      const value = payload[name];
      if (typeof value === 'string' && value !== '') return value;
    }
    return undefined;
  };
  const claims: AzureTokenClaims = {};
  const fields: Array<[keyof AzureTokenClaims, string[]]> = [
    ['appid', ['appid', 'azp']],
    ['oid', ['oid']],
    ['tid', ['tid']],
    ['upn', ['upn', 'unique_name', 'preferred_username']],
    ['idtyp', ['idtyp']],
    ['mirid', ['xms_mirid']],
  ];
  for (const [field, names] of fields) {
    const value = text(...names);
    if (value !== undefined) claims[field] = value;
  }
  return claims;
}

function headOf(claims: AzureTokenClaims): string | undefined {
  if (claims.upn !== undefined && claims.idtyp !== 'app') return `user ${claims.upn}`;
  if (claims.mirid !== undefined) return `managed identity ${claims.mirid}`;
  if (claims.appid !== undefined) return `app ${claims.appid}`;
  return undefined;
}

/**
 * One line naming the principal: `user <upn> (object …, tenant …)`, `managed identity <resource id>
 * (app …, object …, tenant …)` or `app <client id> (object …, tenant …)`; `unknown` when the token
 * is not a JWT or names nobody. Never throws.
 */
export function azurePrincipal(token: string): string {
  const claims = azureTokenClaims(token);
  if (claims === undefined) return UNKNOWN_AZURE_PRINCIPAL;
  const head = headOf(claims);
  const details = [
    ...(head?.startsWith('managed identity') === true && claims.appid !== undefined ? [`app ${claims.appid}`] : []),
    ...(claims.oid === undefined ? [] : [`object ${claims.oid}`]),
    ...(claims.tid === undefined ? [] : [`tenant ${claims.tid}`]),
  ];
  if (details.length === 0) return head ?? UNKNOWN_AZURE_PRINCIPAL;
  return `${head ?? 'principal'} (${details.join(', ')})`;
}

/** How Ward signed in to Azure, as resolveAzureSettings chose. */
export interface AzureSignIn {
  /** Plain http: a placeholder token unless federation is configured. */
  insecure: boolean;
  /** The federated app registration (AzureClientSettings.identity), when federation is configured. */
  federated?: string;
  /** The caller handed its own TokenCredential (not used over plain http). */
  callerCredential: boolean;
}

/** The scan document's `identity` for Azure: from the token's claims, else what the configuration names. */
export function azureReadIdentity(signIn: AzureSignIn, observed: string | undefined): ReadIdentity {
  if (signIn.insecure && signIn.federated === undefined) return SANDBOX_AZURE_IDENTITY;
  const known = observed !== undefined && observed !== UNKNOWN_AZURE_PRINCIPAL ? observed : undefined;
  if (signIn.federated !== undefined) {
    return { principal: known ?? signIn.federated, via: 'client assertion from sts:GetWebIdentityToken (WARD_AZURE_FEDERATION=aws)' };
  }
  return { principal: known ?? UNKNOWN_AZURE_PRINCIPAL, via: signIn.callerCredential ? 'the TokenCredential the caller supplied' : 'DefaultAzureCredential' };
}

/**
 * The credential, unchanged in what it hands out, noting the principal of the latest token it gave
 * the SDK: the identity is known from the first request on, at no extra call.
 */
export class TokenObserver implements TokenCredential {
  private latest: string | undefined;

  constructor(private readonly inner: TokenCredential) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const token = await this.inner.getToken(scopes, options);
    if (token !== null) this.latest = azurePrincipal(token.token);
    return token;
  }

  /** The principal of the latest token; undefined before any token was handed out. */
  get principal(): string | undefined {
    return this.latest;
  }
}

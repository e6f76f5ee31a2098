// The Azure principal a scan records, read from the access token's claims: app, object and tenant ids,
// a user's sign-in name, a managed identity's resource id; anything that is not a JWT is "unknown",
// never a throw, and no part of the token but those claims is kept.

import { describe, expect, it } from 'vitest';
import { azurePrincipal, azureReadIdentity, azureTokenClaims, SANDBOX_AZURE_IDENTITY, TokenObserver, UNKNOWN_AZURE_PRINCIPAL } from './identity.js';

const APP = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const OBJECT = '3b9c1d2e-5f6a-4b7c-8d9e-0f1a2b3c4d5e';
const TENANT = '7d2c2f4e-1b3a-4c5d-8e9f-0a1b2c3d4e5f';
const SIGNATURE = 'c2lnbmF0dXJlLXRoYXQtbXVzdC1uZXZlci1iZS1rZXB0';

/** An Entra-shaped access token: header, the given claims, a signature nobody checks here. */
function token(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256', kid: 'k1' })}.${part({ aud: 'https://management.azure.com', iss: `https://sts.windows.net/${TENANT}/`, ...claims })}.${SIGNATURE}`;
}

describe('Azure access-token claims', () => {
  it('names a service principal by its app id, object id and tenant (v1 appid, v2 azp)', () => {
    const v1 = token({ appid: APP, oid: OBJECT, tid: TENANT, idtyp: 'app' });
    expect(azureTokenClaims(v1)).toEqual({ appid: APP, oid: OBJECT, tid: TENANT, idtyp: 'app' });
    expect(azurePrincipal(v1)).toBe(`app ${APP} (object ${OBJECT}, tenant ${TENANT})`);
    expect(azurePrincipal(token({ azp: APP, oid: OBJECT, tid: TENANT }))).toBe(`app ${APP} (object ${OBJECT}, tenant ${TENANT})`);
  });

  it('names a user by sign-in name, and a managed identity by its resource id', () => {
    expect(azurePrincipal(token({ appid: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', upn: 'auditor@clinic.example', oid: OBJECT, tid: TENANT }))).toBe(
      `user auditor@clinic.example (object ${OBJECT}, tenant ${TENANT})`,
    );
    expect(azurePrincipal(token({ unique_name: 'ops@clinic.example', tid: TENANT }))).toBe(`user ops@clinic.example (tenant ${TENANT})`);
    const mirid = '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ward';
    expect(azurePrincipal(token({ appid: APP, oid: OBJECT, tid: TENANT, idtyp: 'app', xms_mirid: mirid }))).toBe(`managed identity ${mirid} (app ${APP}, object ${OBJECT}, tenant ${TENANT})`);
  });

  it('says "unknown" for anything that is not a JWT naming someone, and never throws', () => {
    const malformed = [
      '',
      'ward-placeholder-token',
      'a.b',
      'a.b.c.d',
      'eyJhbGciOiJSUzI1NiJ9.!!!not-base64!!!.sig',
      `h.${Buffer.from('not json').toString('base64url')}.s`,
      `h.${Buffer.from('[1,2]').toString('base64url')}.s`,
      `h.${Buffer.from('null').toString('base64url')}.s`,
      token({ appid: 42, oid: { nested: true }, tid: '' }),
    ];
    for (const text of malformed) {
      expect(() => azurePrincipal(text), text).not.toThrow();
      expect(azurePrincipal(text), text).toBe(UNKNOWN_AZURE_PRINCIPAL);
    }
    expect(azurePrincipal(token({ oid: OBJECT }))).toBe(`principal (object ${OBJECT})`);
  });

  it('keeps only the claims: never the signature or the token', () => {
    const text = token({ appid: APP, oid: OBJECT, tid: TENANT });
    const recorded = azurePrincipal(text);
    expect(recorded).not.toContain(SIGNATURE);
    expect(recorded).not.toContain(text.split('.')[1]);
  });
});

describe('the identity an Azure scan records', () => {
  const principal = `app ${APP} (object ${OBJECT}, tenant ${TENANT})`;

  it('is the sandbox placeholder over plain http without federation, whatever the token said', () => {
    expect(azureReadIdentity({ insecure: true, callerCredential: true }, principal)).toEqual(SANDBOX_AZURE_IDENTITY);
  });

  it('prefers the token claims, else the federated app registration the configuration names', () => {
    const federated = `app ${APP} (tenant ${TENANT})`;
    const via = 'client assertion from sts:GetWebIdentityToken (WARD_AZURE_FEDERATION=aws)';
    expect(azureReadIdentity({ insecure: true, federated, callerCredential: false }, principal)).toEqual({ principal, via });
    expect(azureReadIdentity({ insecure: false, federated, callerCredential: false }, UNKNOWN_AZURE_PRINCIPAL)).toEqual({ principal: federated, via });
    expect(azureReadIdentity({ insecure: false, federated, callerCredential: false }, undefined)).toEqual({ principal: federated, via });
  });

  it('says how DefaultAzureCredential or a caller credential signed in, and "unknown" when the token named nobody', () => {
    expect(azureReadIdentity({ insecure: false, callerCredential: false }, principal)).toEqual({ principal, via: 'DefaultAzureCredential' });
    expect(azureReadIdentity({ insecure: false, callerCredential: true }, UNKNOWN_AZURE_PRINCIPAL)).toEqual({ principal: UNKNOWN_AZURE_PRINCIPAL, via: 'the TokenCredential the caller supplied' });
  });

  it('observes the tokens a credential hands out without changing them', async () => {
    const issued = token({ appid: APP, oid: OBJECT, tid: TENANT });
    const observer = new TokenObserver({ getToken: async () => ({ token: issued, expiresOnTimestamp: 1 }) });
    expect(observer.principal).toBeUndefined();
    expect(await observer.getToken('https://management.azure.com/.default')).toEqual({ token: issued, expiresOnTimestamp: 1 });
    expect(observer.principal).toBe(principal);
  });
});

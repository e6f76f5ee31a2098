// The sandbox's Entra ID over https: MSAL's ClientAssertionCredential signs in with an assertion from
// the sandbox STS (sts:GetWebIdentityToken) and the token it gets opens Resource Manager; every
// assertion is verified (JWKS signature, issuer, subject, audience, expiry) and refused otherwise
// with Entra's error shape and AADSTS code.

import { GetWebIdentityTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { ClientAssertionCredential } from '@azure/identity';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRA_CLIENT_ID, SCAN_ROLE, startAzureFederatedSandbox, type RoleSession } from '../../test/support/federation.js';
import { makeTestCertificate, type TestCertificate } from '../../test/support/tls.js';
import type { Sandbox } from '../server.js';
import { DEMO_SUBSCRIPTION_ID, DEMO_TENANT_ID } from './demo.js';
import { JWT_BEARER, TOKEN_EXCHANGE_AUDIENCE, type EntraOptions } from './entra.js';

let tls: TestCertificate;
let sandbox: Sandbox;
let session: RoleSession;
let entra: EntraOptions;
let account: string;
let sts: STSClient;

beforeAll(async () => {
  tls = makeTestCertificate();
  ({ sandbox, session, entra, account } = await startAzureFederatedSandbox(tls));
  sts = new STSClient({ endpoint: sandbox.url, region: 'us-east-1', credentials: session });
}, 30_000);
afterAll(async () => {
  sts.destroy();
  await sandbox.close();
});

const trusted = () => ({ issuer: { awsAccount: account }, subject: `arn:aws:iam::${account}:role/${SCAN_ROLE}` });
const trust = (credential: EntraOptions['apps'][number]['federatedCredentials'][number]) => {
  entra.apps = [{ clientId: ENTRA_CLIENT_ID, federatedCredentials: [credential] }];
};

async function assertion(audience = TOKEN_EXCHANGE_AUDIENCE, durationSeconds = 300): Promise<string> {
  const out = await sts.send(new GetWebIdentityTokenCommand({ Audience: [audience], SigningAlgorithm: 'RS256', DurationSeconds: durationSeconds }));
  return out.WebIdentityToken ?? '';
}

function call(method: 'GET' | 'POST', base: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const text = form === undefined ? '' : new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = request(url, { method, ca: tls.cert, headers: { ...headers, ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

const tokenRequest = (clientAssertion: string, overrides: Record<string, string> = {}) =>
  call('POST', sandbox.httpsUrl ?? '', `/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
    client_id: ENTRA_CLIENT_ID,
    scope: `${sandbox.url}/.default`,
    grant_type: 'client_credentials',
    client_assertion_type: JWT_BEARER,
    client_assertion: clientAssertion,
    ...overrides,
  });

function armGet(token: string | undefined): Promise<Response> {
  return fetch(`${sandbox.url}/subscriptions/${DEMO_SUBSCRIPTION_ID}?api-version=2022-12-01`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
}

describe('sandbox Entra ID: client assertions from AWS outbound identity federation', () => {
  it('signs MSAL in over https with a fresh assertion, and Resource Manager accepts only the tokens it issued', async () => {
    trust(trusted());
    let assertions = 0;
    const credential = new ClientAssertionCredential(
      DEMO_TENANT_ID,
      ENTRA_CLIENT_ID,
      async () => {
        assertions += 1;
        return assertion();
      },
      { authorityHost: sandbox.httpsUrl ?? '', disableInstanceDiscovery: true, tlsOptions: { ca: tls.cert } },
    );
    const token = await credential.getToken(`${sandbox.url}/.default`);
    // One token request; @azure/identity builds its assertion afresh (it asks the callback twice per sign-in).
    expect(sandbox.stats.byApi['azure:POST']).toBe(1);
    expect(assertions).toBeGreaterThan(0);
    expect(sandbox.stats.byApi['sts:GetWebIdentityToken']).toBe(assertions);
    expect(token.token).toMatch(/sandbox-entra-/);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3_000_000);

    expect((await armGet(token.token)).status).toBe(200);
    const missing = await armGet(undefined);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." } });
    expect((await armGet('ward-placeholder-token')).status).toBe(401);
  });

  it('publishes the OpenID configuration MSAL reads, with the https authority as issuer', async () => {
    const { status, body } = await call('GET', sandbox.httpsUrl ?? '', `/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ issuer: `${sandbox.httpsUrl}/${DEMO_TENANT_ID}/v2.0`, token_endpoint: `${sandbox.httpsUrl}/${DEMO_TENANT_ID}/oauth2/v2.0/token` });
    const unknown = await call('GET', sandbox.httpsUrl ?? '', '/00000000-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration');
    expect(unknown.status).toBe(400);
    expect(unknown.body['error_codes']).toEqual([90002]);
  });

  it('refuses an issuer, subject or audience the federated credential does not name, with the AADSTS code and the presented value', async () => {
    const good = await assertion();
    trust({ ...trusted(), issuer: { awsAccount: '999988887777' } });
    const issuer = await tokenRequest(good);
    expect(issuer.status).toBe(400);
    expect(issuer.body).toMatchObject({ error: 'invalid_request', error_codes: [700211] });
    expect(String(issuer.body['error_description'])).toContain(`AADSTS700211: No matching federated identity record found for presented assertion issuer '${sandbox.url}/_aws/outbound/${account}'`);

    trust({ ...trusted(), subject: `arn:aws:iam::${account}:role/SomeOtherRole` });
    const subject = await tokenRequest(good);
    expect(subject.body['error_codes']).toEqual([700213]);
    expect(String(subject.body['error_description'])).toContain(`presented assertion subject 'arn:aws:iam::${account}:role/${SCAN_ROLE}'`);

    trust({ ...trusted(), audience: 'api://AzureADTokenExchangeUSGov' });
    const audience = await tokenRequest(good);
    expect(audience.body['error_codes']).toEqual([700212]);
    expect(String(audience.body['error_description'])).toContain(`presented assertion audience '${TOKEN_EXCHANGE_AUDIENCE}'`);

    trust(trusted());
    const ok = await tokenRequest(good);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
  });

  it('refuses a forged signature, an expired assertion, an unknown app or tenant, and a request without an assertion', async () => {
    trust(trusted());
    const good = await assertion();
    const [head, body, signature = ''] = good.split('.');
    const forged = await tokenRequest(`${head}.${body}.${signature.slice(0, -6)}AAAAAA`);
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ error: 'invalid_client', error_codes: [700027] });

    const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const stale = `${head}.${Buffer.from(JSON.stringify({ ...claims, exp: 1 })).toString('base64url')}.${signature}`;
    // The altered claims also break the signature: Entra reports the signature first.
    expect((await tokenRequest(stale)).body['error_codes']).toEqual([700027]);

    expect((await tokenRequest(good, { client_id: '11111111-2222-4333-8444-555555555555' })).body['error_codes']).toEqual([700016]);
    const tenant = await call('POST', sandbox.httpsUrl ?? '', '/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token', { grant_type: 'client_credentials' });
    expect(tenant.body['error_codes']).toEqual([90002]);
    expect((await tokenRequest(good, { client_assertion_type: '' })).body['error_codes']).toEqual([7000218]);
    expect((await tokenRequest(good, { scope: 'https://management.azure.com/user_impersonation' })).body['error_codes']).toEqual([1002012]);
  });
});

// The assertion Ward hands Entra: sts:GetWebIdentityToken from the sandbox STS (the real STS client,
// signed with the function's role session), a JWT that a relying party verifies against the
// account issuer's published JWKS; and the settings that turn federation on.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.js';
import { verifyJwt } from '../../sandbox/federation/jwt.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { demoWorldPath, loadWorld } from '../../sandbox/world.js';
import { assumeScanRole, SCAN_ROLE, type RoleSession } from '../../test/support/federation.js';
import { resolveAzureSettings } from './clients.js';
import { AZURE_TOKEN_EXCHANGE_AUDIENCE, awsWebIdentityToken, azureFederationFromEnv } from './federation.js';

const VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_ENDPOINT_URL', 'AWS_EC2_METADATA_DISABLED', 'WARD_AZURE_FEDERATION', 'WARD_AZURE_TENANT_ID', 'WARD_AZURE_CLIENT_ID'] as const;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
const TENANT = '7d2c2f4e-1b3a-4c5d-8e9f-0a1b2c3d4e5f';
const CLIENT = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

let sandbox: Sandbox;
let session: RoleSession;

beforeAll(async () => {
  sandbox = await startSandbox({ world: loadWorld(demoWorldPath()), port: 0 });
  session = await assumeScanRole(sandbox.url);
  process.env['AWS_ACCESS_KEY_ID'] = session.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = session.secretAccessKey;
  process.env['AWS_SESSION_TOKEN'] = session.sessionToken;
  process.env['AWS_REGION'] = 'us-east-1';
  process.env['AWS_ENDPOINT_URL'] = sandbox.url;
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
});

afterAll(async () => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await sandbox.close();
});

describe('Azure federation from AWS (sts:GetWebIdentityToken as the client assertion)', () => {
  it('fetches a fresh JWT for api://AzureADTokenExchange that verifies against the issuer JWKS, naming the role', async () => {
    const account = session.roleArn.split(':')[4] ?? '';
    const issuer = `${sandbox.url}/_aws/outbound/${account}`;
    const subject = `arn:aws:iam::${account}:role/${SCAN_ROLE}`;
    const getAssertion = awsWebIdentityToken('us-east-1');
    const first = await getAssertion();
    const second = await getAssertion();
    expect(second).not.toBe(first);
    const claims = await verifyJwt(first, { issuer, audience: AZURE_TOKEN_EXCHANGE_AUDIENCE, subject });
    expect(claims).toMatchObject({ iss: issuer, sub: subject, aud: AZURE_TOKEN_EXCHANGE_AUDIENCE });
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(300);

    await expect(verifyJwt(first, { issuer, audience: 'api://other', subject })).rejects.toThrow('audience');
    await expect(verifyJwt(first, { issuer, audience: AZURE_TOKEN_EXCHANGE_AUDIENCE, subject: `arn:aws:iam::${account}:role/Other` })).rejects.toThrow('subject');
    await expect(verifyJwt(first, { issuer: `${sandbox.url}/_aws/outbound/111111111111`, audience: AZURE_TOKEN_EXCHANGE_AUDIENCE, subject })).rejects.toThrow('issuer');
    const [head, body, signature = ''] = first.split('.');
    const forged = `${head}.${body}.${signature.slice(0, -4)}AAAA`;
    await expect(verifyJwt(forged, { issuer, audience: AZURE_TOKEN_EXCHANGE_AUDIENCE, subject })).rejects.toThrow('signature');
  });

  it('is configured by WARD_AZURE_FEDERATION=aws with tenant and client IDs, and a half-configured one is a clear error', () => {
    expect(azureFederationFromEnv({})).toBeUndefined();
    expect(azureFederationFromEnv({ WARD_AZURE_FEDERATION: 'aws', WARD_AZURE_TENANT_ID: TENANT, WARD_AZURE_CLIENT_ID: CLIENT })).toEqual({ tenantId: TENANT, clientId: CLIENT });
    expect(() => azureFederationFromEnv({ WARD_AZURE_FEDERATION: 'aws', WARD_AZURE_TENANT_ID: TENANT })).toThrow(UserError);
    expect(() => azureFederationFromEnv({ WARD_AZURE_TENANT_ID: TENANT, WARD_AZURE_CLIENT_ID: CLIENT })).toThrow('WARD_AZURE_FEDERATION is ""');

    process.env['WARD_AZURE_FEDERATION'] = 'aws';
    process.env['WARD_AZURE_TENANT_ID'] = TENANT;
    process.env['WARD_AZURE_CLIENT_ID'] = CLIENT;
    try {
      const settings = resolveAzureSettings({ endpoint: 'http://127.0.0.1:1' });
      expect(settings.identity).toBe(`app ${CLIENT} (tenant ${TENANT})`);
      expect(settings.credential.constructor.name).toBe('ClientAssertionCredential');
    } finally {
      delete process.env['WARD_AZURE_FEDERATION'];
      delete process.env['WARD_AZURE_TENANT_ID'];
      delete process.env['WARD_AZURE_CLIENT_ID'];
    }
  });
});

// Azure's second choice: the app's client secret from an SSM SecureString (aws-sdk-client-mock), read
// on the first token request, then a real ClientSecretCredential signs in to the sandbox's Entra over
// https and Resource Manager accepts the token; a wrong secret is Entra's AADSTS7000215, and neither
// the secret nor the token appears in what Ward reports.

import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_SUBSCRIPTION_ID, DEMO_TENANT_ID } from '../../sandbox/azure/demo.js';
import type { EntraOptions } from '../../sandbox/azure/entra.js';
import type { Sandbox } from '../../sandbox/server.js';
import { ENTRA_CLIENT_ID, startAzureFederatedSandbox } from '../../test/support/federation.js';
import { makeTestCertificate, type TestCertificate } from '../../test/support/tls.js';
import { forgetStoredSecrets, parseSecretRef } from '../stored-secret.js';
import { azureFederationFromEnv } from './federation.js';
import { azureSignInFromEnv, azureStoredSecretFromEnv, storedSecretAzureCredential } from './stored-secret.js';

const ssm = mockClient(SSMClient);
const SECRET = 'Qv7~ward-sandbox-client-secret-value';
let tls: TestCertificate;
let sandbox: Sandbox;
let entra: EntraOptions;

beforeAll(async () => {
  tls = makeTestCertificate();
  ({ sandbox, entra } = await startAzureFederatedSandbox(tls));
  for (const app of entra.apps) app.clientSecret = SECRET;
}, 30_000);
afterAll(async () => {
  ssm.restore();
  await sandbox.close();
});
beforeEach(() => {
  ssm.reset();
  forgetStoredSecrets();
});

const settings = () => ({ tenantId: DEMO_TENANT_ID, clientId: ENTRA_CLIENT_ID, secret: parseSecretRef('ssm:/ward/azure-client-secret', 'X'), authorityHost: sandbox.httpsUrl ?? '' });

describe('Azure client secret from a stored secret (the second choice)', () => {
  it('reads the secret once, signs in with it and opens Resource Manager', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Type: 'SecureString', Value: SECRET } });
    const { credential, identity } = storedSecretAzureCredential(settings(), { tlsOptions: { ca: tls.cert } });
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
    const token = await credential.getToken(`${sandbox.url}/.default`);
    expect(token?.token).toMatch(/sandbox-entra-/);
    await credential.getToken(`${sandbox.url}/.default`);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    expect(identity).toBe(`app ${ENTRA_CLIENT_ID} (tenant ${DEMO_TENANT_ID}, client secret from ssm:/ward/azure-client-secret)`);
    const arm = await fetch(`${sandbox.url}/subscriptions/${DEMO_SUBSCRIPTION_ID}?api-version=2022-12-01`, { headers: { authorization: `Bearer ${token?.token ?? ''}` } });
    expect(arm.status).toBe(200);
  });

  it('a wrong secret is refused by Entra with AADSTS7000215, and the message does not carry it', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Type: 'SecureString', Value: 'stale-secret-value' } });
    const { credential } = storedSecretAzureCredential(settings(), { tlsOptions: { ca: tls.cert } });
    const error = await credential.getToken(`${sandbox.url}/.default`).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toContain('AADSTS7000215: Invalid client secret provided');
    expect(error?.message).not.toContain('stale-secret-value');
  });

  it('is chosen by WARD_AZURE_CLIENT_SECRET_NAME with the tenant and client IDs, and excludes federation', () => {
    const env = { WARD_AZURE_CLIENT_SECRET_NAME: 'secretsmanager:ward/azure', WARD_AZURE_TENANT_ID: DEMO_TENANT_ID, WARD_AZURE_CLIENT_ID: ENTRA_CLIENT_ID };
    expect(azureStoredSecretFromEnv(env)).toEqual({ tenantId: DEMO_TENANT_ID, clientId: ENTRA_CLIENT_ID, secret: { store: 'secretsmanager', name: 'ward/azure', text: 'secretsmanager:ward/azure' } });
    expect(azureFederationFromEnv(env)).toBeUndefined();
    expect(azureSignInFromEnv(env)?.identity).toContain('client secret from secretsmanager:ward/azure');
    expect(azureSignInFromEnv({})).toBeUndefined();
    expect(() => azureSignInFromEnv({ ...env, WARD_AZURE_FEDERATION: 'aws' })).toThrow('WARD_AZURE_FEDERATION and WARD_AZURE_CLIENT_SECRET_NAME are both set: choose one');
    expect(() => azureSignInFromEnv({ ...env, WARD_AZURE_CLIENT_ID: '' })).toThrow('WARD_AZURE_CLIENT_ID must be the app registration');
  });
});

// The federation parameters of serverless.yml, checked by `sls package` itself (deploy/federation.cjs):
// a configured stack gets the environment, the packaged federation file and sts:GetWebIdentityToken
// limited to Entra's audience; the second choice (a stored key or client secret) gets a read of that
// one parameter or secret; a half-configured provider stops packaging with the parameter named.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TENANT = '7d2c2f4e-1b3a-4c5d-8e9f-0a1b2c3d4e5f';
const CLIENT = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

function slsPackage(params: Record<string, string>) {
  const out = mkdtempSync(join(tmpdir(), 'ward-sls-fed-'));
  const args = ['package', '--stage', 'test', '--package', out, ...Object.entries(params).map(([k, v]) => `--param=${k}=${v}`)];
  return promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'sls'), args, { cwd: ROOT, env: cleanEnv({ SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' }), timeout: 240_000 }).then(() => out);
}

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

describe('serverless.yml federation parameters', () => {
  it('wires a configured GCP and Azure federation into the functions and the scan role', async () => {
    const out = await slsPackage({ gcpWorkloadIdentityConfig: 'deploy/examples/gcp-wif.example.json', azureFederation: 'aws', azureTenantId: TENANT, azureClientId: CLIENT });
    const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, Resource>; Conditions: Record<string, unknown> };
    const env = (template.Resources['ScanTargetLambdaFunction']?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({ WARD_GCP_CREDENTIALS: 'deploy/examples/gcp-wif.example.json', WARD_AZURE_FEDERATION: 'aws', WARD_AZURE_TENANT_ID: TENANT, WARD_AZURE_CLIENT_ID: CLIENT });
    expect(template.Conditions['AzureFederation']).toEqual({ 'Fn::Equals': ['aws', 'aws'] });
    const assertion = template.Resources['ScanRoleAzureAssertion'] as Resource & { Condition: string };
    expect(assertion.Condition).toBe('AzureFederation');
    expect(assertion.Properties['Roles']).toEqual([{ Ref: 'ScanRole' }]);
    const policy = JSON.stringify(assertion.Properties['PolicyDocument']);
    expect(policy).toContain('"Action":["sts:GetWebIdentityToken"]');
    expect(policy).toContain('{"ForAllValues:StringEquals":{"sts:IdentityTokenAudience":["api://AzureADTokenExchange"]}}');
    // The federation file is in the artifact, so the function finds it at the same relative path.
    const zip = readFileSync(join(out, 'ward.zip'));
    expect(zip.includes(Buffer.from('deploy/examples/gcp-wif.example.json'))).toBe(true);
  }, 240_000);

  it('refuses a half-configured Azure federation at package time, naming the parameter', async () => {
    const failure = await slsPackage({ azureFederation: 'aws', azureTenantId: TENANT }).then(
      () => undefined,
      (error: unknown) => error as { stdout: string; stderr: string },
    );
    expect(`${failure?.stdout ?? ''}${failure?.stderr ?? ''}`).toContain('azureFederation=aws needs azureClientId');
  }, 240_000);

  it('wires the second choice (stored key / client secret): the names into the environment, and a read of exactly those into the scan role', async () => {
    const out = await slsPackage({ gcpKeySecretName: 'ssm:/ward/gcp-key', azureClientSecretName: 'secretsmanager:ward/azure-client-secret', azureTenantId: TENANT, azureClientId: CLIENT });
    const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, Resource>; Conditions: Record<string, unknown> };
    const env = (template.Resources['ScanLambdaFunction']?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({ WARD_GCP_KEY_SECRET_NAME: 'ssm:/ward/gcp-key', WARD_AZURE_CLIENT_SECRET_NAME: 'secretsmanager:ward/azure-client-secret', WARD_AZURE_FEDERATION: '', WARD_AZURE_TENANT_ID: TENANT });
    expect(template.Conditions['StoredSecrets']).toEqual({ 'Fn::Equals': ['true', 'true'] });
    expect(template.Conditions['AzureFederation']).toEqual({ 'Fn::Equals': ['', 'aws'] });
    const policy = template.Resources['ScanRoleStoredSecrets'] as Resource & { Condition: string };
    expect(policy.Condition).toBe('StoredSecrets');
    expect(policy.Properties['Roles']).toEqual([{ Ref: 'ScanRole' }]);
    const arn = (service: string, rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, rest]] });
    expect((policy.Properties['PolicyDocument'] as { Statement: unknown[] }).Statement).toEqual([
      { Sid: 'GcpServiceAccountKey', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: arn('ssm', ':parameter/ward/gcp-key') },
      { Sid: 'AzureClientSecret', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: arn('secretsmanager', ':secret:ward/azure-client-secret-??????') },
    ]);
  }, 240_000);

  it('refuses a half- or doubly-configured second choice, naming the parameter (the check sls package runs, called directly)', async () => {
    const check = createRequire(import.meta.url)('../../deploy/federation.cjs') as (options: { resolveVariable: (name: string) => Promise<string | undefined> }) => Promise<Record<string, unknown>>;
    const withParams = (params: Record<string, string>) => check({ resolveVariable: async (name) => params[name.replace(/^param:/, '')] });
    const refusals: Array<[Record<string, string>, string]> = [
      [{ azureClientSecretName: 'ssm:/ward/azure', azureTenantId: TENANT }, 'azureClientSecretName needs azureClientId'],
      [{ azureClientSecretName: 'ssm:/ward/azure', azureFederation: 'aws', azureTenantId: TENANT, azureClientId: CLIENT }, 'azureFederation=aws and azureClientSecretName are both set: choose one'],
      [{ gcpKeySecretName: 'ssm:/ward/gcp-key', gcpWorkloadIdentityConfig: 'deploy/examples/gcp-wif.example.json' }, 'gcpWorkloadIdentityConfig and gcpKeySecretName are both set: choose one'],
      [{ gcpKeySecretName: '/ward/gcp-key' }, 'gcpKeySecretName is "/ward/gcp-key": name the secret as ssm:<SecureString parameter name> or secretsmanager:<secret name>'],
      [{ azureTenantId: TENANT, azureClientId: CLIENT }, 'set azureFederation=aws (or azureClientSecretName, the second choice)'],
    ];
    for (const [params, message] of refusals) await expect(withParams(params)).rejects.toThrow(message);
    const off = await withParams({});
    expect(off).toMatchObject({ storedSecrets: 'false', storedSecretStatements: [], WARD_GCP_KEY_SECRET_NAME: '', WARD_AZURE_CLIENT_SECRET_NAME: '' });
    const arnSecret = await withParams({ gcpKeySecretName: 'secretsmanager:arn:aws:secretsmanager:eu-west-1:111122223333:secret:ward/gcp-AbCdEf' });
    expect(arnSecret['storedSecretStatements']).toEqual([{ Sid: 'GcpServiceAccountKey', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:ward/gcp-AbCdEf' }]);
  });
});

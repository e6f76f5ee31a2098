// The second choice's secret reader (SSM SecureString or Secrets Manager, aws-sdk-client-mock: one
// collector-style unit) and the Google Cloud service-account key built from it: read once and cached,
// refused when not a SecureString or empty, and no problem message ever carries the value.

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { generateKeyPairSync } from 'node:crypto';
import { JWT } from 'google-auth-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import { gcpKeySecretFromEnv, storedKeyCredentials } from './gcp/stored-key.js';
import { forgetStoredSecrets, parseSecretRef, readStoredSecret } from './stored-secret.js';

const ssm = mockClient(SSMClient);
const secrets = mockClient(SecretsManagerClient);
const SECRET = 'Zx8Q~not-a-real-secret-but-treated-as-one';
const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const KEY_JSON = JSON.stringify({ type: 'service_account', project_id: 'ward-demo-ehr', private_key_id: 'k1', private_key: PRIVATE_KEY, client_email: 'ward-reader@ward-demo-ehr.iam.gserviceaccount.com' });

beforeEach(() => {
  ssm.reset();
  secrets.reset();
  forgetStoredSecrets();
});
afterEach(() => forgetStoredSecrets());

async function problem(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (e: unknown) => e as Error);
  if (error === undefined) throw new Error('expected a failure');
  return error;
}

describe('stored secrets (the second choice)', () => {
  it('names the secret as ssm:<name> or secretsmanager:<name>, and says how when it is neither', () => {
    expect(parseSecretRef('ssm:/ward/gcp-key', 'X')).toEqual({ store: 'ssm', name: '/ward/gcp-key', text: 'ssm:/ward/gcp-key' });
    expect(parseSecretRef(' secretsmanager:ward/azure ', 'X')).toEqual({ store: 'secretsmanager', name: 'ward/azure', text: 'secretsmanager:ward/azure' });
    expect(() => parseSecretRef('/ward/gcp-key', 'WARD_GCP_KEY_SECRET_NAME')).toThrow('WARD_GCP_KEY_SECRET_NAME is "/ward/gcp-key": name the secret as ssm:');
  });

  it('reads an SSM SecureString with decryption once per container; a failed read is tried again', async () => {
    ssm.on(GetParameterCommand).rejectsOnce(Object.assign(new Error('User is not authorized to perform: ssm:GetParameter'), { name: 'AccessDeniedException' })).resolves({ Parameter: { Type: 'SecureString', Value: `${SECRET}\n` } });
    const ref = parseSecretRef('ssm:/ward/azure-secret', 'X');
    const denied = await problem(readStoredSecret(ref));
    expect(denied.message).toBe('Could not read ssm:/ward/azure-secret: AccessDeniedException: User is not authorized to perform: ssm:GetParameter');
    expect(await readStoredSecret(ref)).toBe(SECRET);
    expect(await readStoredSecret(ref)).toBe(SECRET);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
    expect(ssm.commandCalls(GetParameterCommand)[1]?.args[0].input).toEqual({ Name: '/ward/azure-secret', WithDecryption: true });
  });

  it('refuses a plain String parameter and an empty value without showing the value', async () => {
    ssm.on(GetParameterCommand, { Name: '/plain' }).resolves({ Parameter: { Type: 'String', Value: SECRET } });
    ssm.on(GetParameterCommand, { Name: '/empty' }).resolves({ Parameter: { Type: 'SecureString', Value: ' ' } });
    const plain = await problem(readStoredSecret(parseSecretRef('ssm:/plain', 'X')));
    expect(plain).toBeInstanceOf(UserError);
    expect(plain.message).toContain('ssm:/plain is a String parameter: keep a key or client secret in a SecureString');
    expect(plain.message).not.toContain(SECRET);
    expect((await problem(readStoredSecret(parseSecretRef('ssm:/empty', 'X')))).message).toContain('ssm:/empty holds no value');
  });

  it('reads a Secrets Manager secret string', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'ward/azure' }).resolves({ SecretString: SECRET });
    expect(await readStoredSecret(parseSecretRef('secretsmanager:ward/azure', 'X'))).toBe(SECRET);
    secrets.on(GetSecretValueCommand, { SecretId: 'ward/missing' }).rejects(Object.assign(new Error("Secrets Manager can't find the specified secret."), { name: 'ResourceNotFoundException' }));
    expect((await problem(readStoredSecret(parseSecretRef('secretsmanager:ward/missing', 'X')))).message).toBe(
      "Could not read secretsmanager:ward/missing: ResourceNotFoundException: Secrets Manager can't find the specified secret.",
    );
  });
});

describe('Google Cloud service-account key from a stored secret', () => {
  it('builds a JWT client for the key and names its service account as the identity', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY_JSON });
    const ref = gcpKeySecretFromEnv({ WARD_GCP_KEY_SECRET_NAME: 'secretsmanager:ward/gcp-key' });
    expect(ref).toBeDefined();
    const { client, identity } = await storedKeyCredentials(ref ?? parseSecretRef('', ''), ['https://www.googleapis.com/auth/cloud-platform']);
    expect(client).toBeInstanceOf(JWT);
    expect((client as JWT).email).toBe('ward-reader@ward-demo-ehr.iam.gserviceaccount.com');
    expect((client as JWT).scopes).toEqual(['https://www.googleapis.com/auth/cloud-platform']);
    expect(identity).toBe('ward-reader@ward-demo-ehr.iam.gserviceaccount.com (key from secretsmanager:ward/gcp-key)');
  });

  it('refuses what is not a service-account key, naming the secret and never its content', async () => {
    ssm.on(GetParameterCommand, { Name: '/not-json' }).resolves({ Parameter: { Type: 'SecureString', Value: PRIVATE_KEY } });
    ssm.on(GetParameterCommand, { Name: '/federation' }).resolves({ Parameter: { Type: 'SecureString', Value: JSON.stringify({ type: 'external_account', private_key: PRIVATE_KEY }) } });
    const notJson = await problem(storedKeyCredentials(parseSecretRef('ssm:/not-json', 'X'), []));
    expect(notJson.message).toBe('ssm:/not-json does not hold JSON: store the service-account key file as it was downloaded.');
    const federation = await problem(storedKeyCredentials(parseSecretRef('ssm:/federation', 'X'), []));
    expect(federation.message).toContain('ssm:/federation: "type" is not "service_account"');
    for (const error of [notJson, federation]) expect(error.message).not.toContain('PRIVATE KEY');
  });

  it('is off when unset, and refuses to be set together with workload identity federation', () => {
    expect(gcpKeySecretFromEnv({})).toBeUndefined();
    expect(() => gcpKeySecretFromEnv({ WARD_GCP_KEY_SECRET_NAME: 'ssm:/k', WARD_GCP_CREDENTIALS: 'gcp-wif.json' })).toThrow('WARD_GCP_CREDENTIALS and WARD_GCP_KEY_SECRET_NAME are both set: choose one');
  });
});

// Who Google Cloud is read as, for each kind of Application Default Credentials, taken from the
// credentials themselves: no token is fetched and nothing leaves the machine (an https endpoint that is
// never called, metadata-server detection off).

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssetApi } from './client.js';
import { UNKNOWN_ADC_PRINCIPAL } from './identity.js';

const ENV_KEYS = ['GOOGLE_APPLICATION_CREDENTIALS', 'CLOUDSDK_CONFIG', 'METADATA_SERVER_DETECTION', 'WARD_GCP_CREDENTIALS', 'AWS_REGION', 'GOOGLE_CLOUD_PROJECT'] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ward-gcp-identity-'));
  delete process.env['WARD_GCP_CREDENTIALS'];
  process.env['CLOUDSDK_CONFIG'] = dir;
  process.env['METADATA_SERVER_DETECTION'] = 'none';
  // ADC looks its project up when it builds the client (gcloud, or a call for a federated one): named here.
  process.env['GOOGLE_CLOUD_PROJECT'] = 'ehr-prod';
});

afterEach(() => {
  for (const key of ENV_KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

async function identityWith(adcFile: Record<string, unknown>) {
  const file = join(dir, 'adc.json');
  writeFileSync(file, JSON.stringify(adcFile));
  process.env['GOOGLE_APPLICATION_CREDENTIALS'] = file;
  const api = await AssetApi.connect({ endpoint: 'https://cloudasset.googleapis.com' });
  await api.close();
  return api.identity;
}

describe('the Google Cloud principal a scan is read as', () => {
  it('is the client_email of a service-account key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const identity = await identityWith({
      type: 'service_account',
      project_id: 'ehr-prod',
      private_key_id: 'k1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: 'ward-scanner@ehr-prod.iam.gserviceaccount.com',
      client_id: '1234567890',
    });
    expect(identity).toEqual({ principal: 'ward-scanner@ehr-prod.iam.gserviceaccount.com', via: 'service account key (Application Default Credentials)' });
  });

  it("is honestly unknown for a user's ADC (the file names no account), never a guess or a secret", async () => {
    const identity = await identityWith({ type: 'authorized_user', client_id: 'cid.apps.googleusercontent.com', client_secret: 'user-secret', refresh_token: 'user-refresh-token' });
    expect(identity).toEqual({ principal: UNKNOWN_ADC_PRINCIPAL, via: 'user credentials, gcloud auth application-default login (Application Default Credentials)' });
    expect(JSON.stringify(identity)).not.toMatch(/user-secret|user-refresh-token/);
  });

  it('is the impersonated service account, else the pool provider, of a federation file given as ADC', async () => {
    const audience = '//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ward/providers/aws';
    const base = { type: 'external_account', audience, subject_token_type: 'urn:ietf:params:aws:token-type:aws4_request', token_url: 'https://sts.googleapis.com/v1/token', credential_source: { environment_id: 'aws1', regional_cred_verification_url: 'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15' } };
    const via = 'workload identity federation (Application Default Credentials)';
    // The library wants the AWS region before it will build the client (Lambda sets it).
    process.env['AWS_REGION'] = 'us-east-1';
    expect(await identityWith(base)).toEqual({ principal: 'projects/123/locations/global/workloadIdentityPools/ward/providers/aws', via });
    const impersonated = { ...base, service_account_impersonation_url: 'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/ward@ehr-prod.iam.gserviceaccount.com:generateAccessToken' };
    expect(await identityWith(impersonated)).toEqual({ principal: 'ward@ehr-prod.iam.gserviceaccount.com', via });
  });
});

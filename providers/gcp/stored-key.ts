// Google Cloud's second choice, for an organisation that cannot set up workload identity federation
// yet: a service-account key (the JSON `gcloud iam service-accounts keys create` writes) in an SSM
// SecureString or Secrets Manager secret named by WARD_GCP_KEY_SECRET_NAME. Read once per container
// and kept in memory. A long-lived key with read access to every project is what federation avoids:
// WARD_GCP_CREDENTIALS (federation) is preferred and the two exclude each other.

import { JWT } from 'google-auth-library';
import { UserError } from '../../core/errors.js';
import { parseSecretRef, readStoredSecret, type SecretRef } from '../stored-secret.js';
import type { FederatedCredentials } from './federation.js';

/** Reads WARD_GCP_KEY_SECRET_NAME; undefined when it is not set. */
export function gcpKeySecretFromEnv(env: NodeJS.ProcessEnv = process.env): SecretRef | undefined {
  const name = (env['WARD_GCP_KEY_SECRET_NAME'] ?? '').trim();
  if (name === '') return undefined;
  if ((env['WARD_GCP_CREDENTIALS'] ?? '').trim() !== '') {
    throw new UserError('WARD_GCP_CREDENTIALS and WARD_GCP_KEY_SECRET_NAME are both set: choose one (workload identity federation needs no stored key; unset WARD_GCP_KEY_SECRET_NAME).');
  }
  return parseSecretRef(name, 'WARD_GCP_KEY_SECRET_NAME');
}

interface ServiceAccountKey {
  type?: unknown;
  client_email?: unknown;
  private_key?: unknown;
  private_key_id?: unknown;
}

/** The key's JWT client and the service account it signs in as. Problems name the secret, never its content. */
export async function storedKeyCredentials(ref: SecretRef, scopes: string[]): Promise<FederatedCredentials> {
  const text = await readStoredSecret(ref);
  let key: ServiceAccountKey;
  try {
    key = JSON.parse(text) as ServiceAccountKey;
  } catch {
    throw new UserError(`${ref.text} does not hold JSON: store the service-account key file as it was downloaded.`);
  }
  if (key === null || typeof key !== 'object' || key.type !== 'service_account') {
    throw new UserError(`${ref.text}: "type" is not "service_account" (store the key file \`gcloud iam service-accounts keys create\` writes).`);
  }
  if (typeof key.client_email !== 'string' || key.client_email === '') throw new UserError(`${ref.text}: "client_email" is missing from the service-account key.`);
  if (typeof key.private_key !== 'string' || !key.private_key.includes('PRIVATE KEY')) throw new UserError(`${ref.text}: "private_key" is missing or not a PEM key.`);
  const client = new JWT({ email: key.client_email, key: key.private_key, ...(typeof key.private_key_id === 'string' ? { keyId: key.private_key_id } : {}), scopes });
  return { client, identity: `${key.client_email} (key from ${ref.text})` };
}

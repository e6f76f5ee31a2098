// Azure's second choice, for a tenant that cannot trust AWS's issuer yet: the app registration's
// client secret in an SSM SecureString or Secrets Manager secret (WARD_AZURE_CLIENT_SECRET_NAME, with
// WARD_AZURE_TENANT_ID and WARD_AZURE_CLIENT_ID). The secret is read on the first token request and
// kept in memory; federation (WARD_AZURE_FEDERATION=aws) is preferred and the two exclude each other.

import { ClientSecretCredential, type AccessToken, type ClientSecretCredentialOptions, type GetTokenOptions, type TokenCredential } from '@azure/identity';
import { UserError } from '../../core/errors.js';
import { parseSecretRef, readStoredSecret, type SecretRef } from '../stored-secret.js';
import { awsFederatedAzureCredential, azureFederationFromEnv, type FederatedAzureCredential } from './federation.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AzureStoredSecretSettings {
  tenantId: string;
  clientId: string;
  secret: SecretRef;
  authorityHost?: string;
}

/** Reads WARD_AZURE_CLIENT_SECRET_NAME and the IDs; undefined when it is not set. */
export function azureStoredSecretFromEnv(env: NodeJS.ProcessEnv = process.env): AzureStoredSecretSettings | undefined {
  const name = (env['WARD_AZURE_CLIENT_SECRET_NAME'] ?? '').trim();
  if (name === '') return undefined;
  if ((env['WARD_AZURE_FEDERATION'] ?? '').trim() !== '') {
    throw new UserError('WARD_AZURE_FEDERATION and WARD_AZURE_CLIENT_SECRET_NAME are both set: choose one (federation needs no stored secret; unset WARD_AZURE_CLIENT_SECRET_NAME).');
  }
  const tenantId = (env['WARD_AZURE_TENANT_ID'] ?? '').trim();
  const clientId = (env['WARD_AZURE_CLIENT_ID'] ?? '').trim();
  if (!UUID.test(tenantId)) throw new UserError(`WARD_AZURE_TENANT_ID must be the Entra tenant's ID (a GUID) with WARD_AZURE_CLIENT_SECRET_NAME, got "${tenantId}".`);
  if (!UUID.test(clientId)) throw new UserError(`WARD_AZURE_CLIENT_ID must be the app registration's application (client) ID (a GUID) with WARD_AZURE_CLIENT_SECRET_NAME, got "${clientId}".`);
  const authorityHost = (env['WARD_AZURE_AUTHORITY_HOST'] ?? '').trim();
  return { tenantId, clientId, secret: parseSecretRef(name, 'WARD_AZURE_CLIENT_SECRET_NAME'), ...(authorityHost === '' ? {} : { authorityHost }) };
}

/** A ClientSecretCredential built once the stored secret has been read (on the first token request). */
export function storedSecretAzureCredential(settings: AzureStoredSecretSettings, options: ClientSecretCredentialOptions = {}): FederatedAzureCredential {
  let inner: Promise<TokenCredential> | undefined;
  const load = () => {
    inner ??= readStoredSecret(settings.secret).then(
      (secret) =>
        new ClientSecretCredential(settings.tenantId, settings.clientId, secret, {
          ...options,
          ...(settings.authorityHost === undefined ? {} : { authorityHost: settings.authorityHost, disableInstanceDiscovery: true }),
        }),
    );
    inner.catch(() => (inner = undefined));
    return inner;
  };
  const credential: TokenCredential = {
    getToken: async (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> => (await load()).getToken(scopes, options),
  };
  return { credential, identity: `app ${settings.clientId} (tenant ${settings.tenantId}, client secret from ${settings.secret.text})` };
}

/** How Ward signs in to Azure from the environment: federation, else a stored client secret, else undefined. */
export function azureSignInFromEnv(env: NodeJS.ProcessEnv = process.env): FederatedAzureCredential | undefined {
  const stored = azureStoredSecretFromEnv(env);
  if (stored !== undefined) return storedSecretAzureCredential(stored);
  const federation = azureFederationFromEnv(env);
  return federation === undefined ? undefined : awsFederatedAzureCredential(federation);
}

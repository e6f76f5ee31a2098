// Azure credentials without a client secret: an Entra app registration trusts the AWS account's own
// token issuer (IAM outbound identity federation), and Ward signs in with a client assertion that the
// function fetches fresh from sts:GetWebIdentityToken (regional STS endpoint, audience
// api://AzureADTokenExchange) with its own role credentials. Configured by WARD_AZURE_TENANT_ID,
// WARD_AZURE_CLIENT_ID and WARD_AZURE_FEDERATION=aws.

import { GetWebIdentityTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { ClientAssertionCredential, type TokenCredential } from '@azure/identity';
import { UserError } from '../../core/errors.js';

export const AZURE_TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
/** A short-lived assertion: Entra only needs it for the one token request. */
const ASSERTION_SECONDS = 300;

export interface AzureFederationSettings {
  tenantId: string;
  clientId: string;
  /** Entra's authority host; unset: the public cloud. */
  authorityHost?: string;
  /** The AWS region whose STS endpoint issues the token; unset: AWS_REGION. */
  region?: string;
}

export interface FederatedAzureCredential {
  credential: TokenCredential;
  /** Who Azure sees: the app registration (service principal) in its tenant. */
  identity: string;
}

/** Reads WARD_AZURE_FEDERATION / _TENANT_ID / _CLIENT_ID; undefined when federation is not configured. */
export function azureFederationFromEnv(env: NodeJS.ProcessEnv = process.env): AzureFederationSettings | undefined {
  const mode = (env['WARD_AZURE_FEDERATION'] ?? '').trim();
  const tenantId = (env['WARD_AZURE_TENANT_ID'] ?? '').trim();
  const clientId = (env['WARD_AZURE_CLIENT_ID'] ?? '').trim();
  if (mode === '' && tenantId === '' && clientId === '') return undefined;
  // The second choice (a stored client secret) uses the same IDs: providers/azure/stored-secret.ts.
  if (mode === '' && (env['WARD_AZURE_CLIENT_SECRET_NAME'] ?? '').trim() !== '') return undefined;
  if (mode !== 'aws') throw new UserError(`WARD_AZURE_FEDERATION is "${mode}": the only federation Ward supports is "aws" (set it with WARD_AZURE_TENANT_ID and WARD_AZURE_CLIENT_ID).`);
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (!uuid.test(tenantId)) throw new UserError(`WARD_AZURE_TENANT_ID must be the Entra tenant's ID (a GUID) when WARD_AZURE_FEDERATION=aws, got "${tenantId}".`);
  if (!uuid.test(clientId)) throw new UserError(`WARD_AZURE_CLIENT_ID must be the app registration's application (client) ID (a GUID) when WARD_AZURE_FEDERATION=aws, got "${clientId}".`);
  const authorityHost = (env['WARD_AZURE_AUTHORITY_HOST'] ?? '').trim();
  return { tenantId, clientId, ...(authorityHost === '' ? {} : { authorityHost }) };
}

/**
 * The assertion callback: a fresh AWS-signed JWT for every token request (ClientAssertionCredential
 * calls it whenever it needs a new Azure token), from the regional STS endpoint.
 */
export function awsWebIdentityToken(region?: string): () => Promise<string> {
  const sts = new STSClient(region === undefined ? {} : { region });
  return async () => {
    const out = await sts.send(new GetWebIdentityTokenCommand({ Audience: [AZURE_TOKEN_EXCHANGE_AUDIENCE], SigningAlgorithm: 'RS256', DurationSeconds: ASSERTION_SECONDS }));
    if (out.WebIdentityToken === undefined || out.WebIdentityToken === '') throw new Error('sts:GetWebIdentityToken returned no token');
    return out.WebIdentityToken;
  };
}

export function awsFederatedAzureCredential(settings: AzureFederationSettings): FederatedAzureCredential {
  // An authority host set explicitly (a sovereign or private cloud, the sandbox) is taken as given:
  // no instance discovery against the public cloud, which would be a network call Ward was not told to make.
  const credential = new ClientAssertionCredential(settings.tenantId, settings.clientId, awsWebIdentityToken(settings.region), {
    ...(settings.authorityHost === undefined ? {} : { authorityHost: settings.authorityHost, disableInstanceDiscovery: true }),
  });
  return { credential, identity: `app ${settings.clientId} (tenant ${settings.tenantId})` };
}

// Who Google Cloud sees reading it, for the scan document's "read as" (never a token or a key). Taken
// from what the credentials already say: a service-account key's client_email, an impersonated or
// federated service account, an attached service account's email (the metadata server, the one call,
// only on Google's own compute). A user's ADC file names no account, and asking Google who the token
// belongs to would be one more call per scan: such a principal is recorded as unknown, honestly.

import { BaseExternalAccountClient, Compute, Impersonated, JWT, UserRefreshClient, type AuthClient, type GoogleAuth } from 'google-auth-library';
import type { ReadIdentity } from '../../core/model.js';

export const ADC = 'Application Default Credentials';
export const UNKNOWN_ADC_PRINCIPAL = `unknown (${ADC})`;

/** A plain-http endpoint (the sandbox, an emulator) gets a placeholder token: nobody signed in. */
export const SANDBOX_GCP_IDENTITY: ReadIdentity = {
  principal: 'sandbox (no credentials)',
  via: 'placeholder token to a plain-http endpoint (WARD_GCP_ENDPOINT)',
};

/** The workload identity federation file Ward was given (WARD_GCP_CREDENTIALS). */
export function federatedGcpIdentity(principal: string): ReadIdentity {
  return { principal, via: 'workload identity federation with AWS (WARD_GCP_CREDENTIALS)' };
}

function pool(audience: unknown): string | undefined {
  return typeof audience === 'string' && audience !== '' ? audience.replace(/^\/\/iam\.googleapis\.com\//, '') : undefined;
}

/** How ADC signed in, by the kind of client it chose. */
function adcKind(client: AuthClient): string {
  if (client instanceof JWT) return `service account key (${ADC})`;
  if (client instanceof Impersonated) return `service account impersonation (${ADC})`;
  if (client instanceof BaseExternalAccountClient) return `workload identity federation (${ADC})`;
  if (client instanceof Compute) return `attached service account, metadata server (${ADC})`;
  if (client instanceof UserRefreshClient) return `user credentials, gcloud auth application-default login (${ADC})`;
  return ADC;
}

/** Whom `client` (chosen by `auth`'s Application Default Credentials) acts as; never throws. */
export async function adcIdentity(auth: GoogleAuth, client: AuthClient): Promise<ReadIdentity> {
  const via = adcKind(client);
  // getCredentials reads the key file or the client; only on Google's compute does it ask the metadata server.
  const email = await auth.getCredentials().then(
    (c) => c.client_email,
    () => undefined,
  );
  if (typeof email === 'string' && email !== '') return { principal: email, via };
  const audience = auth.jsonContent !== null && 'audience' in auth.jsonContent ? auth.jsonContent.audience : undefined;
  return { principal: pool(audience) ?? UNKNOWN_ADC_PRINCIPAL, via };
}

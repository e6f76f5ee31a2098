// Google Cloud credentials without a stored secret: a Workload Identity Federation configuration
// (google-auth-library's `external_account` file) with AWS as the identity provider. The library signs
// an sts:GetCallerIdentity request with the function's own AWS credentials (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_REGION, which Lambda sets), exchanges it at Google's
// STS for a federated token and, when the file names a service account, impersonates it. The file holds
// no secret: it is packaged with the functions and named by WARD_GCP_CREDENTIALS.

import { readFileSync } from 'node:fs';
import { ExternalAccountClient, type AuthClient, type ExternalAccountClientOptions } from 'google-auth-library';
import { UserError } from '../../core/errors.js';

export interface FederatedCredentials {
  client: AuthClient;
  /** Who Google sees: the impersonated service account, else the workload identity pool provider. */
  identity: string;
}

interface ExternalAccountFile {
  type?: unknown;
  audience?: unknown;
  token_url?: unknown;
  service_account_impersonation_url?: unknown;
  credential_source?: { environment_id?: unknown; regional_cred_verification_url?: unknown };
}

const IMPERSONATED = /\/serviceAccounts\/([^/:]+):generateAccessToken$/;

function fail(file: string, field: string, problem: string): never {
  throw new UserError(
    `${file}: ${field} ${problem}. WARD_GCP_CREDENTIALS must name a workload identity federation file made by \`gcloud iam workload-identity-pools create-cred-config … --aws\` (README: Deploy to AWS, Google Cloud).`,
  );
}

/** Reads and checks the file; the service account (or pool provider) it acts as. */
export function readFederationFile(file: string): { json: ExternalAccountFile & Record<string, unknown>; identity: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`WARD_GCP_CREDENTIALS names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(file, 'the file', 'is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail(file, 'the file', 'is not a JSON object');
  const config = json as ExternalAccountFile & Record<string, unknown>;
  if (config.type !== 'external_account') {
    return fail(file, '"type"', `is ${JSON.stringify(config.type)}, not "external_account" (a service-account key is a stored secret: use the second choice in the README instead)`);
  }
  if (typeof config.audience !== 'string' || config.audience === '') return fail(file, '"audience"', 'is missing');
  const environment = config.credential_source?.environment_id;
  if (typeof environment !== 'string' || !/^aws\d+$/.test(environment)) {
    return fail(file, '"credential_source.environment_id"', `is ${JSON.stringify(environment)}: Ward's functions federate from AWS ("aws1")`);
  }
  const impersonation = config.service_account_impersonation_url;
  if (impersonation !== undefined && (typeof impersonation !== 'string' || !IMPERSONATED.test(impersonation))) {
    return fail(file, '"service_account_impersonation_url"', 'does not end in /serviceAccounts/<email>:generateAccessToken');
  }
  const serviceAccount = typeof impersonation === 'string' ? decodeURIComponent(IMPERSONATED.exec(impersonation)?.[1] ?? '') : undefined;
  return { json: config, identity: serviceAccount ?? config.audience.replace(/^\/\/iam\.googleapis\.com\//, '') };
}

export function federatedCredentials(file: string, scopes: string[]): FederatedCredentials {
  const { json, identity } = readFederationFile(file);
  // Checked above for what Ward relies on; the library validates the rest of the file. The client is
  // built directly (GoogleAuth's `credentials` option is deprecated in google-auth-library 11).
  const client = ExternalAccountClient.fromJSON(json as unknown as ExternalAccountClientOptions);
  if (client === null) return fail(file, 'the file', 'is not an external-account configuration google-auth-library accepts');
  client.scopes = scopes;
  return { client, identity };
}

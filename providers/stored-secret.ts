// The second choice for Google Cloud and Azure sign-in (federation is the first: README, Deploy to
// AWS): a service-account key or client secret kept in an SSM SecureString or a Secrets Manager
// secret, named by a stack parameter as `ssm:<parameter name>` or `secretsmanager:<secret name or ARN>`.
// Read once per container (the first scan after a cold start) and kept in memory only; the value
// never reaches an error message, a log line or a file.

import { UserError } from '../core/errors.js';

export interface SecretRef {
  store: 'ssm' | 'secretsmanager';
  name: string;
  /** As the operator wrote it: what messages name. */
  text: string;
}

/** `ssm:/ward/gcp-key` or `secretsmanager:ward/azure-client-secret`; `setting` names the variable in errors. */
export function parseSecretRef(text: string, setting: string): SecretRef {
  const match = /^(ssm|secretsmanager):(\S+)$/.exec(text.trim());
  if (match === null) {
    throw new UserError(`${setting} is "${text}": name the secret as ssm:<SecureString parameter name> or secretsmanager:<secret name or ARN>.`);
  }
  return { store: match[1] as SecretRef['store'], name: match[2] ?? '', text: text.trim() };
}

const cache = new Map<string, Promise<string>>();

/** The secret's value, fetched on first use and cached for the container's life. */
export function readStoredSecret(ref: SecretRef): Promise<string> {
  let value = cache.get(ref.text);
  if (value === undefined) {
    value = fetchSecret(ref);
    // A failed read is not cached: the next scan tries again.
    value.catch(() => cache.delete(ref.text));
    cache.set(ref.text, value);
  }
  return value;
}

/** Test hook: forget the values read by this process. */
export function forgetStoredSecrets(): void {
  cache.clear();
}

async function fetchSecret(ref: SecretRef): Promise<string> {
  let value: string | undefined;
  try {
    // Loaded here, not at import: only deployments using the second choice pay for these clients.
    if (ref.store === 'ssm') {
      const { GetParameterCommand, SSMClient } = await import('@aws-sdk/client-ssm');
      const ssm = new SSMClient({});
      try {
        const { Parameter } = await ssm.send(new GetParameterCommand({ Name: ref.name, WithDecryption: true }));
        if (Parameter?.Type !== undefined && Parameter.Type !== 'SecureString') {
          throw new UserError(`${ref.text} is a ${Parameter.Type} parameter: keep a key or client secret in a SecureString (aws ssm put-parameter --type SecureString).`);
        }
        value = Parameter?.Value;
      } finally {
        ssm.destroy();
      }
    } else {
      const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
      const secrets = new SecretsManagerClient({});
      try {
        value = (await secrets.send(new GetSecretValueCommand({ SecretId: ref.name }))).SecretString;
      } finally {
        secrets.destroy();
      }
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    // The SDK's own message (AccessDenied, ParameterNotFound, ResourceNotFoundException) names no value.
    const name = (error as { name?: unknown }).name;
    throw new Error(`Could not read ${ref.text}: ${typeof name === 'string' ? `${name}: ` : ''}${(error as Error).message}`, { cause: error });
  }
  if (value === undefined || value.trim() === '') throw new UserError(`${ref.text} holds no value (a binary Secrets Manager secret is not read: store the text).`);
  return value.trim();
}

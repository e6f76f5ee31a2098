// Classifies Azure failures: ARM's error envelope (`{"error":{"code","message"}}`) as the SDK's
// RestError or Ward's own ArmError, credential problems (a user problem with one clear fix), and
// throttling (retried by the SDK pipeline, reported with the attempts it took when it never ended).

import type { ReadFailure } from '../../core/engine.js';

/** A non-2xx ARM answer to a request Ward sent without an SDK operation (child lists, diagnostic settings). */
export class ArmError extends Error {
  override readonly name = 'ArmError';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

function asErrorLike(error: unknown): ErrorLike {
  return typeof error === 'object' && error !== null ? (error as ErrorLike) : {};
}

export function azureStatus(error: unknown): number | undefined {
  const status = asErrorLike(error).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** ARM's error code (AuthorizationFailed, TooManyRequests, ResourceNotFound…), else the HTTP status or error name. */
export function azureErrorCode(error: unknown): string {
  const e = asErrorLike(error);
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  const status = azureStatus(error);
  if (status === 429) return 'TooManyRequests';
  if (status !== undefined) return `HTTP${status}`;
  if (typeof e.name === 'string' && e.name !== '' && e.name !== 'Error') return e.name;
  return 'UnknownError';
}

export function azureErrorMessage(error: unknown): string {
  const e = asErrorLike(error);
  if (typeof e.message === 'string' && e.message !== '') return e.message.split('\n')[0] ?? e.message;
  return String(error);
}

export function isThrottled(error: unknown): boolean {
  const code = azureErrorCode(error);
  return azureStatus(error) === 429 || code === 'TooManyRequests' || code === 'ResourceCollectionRequestsThrottled' || code === 'ResourceRequestsThrottled';
}

export function isNotFound(error: unknown): boolean {
  const code = azureErrorCode(error);
  return azureStatus(error) === 404 || code === 'ResourceNotFound' || code === 'NotFound';
}

/** The default credential chain found nothing to sign in with. */
export function isMissingCredentials(error: unknown): boolean {
  const name = asErrorLike(error).name;
  return name === 'CredentialUnavailableError' || name === 'AggregateAuthenticationError';
}

/** A credential was found but Microsoft Entra ID refused it (bad secret, expired certificate…). */
export function isAuthenticationFailure(error: unknown): boolean {
  return asErrorLike(error).name === 'AuthenticationError' || isMissingCredentials(error);
}

export const MISSING_CREDENTIALS_MESSAGE =
  'No Azure credentials found. Sign in with `az login`, or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET (a service principal), or run where a managed identity is assigned.';

export function describeAzureFailure(error: unknown, api: string, attempts: number): ReadFailure {
  const code = azureErrorCode(error);
  const message = azureErrorMessage(error);
  const status = azureStatus(error);
  let reason = message;
  if (isThrottled(error)) reason = `still throttled after ${attempts} attempts: ${message}`;
  else if (status !== undefined && status >= 500) reason = `server error ${status} after ${attempts} attempts: ${message}`;
  else if (isMissingCredentials(error)) reason = MISSING_CREDENTIALS_MESSAGE;
  return { api, code, reason };
}

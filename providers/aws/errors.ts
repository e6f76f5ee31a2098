// Classifies AWS SDK errors: throttling (retried by the SDK), missing credentials (a user problem
// with one clear fix) and everything else (an ERROR result for the scope the call covered).

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'PriorRequestNotComplete',
]);

interface ErrorLike {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
}

function asErrorLike(error: unknown): ErrorLike {
  return typeof error === 'object' && error !== null ? (error as ErrorLike) : {};
}

export function errorCode(error: unknown): string {
  const e = asErrorLike(error);
  for (const candidate of [e.Code, e.code, e.name]) {
    if (typeof candidate === 'string' && candidate !== '' && candidate !== 'Error') return candidate;
  }
  return 'UnknownError';
}

export function errorMessage(error: unknown): string {
  const e = asErrorLike(error);
  if (typeof e.message === 'string' && e.message !== '') return e.message;
  return String(error);
}

export function isThrottling(error: unknown): boolean {
  const e = asErrorLike(error);
  return e.$retryable?.throttling === true || THROTTLING_CODES.has(errorCode(error));
}

/** The default credential chain found nothing: the scan cannot start, and the fix is the user's. */
export function isMissingCredentials(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'CredentialsProviderError' || /could not load credentials/i.test(errorMessage(error));
}

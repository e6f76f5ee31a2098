// Classifies errors from the Cloud Asset client: gRPC status codes (the REST transport maps Google's
// JSON error body to them), retries that ran out, and missing Application Default Credentials.

import type { ReadFailure } from '../../core/engine.js';

/** gRPC status names by code, as google.rpc.Code defines them. */
const STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export const Status = {
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** Codes retried with backoff: quota (429), unavailable (503) and timeouts. */
export const RETRY_CODES: readonly number[] = [Status.RESOURCE_EXHAUSTED, Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  details?: unknown;
  reason?: unknown;
  errorInfoMetadata?: unknown;
}

function asErrorLike(error: unknown): ErrorLike {
  return typeof error === 'object' && error !== null ? (error as ErrorLike) : {};
}

export function statusName(code: unknown): string | undefined {
  return typeof code === 'number' && Number.isInteger(code) && code >= 0 && code < STATUS_NAMES.length ? STATUS_NAMES[code] : undefined;
}

/** The human part of a gRPC-style message, without its `7 PERMISSION_DENIED: ` prefix. */
function stripStatusPrefix(message: string): string {
  return message.replace(/^\d+ [A-Z_]+: /, '');
}

function messageOf(error: unknown): string {
  const e = asErrorLike(error);
  if (typeof e.details === 'string' && e.details !== '') return e.details;
  if (typeof e.message === 'string' && e.message !== '') return stripStatusPrefix(e.message);
  return String(error);
}

/** A call that kept failing with a retryable code until Ward's attempts ran out; `cause` is the last error. */
export class RetriesExhausted extends Error {
  override readonly name = 'RetriesExhausted';
  constructor(
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(`gave up after ${attempts} attempts: ${messageOf(cause)}`);
  }
}

export function errorCode(error: unknown): string {
  if (error instanceof RetriesExhausted) return errorCode(error.cause);
  const e = asErrorLike(error);
  const name = statusName(e.code);
  if (name !== undefined) return name;
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  if (typeof e.code === 'number') return `HTTP_${e.code}`;
  return 'UNKNOWN';
}

/** Classifies a failed read for the coverage list and the scope's ERROR results. */
export function describeGcpFailure(error: unknown, api: string): ReadFailure {
  if (error instanceof RetriesExhausted) {
    const last = describeGcpFailure(error.cause, api);
    const verb = last.code === 'RESOURCE_EXHAUSTED' ? 'still throttled' : 'still failing';
    return { api, code: last.code, reason: `${verb} after ${error.attempts} attempts: ${last.reason}` };
  }
  const e = asErrorLike(error);
  let reason = messageOf(error);
  const metadata = typeof e.errorInfoMetadata === 'object' && e.errorInfoMetadata !== null ? (e.errorInfoMetadata as Record<string, unknown>) : {};
  const permission = metadata['permission'];
  if (typeof permission === 'string' && permission !== '' && !reason.includes(permission)) reason += ` (needs ${permission})`;
  return { api, code: errorCode(error), reason };
}

/** google-auth-library found no Application Default Credentials. */
export function isMissingCredentials(error: unknown): boolean {
  const message = asErrorLike(error).message;
  return typeof message === 'string' && /could not load the default credentials/i.test(message);
}

export function errorMessage(error: unknown): string {
  return messageOf(error);
}

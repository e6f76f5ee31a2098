// Delivers one rendered message to a Slack incoming webhook, with retries.
//
// The webhook URL is a credential: whoever has it can post to the channel. It never appears in a
// returned reason or a thrown error — errors from fetch itself embed the URL, so every text that
// leaves this module goes through redactWebhook first.

import type { SlackMessage } from './slack-message.js';

export type SlackDelivery =
  | { delivered: true; attempts: number }
  | { delivered: false; attempts: number; status?: number; reason: string; retryable: boolean };

export interface DeliveryOptions {
  /** Total tries, the first included (default 4). */
  maxAttempts?: number;
  /** First backoff ceiling for 5xx and network errors; doubles per attempt (default 1000 ms). */
  baseDelayMs?: number;
  /** Longest wait between attempts, Retry-After included (default 30 000 ms). */
  maxDelayMs?: number;
  /** Per attempt, response body included (default 10 000 ms). */
  timeoutMs?: number;
  /** Injected in tests to record waits instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1) (default Math.random). */
  random?: () => number;
}

export const DELIVERY_DEFAULTS = {
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  timeoutMs: 10_000,
} as const;

const REDACTED = '[webhook]';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** How much of Slack's error body goes into a reason. */
const BODY_IN_REASON = 200;

/**
 * Replaces every occurrence of the webhook URL in `text` — whole, normalised, percent-encoded, or
 * only its path (which holds the secret) — by "[webhook]".
 */
export function redactWebhook(text: string, url: string): string {
  const needles = new Set<string>();
  const add = (s: string | undefined): void => {
    // Very short needles ("", "/") would shred unrelated text and hide nothing secret.
    if (s !== undefined && s.length >= 4) needles.add(s);
  };
  add(url);
  add(url.trim());
  try {
    const parsed = new URL(url.trim());
    add(parsed.href);
    add(parsed.href.replace(/\/$/, ''));
    add(parsed.pathname + parsed.search);
    add(parsed.pathname);
    const lastSegment = parsed.pathname.split('/').filter((p) => p !== '').pop();
    // The final path segment of a Slack webhook is the secret token.
    if (lastSegment !== undefined && lastSegment.length >= 8) add(lastSegment);
  } catch {
    // Not a URL: the raw string is still redacted.
  }
  for (const n of [...needles]) {
    add(encodeURIComponent(n));
    add(encodeURI(n));
  }
  // Longest first, so a full URL is replaced whole rather than leaving its host behind.
  let out = text;
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) out = out.split(needle).join(REDACTED);
  return out;
}

/**
 * Checks that `url` can be a webhook: https, or plain http to a loopback host (tests, the sandbox).
 * Returns the parsed URL. The error thrown never contains the URL.
 */
export function validateWebhookUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    // Node's own error carries the input; a fresh one does not.
    throw new Error('Slack webhook URL is not a valid URL');
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)) return parsed;
  if (parsed.protocol === 'http:') {
    throw new Error('Slack webhook URL must use https (plain http is allowed only for 127.0.0.1, localhost and [::1])');
  }
  throw new Error(`Slack webhook URL must use https, not ${JSON.stringify(parsed.protocol.replace(/:$/, '').slice(0, 20))}`);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function positiveInt(value: number | undefined, fallback: number, min: number): number {
  return value !== undefined && Number.isFinite(value) ? Math.max(min, Math.floor(value)) : fallback;
}

/** Retry-After as milliseconds: delta-seconds, or an HTTP date. Undefined when absent or unparseable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Slack incoming webhooks answer "ok"; workflow webhooks answer {"ok":true}. */
function isOkBody(body: string): boolean {
  const trimmed = body.trim();
  if (trimmed === 'ok') return true;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return typeof parsed === 'object' && parsed !== null && (parsed as { ok?: unknown }).ok === true;
  } catch {
    return false;
  }
}

function describeBody(body: string): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return '(empty body)';
  return oneLine.length > BODY_IN_REASON ? `${oneLine.slice(0, BODY_IN_REASON)}…` : oneLine;
}

/** A fetch failure as text: the error, then its causes (undici puts the useful part, e.g. ECONNREFUSED, there). */
function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `timed out after ${timeoutMs} ms`;
  }
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof Error) {
      const code = (current as Error & { code?: unknown }).code;
      parts.push(typeof code === 'string' && !current.message.includes(code) ? `${current.message} (${code})` : current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(': ') || 'unknown error';
}

type Attempt =
  | { kind: 'delivered' }
  | { kind: 'retry'; status?: number; reason: string; retryAfterMs?: number }
  | { kind: 'fail'; status?: number; reason: string };

async function attemptOnce(url: string, body: string, timeoutMs: number): Promise<Attempt> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
      // A redirect would carry the payload somewhere Slack did not name; treat it as a failure.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    return { kind: 'retry', reason: describeError(error, timeoutMs) };
  }
  const status = response.status;
  if (status >= 200 && status < 300) {
    if (isOkBody(text)) return { kind: 'delivered' };
    // Slack may have posted the message: retrying could post it twice.
    return { kind: 'fail', status, reason: `unexpected answer from Slack (HTTP ${status}): ${describeBody(text)}` };
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return { kind: 'retry', status, reason: `rate limited by Slack (HTTP 429): ${describeBody(text)}`, retryAfterMs };
  }
  if (status >= 500 || status === 408) {
    return { kind: 'retry', status, reason: `Slack is unavailable (HTTP ${status}): ${describeBody(text)}` };
  }
  if (status >= 300 && status < 400) {
    return { kind: 'fail', status, reason: `webhook answered with a redirect (HTTP ${status}); not followed` };
  }
  return { kind: 'fail', status, reason: `Slack rejected the message (HTTP ${status}): ${describeBody(text)}` };
}

/**
 * POSTs `message` to the webhook. Never rejects: every outcome, a bad URL included, is a
 * SlackDelivery, and no text in it contains the webhook URL.
 *
 * - 2xx with "ok": delivered.
 * - 429: waits Retry-After (capped by maxDelayMs; backoff when absent), then retries.
 * - 5xx, 408, network errors and timeouts: exponential backoff with full jitter, then retries.
 * - Other answers (400 invalid_payload, 403 invalid_token, 404 no_service, 410 channel_is_archived,
 *   redirects, a 2xx that is not "ok"): not retried, retryable: false.
 */
export async function deliverToSlack(webhookUrl: string, message: SlackMessage, options: DeliveryOptions = {}): Promise<SlackDelivery> {
  const maxAttempts = positiveInt(options.maxAttempts, DELIVERY_DEFAULTS.maxAttempts, 1);
  const baseDelayMs = positiveInt(options.baseDelayMs, DELIVERY_DEFAULTS.baseDelayMs, 0);
  const maxDelayMs = positiveInt(options.maxDelayMs, DELIVERY_DEFAULTS.maxDelayMs, 0);
  const timeoutMs = positiveInt(options.timeoutMs, DELIVERY_DEFAULTS.timeoutMs, 1);
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const redact = (text: string): string => redactWebhook(text, webhookUrl);

  let attempts = 0;
  try {
    const url = validateWebhookUrl(webhookUrl).href;
    const body = JSON.stringify(message);
    for (;;) {
      attempts += 1;
      const outcome = await attemptOnce(url, body, timeoutMs);
      if (outcome.kind === 'delivered') return { delivered: true, attempts };
      if (outcome.kind === 'fail') {
        return { delivered: false, attempts, ...statusOf(outcome.status), reason: redact(outcome.reason), retryable: false };
      }
      if (attempts >= maxAttempts) {
        const reason = `${outcome.reason}; gave up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`;
        return { delivered: false, attempts, ...statusOf(outcome.status), reason: redact(reason), retryable: true };
      }
      const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempts - 1));
      const delay = outcome.retryAfterMs !== undefined ? Math.min(outcome.retryAfterMs, maxDelayMs) : Math.floor(random() * backoff);
      await sleep(delay);
    }
  } catch (error) {
    // A bad URL, or something unexpected (a failing injected sleep): reported, never thrown.
    const reason = error instanceof Error ? error.message : String(error);
    return { delivered: false, attempts, reason: redact(reason), retryable: false };
  }
}

function statusOf(status: number | undefined): { status?: number } {
  return status === undefined ? {} : { status };
}

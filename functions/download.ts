// Lambda `download`, behind its Function URL: the door of the lasting download links. A link is
// `<Function URL>?t=<token>`; the function checks the token (KMS MAC, expiry, an evidence key) and
// answers with a redirect to a pre-signed URL of a few minutes, signed with its own credentials of
// the moment — so the link works for as long as its token says, not as long as some signer's
// temporary credentials lived. A refused link gets a plain reason, never a stack trace.

import { checkDownloadToken, REDIRECT_SECONDS, type LinkMac } from '../app/download-token.js';
import type { BlobStore } from '../core/store/blob.js';
import { lazyKmsLinkMac } from '../app/lasting-links.js';
import { directStore, log, setting, type LambdaContext } from './runtime.js';

export interface DownloadResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Nothing here may be cached or leak the token onwards in a Referer. */
const HEADERS = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' };

function refuse(statusCode: number, reason: string, extra: Record<string, string> = {}): DownloadResponse {
  return { statusCode, headers: { ...HEADERS, 'content-type': 'text/plain; charset=utf-8', ...extra }, body: `${reason}\n` };
}

interface FunctionUrlEvent {
  requestContext?: { http?: { method?: unknown } };
  queryStringParameters?: Record<string, unknown> | null;
}

function methodOf(event: FunctionUrlEvent): string {
  const method = event.requestContext?.http?.method;
  return typeof method === 'string' ? method.toUpperCase() : '';
}

/** The whole answer, given the MAC, the store and the time: what the handler and its tests share. */
export async function answerDownload(event: unknown, mac: LinkMac, blobs: BlobStore, now: Date): Promise<DownloadResponse> {
  const request = (typeof event === 'object' && event !== null ? event : {}) as FunctionUrlEvent;
  const method = methodOf(request);
  if (method !== 'GET' && method !== 'HEAD') return refuse(405, 'Only GET is answered here.', { allow: 'GET, HEAD' });
  const params = request.queryStringParameters;
  const token = params !== null && params !== undefined && Object.hasOwn(params, 't') ? params['t'] : undefined;
  if (typeof token !== 'string' || token === '') return refuse(400, 'This address needs a download link token (?t=…); use the whole link you were given.');
  const check = await checkDownloadToken(mac, token, now);
  if (!check.ok) {
    log('download.refused', { reason: check.reason });
    return refuse(403, check.reason);
  }
  const location = await blobs.downloadLink(check.key, REDIRECT_SECONDS);
  // The key is evidence's name, safe to log; the token and the pre-signed URL are bearer credentials.
  log('download.redirect', { key: check.key });
  return { statusCode: 302, headers: { ...HEADERS, location }, body: '' };
}

export async function handler(event: unknown, context?: LambdaContext): Promise<DownloadResponse> {
  const keyId = setting('WARD_DOWNLOAD_LINK_KEY_ID', context);
  if (keyId === undefined) {
    log('download.unconfigured');
    return refuse(503, 'Downloads are not configured on this deployment.');
  }
  try {
    return await answerDownload(event, lazyKmsLinkMac(keyId), directStore(context).blobs, new Date());
  } catch (error) {
    // The reason goes to the logs by its name only (an SDK error can quote the request); the visitor gets a plain line.
    log('download.failed', { error: (error as { name?: string }).name ?? 'Error' });
    return refuse(502, 'The file could not be fetched just now. Try the link again in a minute.');
  }
}

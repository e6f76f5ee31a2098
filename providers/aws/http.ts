// The HTTP layer under every AWS SDK client Ward builds: a connection timeout, a timeout per attempt
// that covers the whole response body (a server trickling bytes never resets it, unlike the SDK's
// idle socket timeout), the read's own deadline (core/limits.ts), and a cap on one response body so
// a hostile 10 MB page cannot take the scanner's memory with it. Kept apart from clients.ts so other
// client settings (e.g. a shared keep-alive agent) can merge with it.

import { Transform, type Readable } from 'node:stream';
import { NodeHttpHandler, type NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import type { HttpHandlerOptions } from '@smithy/types';
import { currentReadSignal, ReadLimitError, readLimits, type ReadLimits } from '../../core/limits.js';

type HandleArgs = Parameters<NodeHttpHandler['handle']>;
type HandleResult = Awaited<ReturnType<NodeHttpHandler['handle']>>;

/** Counts bytes through; fails the stream past `cap`, and calls `done` once however the stream ends. */
function capped(body: Readable, cap: number, done: () => void): Transform {
  let bytes = 0;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > cap) callback(new ReadLimitError('PageTooLarge', `a response body exceeded ${cap} bytes (WARD_MAX_PAGE_BYTES); the page was not parsed`));
      else callback(null, chunk);
    },
  });
  body.on('error', (error) => out.destroy(error));
  out.on('close', done);
  out.on('error', () => body.destroy());
  return body.pipe(out);
}

/** A NodeHttpHandler bounded in time and bytes per attempt (see the module comment). */
export class BoundedHttpHandler extends NodeHttpHandler {
  constructor(
    private readonly limits: ReadLimits,
    options: NodeHttpHandlerOptions = {},
  ) {
    super({ connectionTimeout: limits.connectTimeoutMs, ...options });
  }

  override async handle(request: HandleArgs[0], options: HttpHandlerOptions = {}): Promise<HandleResult> {
    const attempt = new AbortController();
    const timer = setTimeout(
      () => attempt.abort(new ReadLimitError('AttemptTimeout', `no complete response within ${this.limits.attemptTimeoutMs / 1000} s (WARD_ATTEMPT_TIMEOUT_MS)`)),
      this.limits.attemptTimeoutMs,
    );
    const signals = [attempt.signal, currentReadSignal(), options.abortSignal as AbortSignal | undefined].filter((s): s is AbortSignal => s !== undefined);
    try {
      const result = await super.handle(request, { ...options, abortSignal: AbortSignal.any(signals) });
      const body = result.response.body as Readable | undefined;
      if (body === undefined || typeof body.pipe !== 'function') {
        clearTimeout(timer);
        return result;
      }
      result.response.body = capped(body, this.limits.maxPageBytes, () => clearTimeout(timer));
      return result;
    } catch (error) {
      clearTimeout(timer);
      throw error;
    }
  }
}

/** The request handler setting for an AWS SDK client config. */
export function boundedRequestHandler(limits: ReadLimits = readLimits()): { requestHandler: BoundedHttpHandler } {
  return { requestHandler: new BoundedHttpHandler(limits) };
}

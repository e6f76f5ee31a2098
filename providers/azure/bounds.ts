// Bounds on every Azure Resource Manager request (see core/limits.ts): an attempt timeout that also
// covers the body, the read's deadline, a cap on one response body, and same-origin only. The SDK's
// pagers and Ward's own follow `nextLink` URLs taken from response bodies; a next link to another host
// would receive the `Authorization: Bearer` token, so every request must go to the configured endpoint.

import type { PipelinePolicy, PipelineResponse } from '@azure/core-rest-pipeline';
import { attemptSignal, ReadLimitError, type ReadLimits } from '../../core/limits.js';

/** Reads a streamed body as text, failing past `cap` bytes. */
async function cappedText(stream: NodeJS.ReadableStream, cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buffer.length;
    if (bytes > cap) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw new ReadLimitError('PageTooLarge', `an Azure Resource Manager response body exceeded ${cap} bytes (WARD_MAX_PAGE_BYTES); the page was not parsed`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function boundedArmPolicy(endpoint: string, limits: ReadLimits): PipelinePolicy {
  const origin = new URL(endpoint).origin;
  return {
    name: 'wardBounds',
    async sendRequest(request, next): Promise<PipelineResponse> {
      let target: string;
      try {
        target = new URL(request.url).origin;
      } catch {
        target = '(not a URL)';
      }
      if (target !== origin) {
        // Name the host only: the rest of a hostile link is not worth echoing.
        throw new ReadLimitError('ForeignNextLink', `refused to send a request (a nextLink) to ${target}, which is not the configured endpoint ${origin}: it would receive the bearer token`);
      }
      // In Node the pipeline hands over a real AbortSignal (AbortSignalLike is its browser-neutral type).
      request.abortSignal = attemptSignal(limits.attemptTimeoutMs, request.abortSignal as AbortSignal | undefined);
      // Stream every body so its size can be bounded before it is held in memory.
      request.streamResponseStatusCodes = new Set([Number.POSITIVE_INFINITY]);
      const response = await next(request);
      const stream = response.readableStreamBody;
      if (stream !== undefined) {
        delete response.readableStreamBody;
        response.bodyAsText = await cappedText(stream, limits.maxPageBytes);
      }
      return response;
    },
  };
}

// A real HTTP server standing in for Slack's incoming-webhook endpoint.

import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackReceiver {
  /** The webhook URL, with a secret-looking path as Slack's have. */
  url: string;
  /** Every JSON payload received, accepted or not. */
  payloads: Array<{ text: string; blocks: unknown[] }>;
  /** The payloads answered 200 "ok": what the channel shows. */
  accepted: Array<{ text: string; blocks: unknown[] }>;
  /** Status codes to answer with, in order; once used up, 200 "ok". */
  script: number[];
  /** Wait this long before answering (a slow Slack). */
  delayMs: number;
  /** Never answer this many of the next requests, and post nothing for them (a hanging Slack). */
  hang: number;
  close(): Promise<void>;
}

export const SECRET_PATH = '/services/T0WARD000/B0WARD000/s3cr3tW3bh00kT0k3n';

export async function startSlackReceiver(): Promise<SlackReceiver> {
  const receiver: Omit<SlackReceiver, 'url' | 'close'> = { payloads: [], accepted: [], script: [], delayMs: 0, hang: 0 };
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== SECRET_PATH) {
        res.writeHead(404).end('no_service');
        return;
      }
      if (receiver.hang > 0) {
        receiver.hang -= 1;
        hanging.push(res);
        return;
      }
      const payload = JSON.parse(body) as { text: string; blocks: unknown[] };
      receiver.payloads.push(payload);
      const status = receiver.script.shift() ?? 200;
      const answer = () => {
        // A message Slack answered 200 is in the channel, whether or not the sender heard the answer.
        if (status === 200) receiver.accepted.push(payload);
        if (status === 429) res.setHeader('retry-after', '1');
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : status === 429 ? 'rate_limited' : 'internal_error');
      };
      if (receiver.delayMs > 0) setTimeout(answer, receiver.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}${SECRET_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

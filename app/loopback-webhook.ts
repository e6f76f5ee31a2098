// A Slack webhook on 127.0.0.1 that keeps what it is sent and when: `npm start` prints the change
// demo's message from it instead of posting anywhere, and the bench times event → message with it.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SlackMessage } from '../alerts/slack-message.js';

export interface LoopbackWebhook {
  url: string;
  /** Each message as posted, with `performance.now()` when its body had arrived. */
  received: Array<{ message: SlackMessage; at: number }>;
  close(): Promise<void>;
}

export async function loopbackWebhook(): Promise<LoopbackWebhook> {
  const received: LoopbackWebhook['received'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ message: JSON.parse(body) as SlackMessage, at: performance.now() });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/loopback-webhook`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

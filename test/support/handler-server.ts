// Serves one sandbox request handler (Cloud Asset or ARM) on a local port, for its own tests.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HandlerServer {
  base: string;
  close(): Promise<void>;
}

export async function serveHandler(handle: (req: IncomingMessage, res: ServerResponse, body: string) => boolean): Promise<HandlerServer> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (!handle(req, res, body)) {
        res.statusCode = 404;
        res.end('not handled');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

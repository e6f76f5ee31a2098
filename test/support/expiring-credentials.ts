// Temporary credentials that expire, in front of an S3-compatible server. s3rver knows nothing of
// sessions; this gate does what S3 does with an STS session's keys: a request signed with them
// (header or pre-signed URL) must carry the session token, and once the session has expired S3
// refuses it with 400 ExpiredToken — however long the pre-signed URL's X-Amz-Expires still runs.

import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Keys of a session lasting `lifetimeMs` from now. (Not ASIA…: the sandbox would refuse temporary keys it did not issue.) */
export function newSession(lifetimeMs: number): Session {
  return {
    accessKeyId: `WARDSESSION${randomBytes(5).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: randomBytes(48).toString('base64'),
    expiration: new Date(Date.now() + lifetimeMs),
  };
}

export interface SessionGate {
  url: string;
  /** Requests refused because their session had expired. */
  expired: number;
  close(): Promise<void>;
}

function xmlError(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

export async function startSessionGate(upstream: string, sessions: readonly Session[]): Promise<SessionGate> {
  const target = new URL(upstream);
  const state = { expired: 0 };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gate.invalid');
    const credential = /Credential=([^,\s/]+)/.exec(req.headers.authorization ?? '')?.[1] ?? url.searchParams.get('X-Amz-Credential')?.split('/')[0];
    const session = sessions.find((s) => s.accessKeyId === credential);
    if (session !== undefined) {
      const token = url.searchParams.get('X-Amz-Security-Token') ?? req.headers['x-amz-security-token'];
      if (token !== session.sessionToken) {
        res.writeHead(403, { 'content-type': 'application/xml' }).end(xmlError('InvalidToken', 'The provided token is malformed or otherwise invalid.'));
        req.resume();
        return;
      }
      if (Date.now() >= session.expiration.getTime()) {
        state.expired += 1;
        res.writeHead(400, { 'content-type': 'application/xml' }).end(xmlError('ExpiredToken', 'The provided token has expired.'));
        req.resume();
        return;
      }
    }
    const forward = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get expired() {
      return state.expired;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

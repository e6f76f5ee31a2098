import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverToSlack, parseRetryAfter, redactWebhook, validateWebhookUrl, type SlackDelivery } from './slack-delivery.js';
import type { SlackMessage } from './slack-message.js';

const SECRET_PATH = '/services/T000/B000/XXXXsecretXXXX';

const message: SlackMessage = {
  text: 'Ward: 1 new finding (1 high)',
  blocks: [
    { type: 'header', text: { type: 'plain_text', text: 'Ward: 1 new finding', emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: '*HIGH* · New', verbatim: true } },
  ],
};

interface Received {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string;
}

type Reply = { status: number; body: string; headers?: Record<string, string> } | 'hang';

/** Stands in for Slack's webhook endpoint: answers with the scripted replies in order, the last one forever. */
class FakeSlack {
  readonly received: Received[] = [];
  private server: Server | undefined;
  private replies: Reply[] = [{ status: 200, body: 'ok' }];

  script(...replies: Reply[]): void {
    this.replies = replies;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${SECRET_PATH}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.received.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
    const reply = this.replies.length > 1 ? this.replies.shift() : this.replies[0];
    if (reply === undefined || reply === 'hang') return;
    res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
    res.end(reply.body);
  }
}

function sleepRecorder(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

function expectNoSecret(result: SlackDelivery, url: string): void {
  const serialised = JSON.stringify(result);
  expect(serialised).not.toContain(url);
  expect(serialised).not.toContain(SECRET_PATH);
  expect(serialised).not.toContain('XXXXsecretXXXX');
}

describe('deliverToSlack against a local webhook', () => {
  let slack: FakeSlack;
  let url: string;

  beforeEach(async () => {
    slack = new FakeSlack();
    url = await slack.start();
  });

  afterEach(async () => {
    await slack.stop();
  });

  it('delivers on the first try with the message as JSON', async () => {
    const { sleep, waits } = sleepRecorder();
    const result = await deliverToSlack(url, message, { sleep });
    expect(result).toEqual({ delivered: true, attempts: 1 });
    expect(waits).toEqual([]);
    expect(slack.received).toHaveLength(1);
    const [request] = slack.received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(SECRET_PATH);
    expect(request?.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(request?.body ?? '')).toEqual(message);
  });

  it('honours Retry-After on 429, then delivers the identical payload', async () => {
    slack.script({ status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } }, { status: 200, body: 'ok' });
    const { sleep, waits } = sleepRecorder();
    const result = await deliverToSlack(url, message, { sleep, baseDelayMs: 10, random: () => 0 });
    expect(result).toEqual({ delivered: true, attempts: 2 });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(1000);
    expect(slack.received).toHaveLength(2);
    expect(slack.received[0]?.body).toBe(slack.received[1]?.body);
  });

  it('caps Retry-After by maxDelayMs', async () => {
    slack.script({ status: 429, body: 'rate_limited', headers: { 'retry-after': '3600' } }, { status: 200, body: 'ok' });
    const { sleep, waits } = sleepRecorder();
    const result = await deliverToSlack(url, message, { sleep, maxDelayMs: 5000 });
    expect(result.delivered).toBe(true);
    expect(waits).toEqual([5000]);
  });

  it('retries 5xx with exponential backoff and full jitter, and delivers within maxAttempts', async () => {
    slack.script(
      { status: 500, body: 'internal_error' },
      { status: 500, body: 'internal_error' },
      { status: 500, body: 'internal_error' },
      { status: 200, body: 'ok' },
    );
    const { sleep, waits } = sleepRecorder();
    const result = await deliverToSlack(url, message, { sleep, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250, random: () => 0.999 });
    expect(result).toEqual({ delivered: true, attempts: 4 });
    // Ceilings 100, 200, 400→capped 250; the jitter draws just under each.
    expect(waits).toEqual([99, 199, 249]);
    expect(slack.received).toHaveLength(4);
  });

  it('gives up on endless 5xx after maxAttempts, as a retryable failure', async () => {
    slack.script({ status: 503, body: 'service_unavailable' });
    const { sleep, waits } = sleepRecorder();
    const result = await deliverToSlack(url, message, { sleep, maxAttempts: 3 });
    expect(result).toMatchObject({ delivered: false, attempts: 3, status: 503, retryable: true });
    expect(result.delivered === false && result.reason).toContain('service_unavailable');
    expect(waits).toHaveLength(2);
    expect(slack.received).toHaveLength(3);
    expectNoSecret(result, url);
  });

  it.each([
    [400, 'invalid_payload'],
    [403, 'invalid_token'],
    [404, 'no_service'],
    [410, 'channel_is_archived'],
  ])('does not retry HTTP %i %s', async (status, error) => {
    slack.script({ status, body: error });
    const { sleep, waits } = sleepRecorder();
    const result = await deliverToSlack(url, message, { sleep });
    expect(result).toMatchObject({ delivered: false, attempts: 1, status, retryable: false });
    expect(result.delivered === false && result.reason).toContain(error);
    expect(waits).toEqual([]);
    expect(slack.received).toHaveLength(1);
    expectNoSecret(result, url);
  });

  it('does not retry a 2xx that is not "ok" (Slack may have posted it)', async () => {
    slack.script({ status: 200, body: 'something else' });
    const result = await deliverToSlack(url, message, { sleep: async () => {} });
    expect(result).toMatchObject({ delivered: false, attempts: 1, status: 200, retryable: false });
  });

  it('does not follow redirects', async () => {
    slack.script({ status: 302, body: '', headers: { location: 'http://127.0.0.1:1/elsewhere' } });
    const result = await deliverToSlack(url, message, { sleep: async () => {} });
    expect(result).toMatchObject({ delivered: false, attempts: 1, status: 302, retryable: false });
    expect(slack.received).toHaveLength(1);
  });

  it('times out a webhook that never answers, and retries', async () => {
    slack.script('hang');
    const { sleep, waits } = sleepRecorder();
    const result = await deliverToSlack(url, message, { sleep, maxAttempts: 2, timeoutMs: 50 });
    expect(result).toMatchObject({ delivered: false, attempts: 2, retryable: true });
    expect(result.delivered === false && result.reason).toContain('timed out after 50 ms');
    expect(waits).toHaveLength(1);
    expectNoSecret(result, url);
  });
});

describe('deliverToSlack without a server', () => {
  it('treats connection refused as retryable, and the reason never holds the URL', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const url = `http://127.0.0.1:${port}${SECRET_PATH}`;

    const { sleep, waits } = sleepRecorder();
    const result = await deliverToSlack(url, message, { sleep, maxAttempts: 3 });
    expect(result).toMatchObject({ delivered: false, attempts: 3, retryable: true });
    expect(result.delivered === false && result.reason).toMatch(/ECONNREFUSED/);
    expect(result).not.toHaveProperty('status');
    expect(waits).toHaveLength(2);
    expectNoSecret(result, url);
  });

  it('reports an invalid URL without throwing and without echoing it', async () => {
    for (const bad of [`http://hooks.slack.com${SECRET_PATH}`, `ftp://x${SECRET_PATH}`, `not a url ${SECRET_PATH}`]) {
      const result = await deliverToSlack(bad, message, { sleep: async () => {} });
      expect(result).toMatchObject({ delivered: false, attempts: 0, retryable: false });
      expectNoSecret(result, bad);
    }
  });
});

describe('redactWebhook', () => {
  const url = `https://hooks.slack.com${SECRET_PATH}`;

  it('replaces the URL, its path and its token', () => {
    expect(redactWebhook(`Failed to parse URL from ${url}`, url)).toBe('Failed to parse URL from [webhook]');
    expect(redactWebhook(`POST ${SECRET_PATH} failed`, url)).toBe('POST [webhook] failed');
    expect(redactWebhook(`token XXXXsecretXXXX leaked`, url)).toBe('token [webhook] leaked');
    expect(redactWebhook(`encoded ${encodeURIComponent(url)}`, url)).toBe('encoded [webhook]');
    expect(redactWebhook('nothing to hide', url)).toBe('nothing to hide');
  });

  it('leaves text alone when the URL is trivial', () => {
    expect(redactWebhook('a/b/c', '/')).toBe('a/b/c');
    expect(redactWebhook('text', '')).toBe('text');
  });
});

describe('validateWebhookUrl', () => {
  it('accepts https and loopback http', () => {
    expect(validateWebhookUrl(`https://hooks.slack.com${SECRET_PATH}`).hostname).toBe('hooks.slack.com');
    for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080']) {
      expect(validateWebhookUrl(`http://${host}${SECRET_PATH}`).protocol).toBe('http:');
    }
  });

  it.each([`http://hooks.slack.com${SECRET_PATH}`, `http://10.0.0.1${SECRET_PATH}`, `ftp://x${SECRET_PATH}`, `hooks.slack.com${SECRET_PATH}`, ''])(
    'rejects %s without echoing it',
    (bad) => {
      let thrown: unknown;
      try {
        validateWebhookUrl(bad);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Error);
      const error = thrown as Error;
      expect(error.message).not.toContain('secret');
      expect(error.message).not.toContain(SECRET_PATH);
      expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('XXXXsecretXXXX');
      expect(error.cause).toBeUndefined();
    },
  );
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('1')).toBe(1000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('Wed, 01 May 2024 08:00:10 GMT', Date.parse('2024-05-01T08:00:00Z'))).toBe(10_000);
  });
});

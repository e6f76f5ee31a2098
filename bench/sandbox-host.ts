// Hosts a scenario's sandbox: in this process, or (the default) in a child process of its own, so the
// sandbox's CPU does not compete with the scanner's event loop (2 cores: one each).
//
// AWS worlds run on sandbox/server.ts as they are. The Google Cloud and Azure handlers answer
// synchronously and the sandbox server does not apply the world's `latencyMs` to them, so a world with
// only a Google Cloud or Azure part is served here by the same handlers behind a server that waits
// `latencyMs` first, as sandbox/server.ts does for AWS.
//
// Server-side, every request is tracked (diagnostics_channel) to measure how many were in flight.

import { fork } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { handleAzureRequest } from '../sandbox/azure/handler.js';
import { SANDBOX_ACCESS_KEY_ID } from '../sandbox/env.js';
import { handleGcpRequest } from '../sandbox/gcp/handler.js';
import { DEFAULT_REGIONS, planGeneration } from '../sandbox/generate.js';
import { startSandbox } from '../sandbox/server.js';
import type { World } from '../sandbox/types.js';

export interface SandboxSnapshot {
  requests: number;
  throttled: number;
  errors: number;
  byApi: Record<string, number>;
  throttledByApi: Record<string, number>;
  /** ∫ requests in flight dt, server side (seconds × requests): ÷ wall time = mean requests in flight. */
  busySeconds: number;
  maxInFlight: number;
  /** CPU of the process hosting the sandbox since it became ready (includes the scanner when in process). */
  cpuSeconds: number;
  peakRssMb: number;
}

export interface BenchSandbox {
  url: string;
  /** `process` (a child process of its own) or `in-process`. */
  mode: 'process' | 'in-process';
  snapshot(): Promise<SandboxSnapshot>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------- in-flight tracking

class InFlight {
  private current = 0;
  private at = performance.now();
  busyMs = 0;
  max = 0;

  private tick(): void {
    const now = performance.now();
    this.busyMs += this.current * (now - this.at);
    this.at = now;
  }

  start(): void {
    this.tick();
    this.current += 1;
    if (this.current > this.max) this.max = this.current;
  }

  finish(): void {
    this.tick();
    this.current = Math.max(0, this.current - 1);
  }

  reset(): void {
    this.tick();
    this.busyMs = 0;
    this.max = this.current;
  }

  busySeconds(): number {
    this.tick();
    return this.busyMs / 1000;
  }
}

const inFlight = new InFlight();
let tracking = false;

function track(): void {
  if (tracking) return;
  tracking = true;
  subscribe('http.server.request.start', () => inFlight.start());
  subscribe('http.server.response.finish', () => inFlight.finish());
}

/** Peak resident set size of this process so far (the kernel's high-water mark), in MB. */
export function peakRssMb(): number {
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1] !== undefined) return Number(match[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}

// ------------------------------------------------------------------- Google Cloud / Azure with latency

interface Counters {
  requests: number;
  throttled: number;
  errors: number;
  byApi: Record<string, number>;
  throttledByApi: Record<string, number>;
}

function newCounters(): Counters {
  return { requests: 0, throttled: 0, errors: 0, byApi: {}, throttledByApi: {} };
}

/** A name per kind of request, for the per-API counts. */
function cloudApi(url: URL): string {
  const path = url.pathname;
  if (path.startsWith('/v1/')) {
    const types = url.searchParams.getAll('assetTypes').map((t) => t.split('/').pop() ?? t);
    const content = url.searchParams.get('contentType') === '2' || url.searchParams.get('contentType') === 'IAM_POLICY' ? ' IAM_POLICY' : '';
    return `cloudasset:ListAssets(${types.join(',')}${content})`;
  }
  const lower = path.toLowerCase();
  if (lower === '/subscriptions') return 'arm:LIST subscriptions';
  if (/^\/subscriptions\/[^/]+$/.test(lower)) return 'arm:GET subscription';
  if (/^\/subscriptions\/[^/]+\/resources$/.test(lower)) {
    const filter = /resourceType eq '([^']+)'/i.exec(url.searchParams.get('$filter') ?? '')?.[1];
    return `arm:LIST ${filter ?? 'resources'}`;
  }
  if (lower.includes('/diagnosticsettings')) return 'arm:GET diagnosticSettings';
  if (lower.endsWith('/firewallrules')) return 'arm:LIST firewallRules';
  const provider = /\/providers\/([^/]+\/[^/]+)\//i.exec(path)?.[1];
  return `arm:GET ${provider ?? 'resource'}`;
}

function latencyOf(world: World): () => number {
  const latency = world.latencyMs;
  if (latency === undefined) return () => 0;
  if (typeof latency === 'number') return () => latency;
  return () => latency.min + Math.floor(Math.random() * (latency.max - latency.min + 1));
}

async function startCloudServer(world: World): Promise<{ url: string; counters: Counters; close(): Promise<void> }> {
  const counters = newCounters();
  const latency = latencyOf(world);
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    await sleep(latency());
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const handled =
      (world.gcp !== undefined && url.pathname.startsWith('/v1/') && handleGcpRequest(req, res, body, world.gcp)) ||
      (world.azure !== undefined && url.pathname.toLowerCase().startsWith('/subscriptions') && handleAzureRequest(req, res, body, world.azure));
    if (!handled) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not simulated here\n');
      return;
    }
    const api = cloudApi(url);
    counters.requests += 1;
    counters.byApi[api] = (counters.byApi[api] ?? 0) + 1;
    if (res.statusCode === 429) {
      counters.throttled += 1;
      counters.throttledByApi[api] = (counters.throttledByApi[api] ?? 0) + 1;
    }
    if (res.statusCode >= 400) counters.errors += 1;
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('bench sandbox: request failed:', error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ------------------------------------------------------------------------------------------ warm-up

function get(url: string, path: string, headers: Record<string, string>, body?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Regions of the current AWS account, whose models the sandbox builds on first use. */
function currentRegions(world: World): string[] {
  const plan = planGeneration(world);
  const written = world.accounts?.find((a) => a.current === true) ?? world.accounts?.[0];
  if (written !== undefined) return [...new Set([...Object.keys(world.regions ?? {}), ...Object.keys(written.regions ?? {})])];
  return plan === undefined ? [...DEFAULT_REGIONS.slice(0, 1)] : [...plan.regions];
}

/**
 * The sandbox builds a generated region (or a Google Cloud / Azure world) the first time a request
 * needs it: real clouds have no such cost, so it is paid before the scan (one cheap request per region
 * of the current account), then the counters are reset.
 */
async function warmUp(url: string, world: World): Promise<void> {
  if (world.gcp !== undefined) await get(url, `/v1/organizations/0/assets?contentType=1`, { authorization: 'Bearer warm-up' });
  if (world.azure !== undefined) await get(url, '/subscriptions?api-version=2022-12-01', { authorization: 'Bearer warm-up' });
  if (world.generate === undefined && world.accounts === undefined) return;
  const regions = currentRegions(world);
  if (regions.length > 64) return;
  await Promise.all(
    regions.map((region) =>
      get(
        url,
        '/',
        {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `AWS4-HMAC-SHA256 Credential=${SANDBOX_ACCESS_KEY_ID}/20240101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
        },
        'Action=GetEbsEncryptionByDefault&Version=2016-11-15',
      ),
    ),
  );
}

// ------------------------------------------------------------------------------------------ hosting

function hasAws(world: World): boolean {
  return world.generate !== undefined || (world.accounts?.length ?? 0) > 0;
}

/** Starts the sandbox for the world in this process. */
export async function hostSandbox(world: World): Promise<BenchSandbox> {
  track();
  let url: string;
  let counters: () => Counters;
  let reset: () => void;
  let close: () => Promise<void>;
  if (hasAws(world) || (world.gcp === undefined && world.azure === undefined)) {
    const sandbox = await startSandbox({ world });
    url = sandbox.url;
    counters = () => ({
      requests: sandbox.stats.requests,
      throttled: sandbox.stats.throttled,
      errors: sandbox.stats.errors,
      byApi: { ...sandbox.stats.byApi },
      throttledByApi: { ...sandbox.stats.throttledByApi },
    });
    reset = () => sandbox.stats.reset();
    close = () => sandbox.close();
  } else {
    const server = await startCloudServer(world);
    url = server.url;
    counters = () => ({ ...server.counters, byApi: { ...server.counters.byApi }, throttledByApi: { ...server.counters.throttledByApi } });
    reset = () => Object.assign(server.counters, newCounters());
    close = () => server.close();
  }
  await warmUp(url, world);
  reset();
  inFlight.reset();
  const cpu = process.cpuUsage();
  return {
    url,
    mode: 'in-process',
    snapshot: async () => {
      const used = process.cpuUsage(cpu);
      return { ...counters(), busySeconds: inFlight.busySeconds(), maxInFlight: inFlight.max, cpuSeconds: (used.user + used.system) / 1e6, peakRssMb: peakRssMb() };
    },
    close,
  };
}

type ToSandbox = { type: 'start'; world: World } | { type: 'snapshot' } | { type: 'close' };
type FromSandbox = { type: 'ready'; url: string } | { type: 'snapshot'; snapshot: SandboxSnapshot } | { type: 'error'; message: string };

/** Starts the sandbox for the world in a child process of its own. */
export async function forkSandbox(world: World): Promise<BenchSandbox> {
  const child = fork(fileURLToPath(new URL('./sandbox-host.js', import.meta.url)), ['--bench-sandbox-host'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (wanted: FromSandbox['type']): Promise<FromSandbox> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: FromSandbox) => {
        if (message.type === 'error') return done(() => reject(new Error(`sandbox process: ${message.message}`)));
        if (message.type === wanted) done(() => resolve(message));
      };
      const onExit = (code: number | null) => done(() => reject(new Error(`sandbox process exited (${code ?? 'signal'})`)));
      const done = (then: () => void) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        then();
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  const send = (message: ToSandbox) => child.send(message);
  const ready = next('ready');
  send({ type: 'start', world });
  const started = await ready;
  if (started.type !== 'ready') throw new Error('sandbox process did not start');
  return {
    url: started.url,
    mode: 'process',
    snapshot: async () => {
      const answer = next('snapshot');
      send({ type: 'snapshot' });
      const message = await answer;
      if (message.type !== 'snapshot') throw new Error('sandbox process sent no snapshot');
      return message.snapshot;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        send({ type: 'close' });
      }),
  };
}

// As the sandbox child process: host the world sent by the parent, answer snapshot and close requests.
if (process.argv.includes('--bench-sandbox-host') && process.argv[1] === fileURLToPath(import.meta.url)) {
  let hosted: BenchSandbox | undefined;
  const reply = (message: FromSandbox) => process.send?.(message);
  process.on('message', (message: ToSandbox) => {
    void (async () => {
      try {
        if (message.type === 'start') {
          hosted = await hostSandbox(message.world);
          reply({ type: 'ready', url: hosted.url });
        } else if (message.type === 'snapshot' && hosted !== undefined) {
          reply({ type: 'snapshot', snapshot: await hosted.snapshot() });
        } else if (message.type === 'close') {
          await hosted?.close();
          process.exit(0);
        }
      } catch (error) {
        reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  process.on('disconnect', () => process.exit(0));
}

// The floor of a scenario: the least wall time the world allows any scanner that reads the same data
// with the same number of requests in flight. It is computed from the world (its latency, how many
// items each list holds, the page size of each API, its rate limits), never from a run, so a run's
// ratio to it says how much time the scanner itself adds.
//
// Three lower bounds; the floor is the largest:
//
//   critical path   max over reads of (after + depth) × L + waitMs
//                   a paginated list needs ceil(items / pageSize) sequential calls (each page needs the
//                   previous page's token; an empty list still costs one call); `after` counts the calls
//                   that must finish first (AssumeRole, DescribeRegions); reads run in parallel
//   throughput      calls × L / C      at most C requests are in flight, each takes at least L
//   rate            max over buckets of L + (n − B) / R   (n > B) — a token bucket of rate R/s and burst
//                   B (per account + region + API, as the sandbox keeps them) lets n calls through no
//                   sooner than (n − B) / R after the first, which itself waits L
//
// L is the world's smallest per-request latency; C is the number of requests the scanner may have in
// flight (Ward: scan.concurrency dataset reads, one request each; Azure: × its per-dataset fan-out).

/** One read a complete scan must make: a chain of `depth` sequential calls, `calls` calls in all. */
export interface FloorRead {
  /** `service:Action` (AWS) or a provider-specific name; rate limits match it. */
  api: string;
  account: string;
  region: string;
  /** Sequential calls of this read's own chain (pages, or a list then a GET of each item). */
  depth: number;
  /** Calls in all (≥ depth when part of the read fans out). */
  calls: number;
  /** Sequential calls that must complete before this read can start. Default 0. */
  after?: number;
  /** Waiting the world imposes on the chain beyond latency (e.g. a report being generated). Default 0. */
  waitMs?: number;
}

/** A token bucket, as the sandbox's `rateLimits`: the first rule that matches a call applies. */
export interface FloorLimit {
  /** `service:Action` with `*` wildcards. */
  api: string;
  /** Tokens per second. */
  rate: number;
  /** Default: rate, at least 1. */
  burst?: number;
  /** Only this account id / region. */
  account?: string;
  region?: string;
}

export interface FloorWorld {
  /** The smallest latency the world adds to a request (ms). */
  latencyMs: number;
  /** Requests the scanner may have in flight at once. */
  concurrency: number;
  reads: FloorRead[];
  rateLimits?: FloorLimit[];
}

export type FloorBound = 'critical-path' | 'throughput' | 'rate';

export interface Floor {
  seconds: number;
  bound: FloorBound;
  criticalPathSeconds: number;
  throughputSeconds: number;
  rateSeconds: number;
  /** Calls a complete scan makes at least. */
  calls: number;
  /** The longest chain, in sequential calls. */
  depth: number;
  /** The read at the end of the critical path. */
  criticalApi?: string;
  /** The bucket behind the rate bound: `account|region|api`. */
  rateBucket?: string;
  callsByApi: Record<string, number>;
}

/** Sequential calls a list of `items` needs at `pageSize` items a page: the first page is never free. */
export function pages(items: number, pageSize: number): number {
  if (!(pageSize > 0)) throw new Error(`page size must be positive, got ${pageSize}`);
  return Math.max(1, Math.ceil(items / pageSize));
}

/** `*` matches any run of characters; everything else literally (the sandbox's globMatch). */
export function globMatch(pattern: string, value: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`).test(value);
}

function limitFor(limits: readonly FloorLimit[], read: FloorRead): FloorLimit | undefined {
  return limits.find((l) => globMatch(l.api, read.api) && (l.account === undefined || l.account === read.account) && (l.region === undefined || l.region === read.region));
}

export function computeFloor(world: FloorWorld): Floor {
  const L = world.latencyMs / 1000;
  if (!(world.concurrency >= 1)) throw new Error(`concurrency must be at least 1, got ${world.concurrency}`);
  let calls = 0;
  let depth = 0;
  let critical = 0;
  let criticalApi: string | undefined;
  const callsByApi: Record<string, number> = {};
  const buckets = new Map<string, { n: number; limit: FloorLimit }>();
  for (const read of world.reads) {
    if (read.depth < 1 || read.calls < read.depth) throw new Error(`read ${read.api} in ${read.account}/${read.region}: needs depth ≥ 1 and calls ≥ depth`);
    calls += read.calls;
    callsByApi[read.api] = (callsByApi[read.api] ?? 0) + read.calls;
    const chain = (read.after ?? 0) + read.depth;
    depth = Math.max(depth, chain);
    const path = chain * L + (read.waitMs ?? 0) / 1000;
    if (path > critical) {
      critical = path;
      criticalApi = read.api;
    }
    const limit = limitFor(world.rateLimits ?? [], read);
    if (limit !== undefined) {
      const key = `${read.account}|${read.region}|${read.api}`;
      const bucket = buckets.get(key) ?? { n: 0, limit };
      bucket.n += read.calls;
      buckets.set(key, bucket);
    }
  }
  const throughput = (calls * L) / world.concurrency;
  let rate = 0;
  let rateBucket: string | undefined;
  for (const [key, { n, limit }] of buckets) {
    const burst = limit.burst ?? Math.max(1, Math.floor(limit.rate));
    if (n <= burst) continue;
    const seconds = L + (n - burst) / limit.rate;
    if (seconds > rate) {
      rate = seconds;
      rateBucket = key;
    }
  }
  const seconds = Math.max(critical, throughput, rate);
  const bound: FloorBound = seconds === rate && rate > 0 ? 'rate' : seconds === throughput && throughput >= critical ? 'throughput' : 'critical-path';
  const floor: Floor = { seconds, bound, criticalPathSeconds: critical, throughputSeconds: throughput, rateSeconds: rate, calls, depth, callsByApi };
  if (criticalApi !== undefined) floor.criticalApi = criticalApi;
  if (rateBucket !== undefined) floor.rateBucket = rateBucket;
  return floor;
}

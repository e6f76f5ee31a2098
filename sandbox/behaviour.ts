// The world's knobs: per-request latency, token-bucket rate limits per account + region + API, and
// injected faults. Every random choice comes from the world's seed, so a run can be repeated.

import type { Fault, RateLimit, World } from './types.js';
import type { WorldModel } from './model.js';
import { globMatch, hash32, seededRandom } from './util.js';

export interface CallKey {
  /** service:Action */
  api: string;
  account: string;
  region: string;
}

interface FaultState {
  fault: Fault;
  accounts?: Set<string>;
  remaining: number;
  random: () => number;
}

interface LimitRule {
  limit: RateLimit;
  accounts?: Set<string>;
  burst: number;
}

/** What the faults decided for one request: extra delay, and possibly an answer other than success. */
export interface FaultOutcome {
  delayMs: number;
  /** The fault that answers the request instead of the service (absent: the service answers). */
  fault?: Fault;
}

function accountSet(ref: string | undefined, model: WorldModel): Set<string> | undefined {
  if (ref === undefined) return undefined;
  const ids = model.accountList.filter((a) => a.id === ref || a.name === ref).map((a) => a.id);
  return new Set(ids.length > 0 ? ids : [ref]);
}

export class Behaviour {
  private readonly faults: FaultState[];
  private readonly limits: LimitRule[];
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly jitter: () => number;

  constructor(
    private readonly world: World,
    model: WorldModel,
  ) {
    const seed = world.seed ?? 0;
    this.jitter = seededRandom(hash32(`latency/${seed}`));
    this.faults = (world.faults ?? []).map((fault, i) => {
      const state: FaultState = { fault, remaining: fault.count ?? Number.POSITIVE_INFINITY, random: seededRandom(hash32(`fault/${seed}/${i}`)) };
      const accounts = accountSet(fault.account, model);
      if (accounts !== undefined) state.accounts = accounts;
      return state;
    });
    this.limits = (world.rateLimits ?? []).map((limit) => {
      const rule: LimitRule = { limit, burst: limit.burst ?? Math.max(1, Math.floor(limit.rate)) };
      const accounts = accountSet(limit.account, model);
      if (accounts !== undefined) rule.accounts = accounts;
      return rule;
    });
  }

  latencyMs(): number {
    const latency = this.world.latencyMs;
    if (latency === undefined) return 0;
    if (typeof latency === 'number') return latency;
    return latency.min + Math.floor(this.jitter() * (latency.max - latency.min + 1));
  }

  /** Consumes a token of the first rate limit that applies; false when its bucket is empty. */
  allow(call: CallKey, now = Date.now()): boolean {
    const rule = this.limits.find((r) => matches(r.limit.api, r.accounts, r.limit.region, call));
    if (rule === undefined) return true;
    const key = `${call.account}|${call.region}|${call.api}`;
    const bucket = this.buckets.get(key) ?? { tokens: rule.burst, at: now };
    bucket.tokens = Math.min(rule.burst, bucket.tokens + ((now - bucket.at) / 1000) * rule.limit.rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Runs the faults in world order: slow faults add delay; the first other fault that fires answers. */
  faultsFor(call: CallKey): FaultOutcome {
    const outcome: FaultOutcome = { delayMs: 0 };
    for (const state of this.faults) {
      const { fault } = state;
      if (state.remaining <= 0 || !matches(fault.api ?? '*', state.accounts, fault.region, call)) continue;
      if (fault.probability !== undefined && state.random() >= fault.probability) continue;
      state.remaining -= 1;
      if (fault.kind === 'slow') {
        outcome.delayMs += fault.delayMs ?? 1000;
        continue;
      }
      outcome.fault = fault;
      break;
    }
    return outcome;
  }
}

function matches(api: string, accounts: Set<string> | undefined, region: string | undefined, call: CallKey): boolean {
  return globMatch(api, call.api) && (accounts === undefined || accounts.has(call.account)) && (region === undefined || region === call.region);
}

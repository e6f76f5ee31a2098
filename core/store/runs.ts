// A run is one scan request that may be carried out by many functions: the CLI's scan (one target
// list, one process) or the daily Lambda run (one `scan` invocation, N `scanTarget` messages). Its
// record says which targets are expected and which have reported; it lets exactly one of them —
// the last to report, or the sweep once the deadline has passed — send the run's one message.
//
//   runs/<runId>.json   the record; every change is a conditional write (BlobStore.update)
//
// The record knows nothing about Slack: issue 18's change-triggered scans reuse it as is.

import type { BlobStore } from './blob.js';

export interface RunDigestClaim {
  /** Who is sending the run's message. */
  token: string;
  at: string;
}

export interface RunRecord {
  runId: string;
  createdAt: string;
  /** After this, the sweep sends the run's message without the targets that never reported. */
  deadline: string;
  /** Target keys (`provider:account`) the run waits for. */
  expected: string[];
  /** Target key → the account's name, where it has one (shown next to ids). */
  names?: Record<string, string>;
  /** Target key → when it reported. */
  finished: Record<string, string>;
  /** Set by whoever won the right to send the message; a stale claim may be taken over. */
  digest?: RunDigestClaim;
  /** When the message was sent (or found to be unnecessary): the run is closed. */
  closedAt?: string;
  /** How it closed: `complete`, or the targets that had not reported at the deadline. */
  missing?: string[];
}

export const runKey = (runId: string): string => `runs/${runId}.json`;
export const targetKey = (target: { provider: string; account: string }): string => `${target.provider}:${target.account}`;

/** Default time a run may take before the sweep reports it with its missing targets. */
export const DEFAULT_RUN_DEADLINE_MS = 3 * 3600 * 1000;

export function isComplete(run: RunRecord): boolean {
  return run.expected.every((t) => run.finished[t] !== undefined);
}

export function missingTargets(run: RunRecord): string[] {
  return run.expected.filter((t) => run.finished[t] === undefined);
}

const parse = (text: string): RunRecord => JSON.parse(text) as RunRecord;

export interface ClaimResult {
  run: RunRecord | undefined;
  /** True when this call won the right to send the run's message. */
  claimed: boolean;
}

export class RunStore {
  constructor(
    readonly blobs: BlobStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Creates the run, or leaves an existing one as it is (a retried `scan` invocation). Returns the
   * record as stored.
   */
  async create(runId: string, expected: readonly string[], options: { deadlineMs?: number; names?: Record<string, string> } = {}): Promise<RunRecord> {
    const deadlineMs = options.deadlineMs ?? DEFAULT_RUN_DEADLINE_MS;
    let stored: RunRecord | undefined;
    await this.blobs.update(runKey(runId), (text) => {
      if (text !== undefined) {
        stored = parse(text);
        return undefined;
      }
      const at = this.now();
      stored = {
        runId,
        createdAt: at.toISOString(),
        deadline: new Date(at.getTime() + deadlineMs).toISOString(),
        expected: [...new Set(expected)].sort(),
        finished: {},
        ...(options.names === undefined || Object.keys(options.names).length === 0 ? {} : { names: { ...options.names } }),
      };
      return JSON.stringify(stored);
    });
    if (stored === undefined) throw new Error(`run ${runId} could not be created`);
    return stored;
  }

  async load(runId: string): Promise<RunRecord | undefined> {
    const text = await this.blobs.read(runKey(runId));
    return text === undefined ? undefined : parse(text);
  }

  async listRunIds(): Promise<string[]> {
    return (await this.blobs.list('runs/')).filter((k) => k.endsWith('.json')).map((k) => k.slice('runs/'.length, -'.json'.length));
  }

  /**
   * Records that `target` reported. The call whose write completes the run also claims its digest
   * (in the same conditional write), so exactly one reporter is told `claimed: true`. A target
   * reporting twice (an SQS retry) changes nothing and claims nothing.
   */
  async finishTarget(runId: string, target: string, token: string): Promise<ClaimResult> {
    return this.decide(runId, (run, now) => {
      if (run.finished[target] !== undefined || !run.expected.includes(target) || run.closedAt !== undefined) return undefined;
      const next: RunRecord = { ...run, finished: { ...run.finished, [target]: now.toISOString() } };
      if (isComplete(next) && next.digest === undefined) next.digest = { token, at: now.toISOString() };
      return next;
    }, token);
  }

  /**
   * Takes over the right to send the message of a run that is still open and either complete or
   * past its deadline, when nobody holds it or its holder's claim is older than `leaseMs` (the
   * holder died). Used by the sweep.
   */
  async claimDigest(runId: string, token: string, leaseMs: number): Promise<ClaimResult> {
    return this.decide(runId, (run, now) => {
      const due = isComplete(run) || run.deadline <= now.toISOString();
      const free = run.digest === undefined || Date.parse(run.digest.at) + leaseMs <= now.getTime();
      return run.closedAt !== undefined || !due || !free ? undefined : { ...run, digest: { token, at: now.toISOString() } };
    }, token);
  }

  /**
   * One conditional write of the run: `change` returns the next record, or undefined to leave it.
   * `claimed` says whether the record as written names `token` as the digest's holder.
   */
  private async decide(runId: string, change: (run: RunRecord, now: Date) => RunRecord | undefined, token: string): Promise<ClaimResult> {
    let result: ClaimResult = { run: undefined, claimed: false };
    await this.blobs.update(runKey(runId), (text) => {
      const run = text === undefined ? undefined : parse(text);
      const next = run === undefined ? undefined : change(run, this.now());
      result = { run: next ?? run, claimed: next?.digest?.token === token && run?.digest?.token !== token };
      return next === undefined ? undefined : JSON.stringify(next);
    });
    return result;
  }

  /** Closes the run if `token` still holds its digest. Returns whether it did. */
  async close(runId: string, token: string, missing: readonly string[]): Promise<boolean> {
    let closed = false;
    await this.blobs.update(runKey(runId), (text) => {
      closed = false;
      if (text === undefined) return undefined;
      const run = parse(text);
      if (run.digest?.token !== token || run.closedAt !== undefined) return undefined;
      closed = true;
      return JSON.stringify({ ...run, closedAt: this.now().toISOString(), ...(missing.length > 0 ? { missing: [...missing] } : {}) });
    });
    return closed;
  }
}

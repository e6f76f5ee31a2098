// The delivery guarantee, proven on both stores: many runs and targets at once, a slow, failing
// and hanging Slack, and a sender that dies at each step. Announcements are counted per finding id
// across every message Slack accepted.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceScan } from '../app/announce.js';
import type { Finding, ScanDocument } from '../core/model.js';
import type { BlobStore } from '../core/store/blob.js';
import { LocalBlobStore } from '../core/store/local.js';
import { RunStore, targetKey } from '../core/store/runs.js';
import { S3BlobStore, parseS3Url } from '../core/store/s3.js';
import { ScanStore } from '../core/store/scans.js';
import { finding, scanOf } from '../test/support/findings.js';
import { S3_CREDENTIALS, startS3, type S3Sandbox } from '../test/support/s3.js';
import { startSlackReceiver, type SlackReceiver } from '../test/support/slack.js';
import { finishTargets, sweepRuns, type DigestOptions, type DigestStep } from './run-digest.js';

const LEASE_MS = 60_000;
/** Every resource listed, so each announcement can be counted by its resource name. */
const LIST_ALL = { maxItems: 1000, perGroup: 1000 };

function accountId(i: number): string {
  return String(100000000000 + i);
}

/** An account's first scan: `perAccount` failing resources named `r-<account>-<n>`. */
function scanFor(account: string, perAccount: number, scanId: string): ScanDocument {
  const results: Finding[] = Array.from({ length: perAccount }, (_, n) => {
    const f = finding(`r-${account}-${n}`, 'FAIL', { controlId: n % 2 === 0 ? 'aws-ebs-volume-encrypted' : 'aws-rds-storage-encrypted' });
    return { ...f, account, id: `${f.id.slice(0, 20)}${account}` };
  });
  const base = scanOf(results, { scanId, controls: ['aws-ebs-volume-encrypted', 'aws-rds-storage-encrypted'] });
  return { ...base, targets: base.targets.map((t) => ({ ...t, account, name: `acct-${account.slice(-2)}` })) };
}

/** How often each resource was announced, across every message Slack accepted. */
function announcements(slack: SlackReceiver): Map<string, number> {
  const counts = new Map<string, number>();
  for (const payload of slack.accepted) {
    for (const name of new Set(JSON.stringify(payload.blocks).match(/r-\d{12}-\d+/g) ?? [])) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

function expected(accounts: string[], perAccount: number): string[] {
  return accounts.flatMap((a) => Array.from({ length: perAccount }, (_, n) => `r-${a}-${n}`)).sort();
}

class Clock {
  t = Date.parse('2026-12-04T10:00:00Z');
  now = (): Date => new Date(this.t);
}

const suites: Array<[string, () => Promise<{ blobs: () => BlobStore; close(): Promise<void> }>]> = [
  [
    'local store',
    async () => ({ blobs: () => new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-digest-'))), close: async () => {} }),
  ],
  [
    'S3 store (s3rver behind the conditional-write proxy)',
    async () => {
      const s3: S3Sandbox = await startS3();
      let n = 0;
      return {
        blobs: () => {
          n += 1;
          return new S3BlobStore(parseS3Url(`s3://ward/digest-${n}`), { endpoint: s3.url, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS });
        },
        close: () => s3.close(),
      };
    },
  ],
];

describe.each(suites)('run digest on the %s', (_name, open) => {
  let env: { blobs: () => BlobStore; close(): Promise<void> };
  let slack: SlackReceiver;
  beforeAll(async () => {
    env = await open();
    slack = await startSlackReceiver();
  });
  afterAll(async () => {
    await slack.close();
    await env.close();
  });
  const reset = (): void => {
    slack.payloads.length = 0;
    slack.accepted.length = 0;
    slack.script.length = 0;
    slack.delayMs = 0;
    slack.hang = 0;
  };
  const options = (clock: Clock, extra: Partial<DigestOptions> = {}): DigestOptions => ({
    webhookUrl: slack.url,
    delivery: { maxAttempts: 2, baseDelayMs: 10, timeoutMs: 2500 },
    leaseMs: LEASE_MS,
    now: clock.now,
    render: LIST_ALL,
    ...extra,
  });

  it('12 concurrent CLI runs over 4 shared accounts, Slack answering in 1.5 s: every finding exactly once', async () => {
    reset();
    slack.delayMs = 1500;
    const store = new ScanStore(env.blobs());
    const clock = new Clock();
    const accounts = [1, 2, 3, 4].map(accountId);
    // Three runs per account at once, as three `ward scan --accounts <id>` would.
    const runs = Array.from({ length: 12 }, (_, i) => ({ account: accounts[i % 4] ?? '', scanId: `run-${String(i).padStart(2, '0')}` }));
    await Promise.all(
      runs.map(async ({ account, scanId }) => {
        const scan = scanFor(account, 5, scanId);
        await store.recordScan(scan);
        return announceScan(store, scan, slack.url, { ...options(clock), render: LIST_ALL });
      }),
    );
    const counts = announcements(slack);
    expect([...counts.keys()].sort()).toEqual(expected(accounts, 5));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(slack.accepted.length).toBeLessThanOrEqual(12);
  }, 30_000);

  it('a fan-out run of 12 targets reporting at once sends one message, from the last one', async () => {
    reset();
    const store = new ScanStore(env.blobs());
    const clock = new Clock();
    const accounts = Array.from({ length: 12 }, (_, i) => accountId(10 + i));
    const runs = new RunStore(store.blobs, clock.now);
    await runs.create('fanout-1', accounts.map((account) => targetKey({ provider: 'aws', account })));
    const outcomes = await Promise.all(
      accounts.map(async (account, i) => {
        await store.recordScan(scanFor(account, 3, `fanout-1-${i}`));
        return finishTargets(store, 'fanout-1', [targetKey({ provider: 'aws', account })], options(clock));
      }),
    );
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'not-last')).toHaveLength(11);
    expect(slack.accepted).toHaveLength(1);
    const counts = announcements(slack);
    expect([...counts.keys()].sort()).toEqual(expected(accounts, 3));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect((await runs.load('fanout-1'))?.closedAt).toBeDefined();
    // A target retried by SQS after the run closed sends nothing.
    expect(await finishTargets(store, 'fanout-1', [targetKey({ provider: 'aws', account: accounts[0] ?? '' })], options(clock))).toEqual({ status: 'not-last' });
    expect(slack.accepted).toHaveLength(1);
  }, 30_000);

  it('a run whose targets never all report is sent by the sweep after its deadline, naming the missing ones', async () => {
    reset();
    const store = new ScanStore(env.blobs());
    const clock = new Clock();
    const runs = new RunStore(store.blobs, clock.now);
    const targets = [accountId(30), accountId(31), accountId(32)].map((account) => targetKey({ provider: 'aws', account }));
    await runs.create('stuck', targets, { deadlineMs: 3_600_000, names: { [targets[2] ?? '']: 'payments-prod' } });
    await store.recordScan(scanFor(accountId(30), 2, 'stuck-0'));
    expect(await finishTargets(store, 'stuck', [targets[0] ?? ''], options(clock))).toEqual({ status: 'not-last' });
    expect(await sweepRuns(store, options(clock))).toEqual([]);
    clock.t += 3_600_000;
    const swept = await sweepRuns(store, options(clock));
    expect(swept).toMatchObject([{ runId: 'stuck', outcome: { status: 'delivered', missing: [targets[1], targets[2]] } }]);
    expect(slack.accepted).toHaveLength(1);
    const text = JSON.stringify(slack.accepted[0]?.blocks);
    expect(text).toContain(accountId(31));
    expect(text).toContain('payments-prod');
    expect([...announcements(slack).values()]).toEqual([1, 1]);
    expect(await sweepRuns(store, options(clock))).toEqual([]);
  }, 30_000);

  it('Slack failing (500, 429) or hanging: nothing is lost, nothing is said twice', async () => {
    reset();
    const store = new ScanStore(env.blobs());
    const clock = new Clock();
    const account = accountId(40);
    // 1st run: 500 twice (gives up); 2nd run: hangs past the timeout twice; 3rd: 429 then 200.
    slack.script.push(500, 500);
    await store.recordScan(scanFor(account, 4, 'flaky-1'));
    expect((await announceScan(store, scanFor(account, 4, 'flaky-1'), slack.url, options(clock, { delivery: { maxAttempts: 2, baseDelayMs: 10, timeoutMs: 300 } }))).status).toBe('failed');
    slack.hang = 2;
    await store.recordScan(scanFor(account, 4, 'flaky-2'));
    expect((await announceScan(store, scanFor(account, 4, 'flaky-2'), slack.url, options(clock, { delivery: { maxAttempts: 2, baseDelayMs: 10, timeoutMs: 300 } }))).status).toBe('failed');
    slack.script.push(429);
    await store.recordScan(scanFor(account, 4, 'flaky-3'));
    expect((await announceScan(store, scanFor(account, 4, 'flaky-3'), slack.url, options(clock))).status).toBe('delivered');
    const counts = announcements(slack);
    expect([...counts.keys()].sort()).toEqual(expected([account], 4));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(slack.accepted).toHaveLength(1);
  }, 30_000);

  const steps: DigestStep[] = ['run-claimed', 'alerts-claimed', 'slack-answered', 'alerts-settled'];
  it.each(steps)('a sender dying after "%s": the sweep finishes; only the 2xx-before-store-write window repeats one message', async (step) => {
    reset();
    const store = new ScanStore(env.blobs());
    const clock = new Clock();
    const accounts = Array.from({ length: 10 }, (_, i) => accountId(50 + i));
    const runs = new RunStore(store.blobs, clock.now);
    await runs.create(`crash-${step}`, accounts.map((account) => targetKey({ provider: 'aws', account })));
    const dying = options(clock, {
      onStep: (s) => {
        if (s === step) throw new Error('process killed');
      },
    });
    const outcomes = await Promise.allSettled(
      accounts.map(async (account, i) => {
        await store.recordScan(scanFor(account, 2, `crash-${step}-${i}`));
        return finishTargets(store, `crash-${step}`, [targetKey({ provider: 'aws', account })], dying);
      }),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
    // Within the lease nobody takes over; after it, the sweep does.
    expect(await sweepRuns(store, options(clock))).toEqual([]);
    clock.t += LEASE_MS + 1;
    await sweepRuns(store, options(clock));
    expect(await sweepRuns(store, options(clock))).toEqual([]);
    const counts = announcements(slack);
    expect([...counts.keys()].sort()).toEqual(expected(accounts, 2));
    if (step === 'slack-answered') {
      // The documented window: the one message Slack accepted before the death is repeated, once.
      expect(slack.accepted).toHaveLength(2);
      expect(slack.accepted[1]?.blocks).toEqual(slack.accepted[0]?.blocks);
      expect([...counts.values()].every((n) => n === 2)).toBe(true);
    } else {
      expect(slack.accepted.length).toBeLessThanOrEqual(1);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    }
  }, 30_000);
});

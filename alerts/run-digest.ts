// One Slack message per scan run, each finding announced exactly once.
//
// The hand-off: whoever starts a run records it with its expected targets (RunStore.create); each
// target, once its scan is stored, reports (RunStore.finishTarget, a conditional write); the report
// that completes the run wins the run's digest and sends it. A run whose targets never all report
// (dead-lettered, timed out) is closed by the sweep after its deadline, and its message names the
// missing targets. Inside the digest every alert is claimed before it is sent (alert-claims.ts).
//
// Delivery guarantee (what alerts/run-digest.test.ts proves, on the local and the S3 store): every
// alert is announced in exactly one message — whatever the number of concurrent runs and targets,
// and whether Slack is slow, fails (5xx, 429) or hangs — except that a sender that dies after
// Slack's 2xx and before its store write has its alerts announced once more, in one message, after
// the claim lease (15 min) has passed. A failed delivery puts the alerts back for the next run.

import { randomUUID } from 'node:crypto';
import { collapse } from './dispatch.js';
import type { ScanStore } from '../core/store/scans.js';
import { stateKey } from '../core/store/scans.js';
import { claimAlerts, dropUnheldAlerts, settleAlerts } from '../core/store/alert-claims.js';
import { DEFAULT_ALERT_LEASE_MS } from '../core/store/alert-claims.js';
import { isComplete, missingTargets, RunStore, type RunRecord } from '../core/store/runs.js';
import type { Provider } from '../core/model.js';
import { deliverToSlack, type DeliveryOptions } from './slack-delivery.js';
import { renderSlackMessage, type RenderOptions } from './slack-message.js';
import type { AlertBatch } from './types.js';

/** The points where a sender can die; tests inject a crash at each one. */
export type DigestStep = 'run-claimed' | 'alerts-claimed' | 'slack-answered' | 'alerts-settled';

export interface DigestOptions {
  webhookUrl: string | undefined;
  /** Where the week's report is: a path locally, a pre-signed URL on S3. */
  reportLink?: string;
  /** Account id → name, shown next to ids. */
  accountNames?: Readonly<Record<string, string>>;
  delivery?: DeliveryOptions;
  render?: RenderOptions;
  /** How long a claim protects a sender that may have died (default 15 min). */
  leaseMs?: number;
  now?: () => Date;
  /** Called after each step; a test throws here to simulate the process dying. */
  onStep?: (step: DigestStep) => void | Promise<void>;
}

export type DigestOutcome =
  | { status: 'not-last' }
  | { status: 'nothing-to-send' }
  | { status: 'no-channel'; dropped: number }
  | { status: 'delivered'; alerts: number; attempts: number; missing: string[] }
  | { status: 'failed'; alerts: number; attempts: number; reason: string };

/** Target keys `provider:account` → name, as account id → name. */
function accountNamesOf(run: RunRecord): Record<string, string> {
  return Object.fromEntries(Object.entries(run.names ?? {}).map(([target, name]) => [target.slice(target.indexOf(':') + 1), name]));
}

function stateKeyOf(target: string): string {
  const at = target.indexOf(':');
  return stateKey(target.slice(0, at) as Provider, target.slice(at + 1));
}

/** Sends the message of a run whose digest `token` holds, then closes the run. */
export async function sendRunDigest(store: ScanStore, run: RunRecord, token: string, options: DigestOptions): Promise<DigestOutcome> {
  const runs = new RunStore(store.blobs, options.now);
  const step = async (s: DigestStep): Promise<void> => options.onStep?.(s);
  await step('run-claimed');
  const missing = isComplete(run) ? [] : missingTargets(run);
  const claimOptions = { leaseMs: options.leaseMs ?? DEFAULT_ALERT_LEASE_MS, ...(options.now === undefined ? {} : { now: options.now }) };
  const { webhookUrl } = options;
  if (webhookUrl === undefined || webhookUrl === '') {
    // With no channel configured, alerts are not kept: configuring Slack later must not flood it.
    const dropped = await dropUnheldAlerts(store.blobs, run.expected.map(stateKeyOf), claimOptions);
    await step('alerts-claimed');
    await runs.close(run.runId, token, missing);
    return dropped > 0 ? { status: 'no-channel', dropped } : { status: 'nothing-to-send' };
  }
  const claimed = await claimAlerts(store.blobs, run.expected.map(stateKeyOf), token, claimOptions);
  await step('alerts-claimed');
  const items = collapse(claimed.alerts);
  const batch: AlertBatch = {
    scanIds: [...new Set(claimed.alerts.map((a) => a.scanId))],
    items,
    ...(missing.length > 0 ? { missingTargets: missing } : {}),
    ...(options.reportLink === undefined ? {} : { reportLink: options.reportLink }),
    accountNames: { ...accountNamesOf(run), ...options.accountNames },
  };
  const message = renderSlackMessage(batch, options.render);
  if (message === undefined) {
    await settleAlerts(store.blobs, claimed.keys, token, 'delivered');
    await runs.close(run.runId, token, missing);
    return { status: 'nothing-to-send' };
  }
  const result = await deliverToSlack(webhookUrl, message, options.delivery);
  await step('slack-answered');
  await settleAlerts(store.blobs, claimed.keys, token, result.delivered ? 'delivered' : 'released');
  await step('alerts-settled');
  await runs.close(run.runId, token, missing);
  if (!result.delivered) return { status: 'failed', alerts: items.length, attempts: result.attempts, reason: result.reason };
  return { status: 'delivered', alerts: items.length, attempts: result.attempts, missing };
}

/**
 * Reports targets of a run as finished; when that completes the run, sends its message. Every
 * other reporter gets `not-last`.
 */
export async function finishTargets(store: ScanStore, runId: string, targets: readonly string[], options: DigestOptions): Promise<DigestOutcome> {
  const runs = new RunStore(store.blobs, options.now);
  const token = randomUUID();
  for (const target of targets) {
    const { run, claimed } = await runs.finishTarget(runId, target, token);
    if (claimed && run !== undefined) return sendRunDigest(store, run, token, options);
  }
  return { status: 'not-last' };
}

/** A run of its own (the CLI, an inline Lambda scan): created, finished and announced at once. */
export async function announceRun(store: ScanStore, runId: string, targets: readonly string[], options: DigestOptions & { names?: Record<string, string> }): Promise<DigestOutcome> {
  await new RunStore(store.blobs, options.now).create(runId, targets, options.names === undefined ? {} : { names: options.names });
  return finishTargets(store, runId, targets, options);
}

export interface SweepOutcome {
  runId: string;
  outcome: DigestOutcome;
}

/**
 * The scheduled sweep: every open run that is past its deadline, or complete but whose sender died
 * (its claim is older than the lease), is claimed and announced — with the missing targets named.
 */
export async function sweepRuns(store: ScanStore, options: DigestOptions): Promise<SweepOutcome[]> {
  const runs = new RunStore(store.blobs, options.now);
  const out: SweepOutcome[] = [];
  for (const runId of await runs.listRunIds()) {
    const existing = await runs.load(runId);
    if (existing === undefined || existing.closedAt !== undefined) continue;
    const token = randomUUID();
    const { run, claimed } = await runs.claimDigest(runId, token, options.leaseMs ?? DEFAULT_ALERT_LEASE_MS);
    if (claimed && run !== undefined) out.push({ runId, outcome: await sendRunDigest(store, run, token, options) });
  }
  return out;
}

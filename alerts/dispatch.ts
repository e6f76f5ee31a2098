// After each scan: send every pending alert (this scan's and any earlier ones Slack did not accept)
// as one message, and only then mark them delivered.
//
// Delivery guarantee: at least once. An alert leaves the store only after Slack answered 2xx, so a
// failed delivery is retried after the next scan and nothing is lost. A duplicate message is possible
// only if the process dies in the window between Slack's answer and the store write that follows it
// (one state write per account: milliseconds locally, one S3 PUT in Lambda). Re-recording the same
// scan adds no alerts, so a retried invocation sends nothing new.

import type { PendingAlert } from '../core/lifecycle.js';
import type { ScanStore } from '../core/store/scans.js';
import { deliverToSlack, type DeliveryOptions } from './slack-delivery.js';
import { renderSlackMessage } from './slack-message.js';
import type { AlertBatch } from './types.js';

export type DispatchOutcome =
  | { status: 'nothing-to-send' }
  | { status: 'no-channel'; dropped: number }
  | { status: 'delivered'; alerts: number; attempts: number }
  | { status: 'failed'; alerts: number; attempts: number; reason: string };

/**
 * Alerts the team never heard about cancel out: a finding that was new (or reopened) and then
 * resolved before any message got through is not announced at all.
 */
export function collapse(pending: readonly PendingAlert[]): PendingAlert[] {
  const byFinding = new Map<string, PendingAlert[]>();
  for (const alert of pending) {
    const list = byFinding.get(alert.finding.id) ?? [];
    list.push(alert);
    byFinding.set(alert.finding.id, list);
  }
  const out: PendingAlert[] = [];
  for (const events of byFinding.values()) {
    const last = events[events.length - 1];
    if (last === undefined) continue;
    const openedUnannounced = events.some((e) => e.kind === 'new' || e.kind === 'reopened');
    if (last.kind === 'resolved' && openedUnannounced) continue;
    out.push(last);
  }
  return out;
}

export async function dispatchAlerts(
  store: ScanStore,
  webhookUrl: string | undefined,
  options: { reportLink?: string; delivery?: DeliveryOptions } = {},
): Promise<DispatchOutcome> {
  const pending = await store.pendingAlerts();
  if (webhookUrl === undefined || webhookUrl === '') {
    // With no channel configured, alerts are not kept: configuring Slack later must not flood it.
    if (pending.length > 0) await store.markDelivered(pending);
    return pending.length > 0 ? { status: 'no-channel', dropped: pending.length } : { status: 'nothing-to-send' };
  }
  if (pending.length === 0) return { status: 'nothing-to-send' };

  const items = collapse(pending);
  const batch: AlertBatch = {
    scanIds: [...new Set(pending.map((a) => a.scanId))],
    items,
    ...(options.reportLink === undefined ? {} : { reportLink: options.reportLink }),
  };
  const message = renderSlackMessage(batch);
  if (message === undefined) {
    await store.markDelivered(pending);
    return { status: 'nothing-to-send' };
  }
  const result = await deliverToSlack(webhookUrl, message, options.delivery);
  if (!result.delivered) return { status: 'failed', alerts: items.length, attempts: result.attempts, reason: result.reason };
  await store.markDelivered(pending);
  return { status: 'delivered', alerts: items.length, attempts: result.attempts };
}

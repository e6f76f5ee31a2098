import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { announceScan } from '../app/announce.js';
import type { Finding } from '../core/model.js';
import { LocalBlobStore } from '../core/store/local.js';
import { ScanStore } from '../core/store/scans.js';
import { claimAlerts, DEFAULT_ALERT_LEASE_MS, dropUnheldAlerts } from '../core/store/alert-claims.js';
import { finding, scanOf } from '../test/support/findings.js';
import { SECRET_PATH, startSlackReceiver, type SlackReceiver } from '../test/support/slack.js';
import { collapse } from './dispatch.js';
import type { DeliveryOptions } from './slack-delivery.js';

const fast: DeliveryOptions = { sleep: async () => {}, maxAttempts: 3 };

describe('announcing a run (one scan after another, on one account)', () => {
  let slack: SlackReceiver;
  let store: ScanStore;
  const run = async (results: Finding[], delivery: DeliveryOptions = fast, webhook: string | null = slack.url) => {
    const scan = scanOf(results);
    await store.recordScan(scan);
    return announceScan(store, scan, webhook ?? undefined, { delivery });
  };

  beforeEach(async () => {
    slack = await startSlackReceiver();
    store = new ScanStore(new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-alerts-'))));
  });
  afterEach(() => slack.close());

  it('sends one message for the first scan and nothing for an identical second scan', async () => {
    expect(await run([finding('vol-a', 'FAIL'), finding('vol-b', 'FAIL')])).toEqual({ status: 'delivered', alerts: 2, attempts: 1, missing: [] });
    expect(await run([finding('vol-a', 'FAIL'), finding('vol-b', 'FAIL')])).toEqual({ status: 'nothing-to-send' });
    expect(slack.payloads.map((p) => p.text)).toEqual(['Ward: 2 new findings (2 high)']);
  });

  it('reports a fix as resolved and a reopen as reopened', async () => {
    await run([finding('vol-a', 'FAIL')]);
    await run([finding('vol-a', 'PASS')]);
    await run([finding('vol-a', 'FAIL')]);
    expect(slack.payloads.map((p) => p.text)).toEqual(['Ward: 1 new finding (1 high)', 'Ward: 1 finding resolved', 'Ward: 1 reopened finding (1 high)']);
  });

  it('keeps alerts Slack did not accept and sends them, once, with the next scan of the account', async () => {
    slack.script = [500, 500, 500];
    expect(await run([finding('vol-a', 'FAIL')])).toMatchObject({ status: 'failed', alerts: 1, attempts: 3 });
    expect(await run([finding('vol-a', 'FAIL'), finding('vol-b', 'FAIL')])).toMatchObject({ status: 'delivered', alerts: 2 });
    expect(await run([finding('vol-a', 'FAIL'), finding('vol-b', 'FAIL')])).toEqual({ status: 'nothing-to-send' });
    expect(slack.accepted.map((p) => p.text)).toEqual(['Ward: 2 new findings (2 high)']);
    expect(slack.payloads).toHaveLength(4);
  });

  it('waits out a 429 and delivers', async () => {
    slack.script = [429];
    const waits: number[] = [];
    expect(await run([finding('vol-a', 'FAIL')], { sleep: async (ms) => void waits.push(ms) })).toEqual({ status: 'delivered', alerts: 1, attempts: 2, missing: [] });
    expect(waits).toEqual([1000]);
  });

  it('never puts the webhook URL in what it returns or stores', async () => {
    slack.script = [403];
    const outcome = await run([finding('vol-a', 'FAIL')]);
    expect(outcome.status).toBe('failed');
    expect(JSON.stringify(outcome)).not.toContain(SECRET_PATH.split('/').at(-1));
    expect(JSON.stringify(await store.loadAllStates())).not.toContain(SECRET_PATH);
    expect(JSON.stringify(await store.blobs.list(''))).not.toContain(SECRET_PATH);
  });

  it('drops alerts when no channel is configured, so turning Slack on later does not flood it', async () => {
    expect(await run([finding('vol-a', 'FAIL')], fast, null)).toEqual({ status: 'no-channel', dropped: 1 });
    expect(await store.pendingAlerts()).toEqual([]);
  });

  it('leaves alerts a live sender holds when no channel is configured here (its message is on its way)', async () => {
    const scan = scanOf([finding('vol-a', 'FAIL')]);
    await store.recordScan(scan);
    const keys = (await store.blobs.list('state/')).filter((k) => k.endsWith('.json'));
    const held = await claimAlerts(store.blobs, keys, 'other-sender');
    expect(held.alerts).toHaveLength(1);
    expect(await dropUnheldAlerts(store.blobs, keys)).toBe(0);
    expect(await store.pendingAlerts()).toHaveLength(1);
    // Once the holder's lease has run out, nobody holds it: dropped.
    expect(await dropUnheldAlerts(store.blobs, keys, { now: () => new Date(Date.now() + DEFAULT_ALERT_LEASE_MS + 1000) })).toBe(1);
    expect(await store.pendingAlerts()).toEqual([]);
  });

  it('does not announce a finding that opened and resolved while no message got through', () => {
    const a = finding('vol-a', 'FAIL');
    const b = finding('vol-b', 'FAIL');
    const pending = [
      { kind: 'new' as const, finding: a, firstSeen: 't1', scanId: 's1' },
      { kind: 'new' as const, finding: b, firstSeen: 't1', scanId: 's1' },
      { kind: 'resolved' as const, finding: a, firstSeen: 't1', scanId: 's2' },
    ];
    expect(collapse(pending).map((p) => [p.kind, p.finding.resource.id])).toEqual([['new', 'vol-b']]);
  });
});

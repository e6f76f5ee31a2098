import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalBlobStore } from '../core/store/local.js';
import { ScanStore } from '../core/store/scans.js';
import { finding, scanOf } from '../test/support/findings.js';
import { SECRET_PATH, startSlackReceiver, type SlackReceiver } from '../test/support/slack.js';
import { collapse, dispatchAlerts } from './dispatch.js';

const fast = { delivery: { sleep: async () => {}, maxAttempts: 3 } };

describe('dispatchAlerts', () => {
  let slack: SlackReceiver;
  let store: ScanStore;

  beforeEach(async () => {
    slack = await startSlackReceiver();
    store = new ScanStore(new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-alerts-'))));
  });
  afterEach(() => slack.close());

  it('sends one message for the first scan and nothing for an identical second scan', async () => {
    await store.recordScan(scanOf([finding('vol-a', 'FAIL'), finding('vol-b', 'FAIL')]));
    expect(await dispatchAlerts(store, slack.url, fast)).toEqual({ status: 'delivered', alerts: 2, attempts: 1 });
    await store.recordScan(scanOf([finding('vol-a', 'FAIL'), finding('vol-b', 'FAIL')]));
    expect(await dispatchAlerts(store, slack.url, fast)).toEqual({ status: 'nothing-to-send' });
    expect(slack.payloads).toHaveLength(1);
    expect(slack.payloads[0]?.text).toBe('Ward: 2 new findings (2 high)');
  });

  it('reports a fix as resolved and a reopen as new again', async () => {
    await store.recordScan(scanOf([finding('vol-a', 'FAIL')]));
    await dispatchAlerts(store, slack.url, fast);
    await store.recordScan(scanOf([finding('vol-a', 'PASS')]));
    await dispatchAlerts(store, slack.url, fast);
    await store.recordScan(scanOf([finding('vol-a', 'FAIL')]));
    await dispatchAlerts(store, slack.url, fast);
    expect(slack.payloads.map((p) => p.text)).toEqual(['Ward: 1 new finding (1 high)', 'Ward: 1 finding resolved', 'Ward: 1 reopened finding (1 high)']);
  });

  it('keeps alerts Slack did not accept and sends them, once, after the next scan', async () => {
    slack.script = [500, 500, 500];
    await store.recordScan(scanOf([finding('vol-a', 'FAIL')]));
    const failed = await dispatchAlerts(store, slack.url, fast);
    expect(failed).toMatchObject({ status: 'failed', alerts: 1, attempts: 3 });
    await store.recordScan(scanOf([finding('vol-a', 'FAIL'), finding('vol-b', 'FAIL')]));
    expect(await dispatchAlerts(store, slack.url, fast)).toMatchObject({ status: 'delivered', alerts: 2 });
    expect(await dispatchAlerts(store, slack.url, fast)).toEqual({ status: 'nothing-to-send' });
    const accepted = slack.payloads.at(-1);
    expect(accepted?.text).toBe('Ward: 2 new findings (2 high)');
    expect(slack.payloads).toHaveLength(4);
  });

  it('waits out a 429 and delivers', async () => {
    slack.script = [429];
    const waits: number[] = [];
    await store.recordScan(scanOf([finding('vol-a', 'FAIL')]));
    const outcome = await dispatchAlerts(store, slack.url, { delivery: { sleep: async (ms) => void waits.push(ms) } });
    expect(outcome).toEqual({ status: 'delivered', alerts: 1, attempts: 2 });
    expect(waits).toEqual([1000]);
  });

  it('sends at most one duplicate when the process dies between Slack accepting and the store recording it', async () => {
    await store.recordScan(scanOf([finding('vol-a', 'FAIL')]));
    const crashing = new ScanStore(store.blobs);
    crashing.markDelivered = async () => {
      throw new Error('process killed');
    };
    await expect(dispatchAlerts(crashing, slack.url, fast)).rejects.toThrow('process killed');
    expect(await dispatchAlerts(store, slack.url, fast)).toMatchObject({ status: 'delivered', alerts: 1 });
    expect(await dispatchAlerts(store, slack.url, fast)).toEqual({ status: 'nothing-to-send' });
    expect(slack.payloads.map((p) => p.text)).toEqual(['Ward: 1 new finding (1 high)', 'Ward: 1 new finding (1 high)']);
  });

  it('never puts the webhook URL in what it returns', async () => {
    slack.script = [403];
    await store.recordScan(scanOf([finding('vol-a', 'FAIL')]));
    const outcome = await dispatchAlerts(store, slack.url, fast);
    expect(outcome.status).toBe('failed');
    expect(JSON.stringify(outcome)).not.toContain(SECRET_PATH.split('/').at(-1));
    expect(JSON.stringify(await store.loadAllStates())).not.toContain(SECRET_PATH);
  });

  it('drops alerts when no channel is configured, so turning Slack on later does not flood it', async () => {
    await store.recordScan(scanOf([finding('vol-a', 'FAIL')]));
    expect(await dispatchAlerts(store, undefined)).toEqual({ status: 'no-channel', dropped: 1 });
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

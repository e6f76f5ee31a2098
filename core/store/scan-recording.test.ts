import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { LocalBlobStore } from './local.js';
import { ScanStore, scanKey } from './scans.js';
import { headAndTail, storedScanText } from './stored-scan.js';
import type { Finding, ScanDocument, Status } from '../model.js';

const ACCOUNT = '111111111111';

function finding(n: number, status: Status, region = 'eu-west-1'): Finding {
  return {
    id: `f-${n}`,
    controlId: 'aws-ebs-volume-encrypted',
    area: 'volumes',
    provider: 'aws',
    account: ACCOUNT,
    region,
    scope: region,
    resource: { id: `vol-${n}`, uid: `arn:aws:ec2:${region}:${ACCOUNT}:volume/vol-${n}`, type: 'AWS::EC2::Volume', tags: {} },
    status,
    severity: 'high',
    title: 'EBS volumes are encrypted at rest',
    message: `Volume vol-${n} judged ${status} — naïve text survives.`,
    remediation: { text: 'Encrypt it.', url: 'https://docs.aws.amazon.com/' },
    hipaa: ['164.312(a)(2)(iv)'],
    evidence: [],
  };
}

function scanOf(scanId: string, results: Finding[], finishedAt: string): ScanDocument {
  return {
    schemaVersion: 1,
    scanId,
    startedAt: '2026-12-04T10:00:00.000Z',
    finishedAt,
    wardVersion: '0.1.0',
    thresholds: { minLogRetentionDays: 365 },
    controls: ['aws-ebs-volume-encrypted'],
    targets: [{ provider: 'aws', account: ACCOUNT, regions: ['eu-west-1', 'us-east-1'], disabledRegions: [] }],
    coverage: [],
    results,
  };
}

/** A store whose object writes are refused, as an S3 bucket without s3:PutObject for Ward refuses them. */
class RefusingStore extends LocalBlobStore {
  override async writeStream(_key: string, body: Readable): Promise<void> {
    await Promise.resolve();
    body.destroy();
    throw new Error('AccessDenied: s3:PutObject on the store bucket');
  }
}

const statusOf = (n: number): Status => (n % 7 === 0 ? 'FAIL' : n % 11 === 0 ? 'ERROR' : 'PASS');

describe('recording a scan while it runs', () => {
  it('stores the same bytes as the whole document, and keeps only failing and ERROR results in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-recording-'));
    const store = new ScanStore(new LocalBlobStore(dir));
    const results = Array.from({ length: 1_050 }, (_, n) => finding(n, statusOf(n), n < 600 ? 'eu-west-1' : 'us-east-1'));
    const whole = scanOf('20261204T100000Z-0001', results, '2026-12-04T10:01:00.000Z');
    const { head, tail } = headAndTail(whole);

    const recording = store.startRecording(head);
    await recording.add(results.slice(0, 600));
    await recording.add(results.slice(600));
    const { scan, recorded } = await store.finishRecording(recording, tail);

    expect(readFileSync(join(dir, 'scans', '20261204T100000Z-0001.json'), 'utf8')).toBe(storedScanText(whole));
    expect((await store.loadScan(whole.scanId))?.results).toEqual(results);
    expect(scan.results).toEqual(results.filter((f) => f.status !== 'PASS'));
    expect(recorded.counts.new).toBe(results.filter((f) => f.status === 'FAIL').length);
    const state = await store.loadState('aws', ACCOUNT);
    expect(state?.errors).toHaveLength(results.filter((f) => f.status === 'ERROR').length);
  });

  it('resolves a finding that passes next time, though the PASS result itself was not kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-recording-'));
    const store = new ScanStore(new LocalBlobStore(dir));
    await store.recordScan(scanOf('20261204T100000Z-0001', [finding(1, 'FAIL'), finding(2, 'FAIL')], '2026-12-04T10:01:00.000Z'));

    const second = scanOf('20261204T110000Z-0002', [finding(1, 'PASS'), finding(2, 'FAIL')], '2026-12-04T11:01:00.000Z');
    const { head, tail } = headAndTail(second);
    const recording = store.startRecording(head);
    await recording.add(second.results);
    const { scan, recorded } = await store.finishRecording(recording, tail);

    expect(scan.results.map((f) => f.id)).toEqual(['f-2']);
    expect(recorded.counts).toEqual({ new: 0, reopened: 0, resolved: 1, open: 1 });
    const states = Object.fromEntries((await store.loadState('aws', ACCOUNT))?.tracked.map((t) => [t.finding.id, t.state]) ?? []);
    expect(states).toEqual({ 'f-1': 'resolved', 'f-2': 'open' });
  });

  it('queues no alerts when told no channel will deliver them, and still advances the lifecycle', async () => {
    const store = new ScanStore(new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-recording-'))));
    const first = scanOf('20261204T100000Z-0001', [finding(1, 'FAIL')], '2026-12-04T10:01:00.000Z');
    await store.recordScan(first);
    expect((await store.loadState('aws', ACCOUNT))?.pendingAlerts.map((a) => a.kind)).toEqual(['new']);

    const second = scanOf('20261204T110000Z-0002', [finding(1, 'PASS'), finding(2, 'FAIL')], '2026-12-04T11:01:00.000Z');
    const { head, tail } = headAndTail(second);
    const recording = store.startRecording(head);
    await recording.add(second.results);
    const { recorded } = await store.finishRecording(recording, tail, { queueAlerts: false });
    expect(recorded.counts).toMatchObject({ new: 1, resolved: 1 });
    const state = await store.loadState('aws', ACCOUNT);
    expect(state?.pendingAlerts.map((a) => `${a.kind} ${a.finding.id}`)).toEqual(['new f-1']);
    expect(state?.tracked.map((t) => `${t.finding.id} ${t.state}`).sort()).toEqual(['f-1 resolved', 'f-2 new']);
  });

  it('keeps every result when asked (a caller that needs the whole target afterwards)', async () => {
    const store = new ScanStore(new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-recording-'))));
    const whole = scanOf('20261204T100000Z-0003', [finding(1, 'PASS'), finding(2, 'FAIL')], '2026-12-04T10:01:00.000Z');
    const { head, tail } = headAndTail(whole);
    const recording = store.startRecording(head, true);
    await recording.add(whole.results);
    expect((await store.finishRecording(recording, tail)).scan).toEqual(whole);
  });

  it('leaves nothing in the store when aborted, and reports a store that stops reading instead of waiting for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-recording-'));
    const store = new ScanStore(new LocalBlobStore(dir));
    const aborted = store.startRecording(headAndTail(scanOf('20261204T100000Z-0004', [], '2026-12-04T10:01:00.000Z')).head);
    await aborted.add(Array.from({ length: 300 }, (_, n) => finding(n, 'PASS')));
    aborted.abort(new Error('the scan failed'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(join(dir, scanKey('20261204T100000Z-0004')))).toBe(false);
    expect(readdirSync(join(dir, 'scans'))).toEqual([]);

    const refusing = new RefusingStore(dir);
    const failing = new ScanStore(refusing).startRecording(headAndTail(scanOf('20261204T100000Z-0005', [], '2026-12-04T10:01:00.000Z')).head);
    const big = Array.from({ length: 3_000 }, (_, n) => finding(n, 'PASS'));
    await expect((async () => {
      await failing.add(big);
      await failing.add(big);
    })()).rejects.toThrow(/AccessDenied/);
  });
});

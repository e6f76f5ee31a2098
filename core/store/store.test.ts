import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore } from './local.js';
import { ScanStore } from './scans.js';
import type { Finding, ScanDocument } from '../model.js';

function finding(account: string, id: string): Finding {
  return {
    id,
    controlId: 'aws-ebs-volume-encrypted',
    area: 'volumes',
    provider: 'aws',
    account,
    region: 'eu-west-1',
    scope: 'eu-west-1',
    resource: { id, uid: `arn:aws:ec2:eu-west-1:${account}:volume/${id}`, type: 'AWS::EC2::Volume', tags: {} },
    status: 'FAIL',
    severity: 'high',
    title: 't',
    message: 'm',
    remediation: { text: 'r', url: 'https://example.invalid' },
    hipaa: ['164.312(a)(2)(iv)'],
    evidence: [],
  };
}

function scanDoc(scanId: string, finishedAt = '2026-11-23T12:01:00.000Z'): ScanDocument {
  return {
    schemaVersion: 1,
    scanId,
    startedAt: '2026-11-23T12:00:00.000Z',
    finishedAt,
    wardVersion: '0.1.0',
    thresholds: { minLogRetentionDays: 365 },
    controls: ['aws-ebs-volume-encrypted'],
    targets: [
      { provider: 'aws', account: '111111111111', regions: ['eu-west-1'], disabledRegions: [] },
      { provider: 'aws', account: '222222222222', regions: ['eu-west-1'], disabledRegions: [] },
    ],
    coverage: [],
    results: [finding('111111111111', 'vol-1'), finding('222222222222', 'vol-2')],
  };
}

describe('local store', () => {
  it('keeps every scan and the latest state per account, in the shared layout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-store-'));
    const store = new ScanStore(new LocalBlobStore(dir));
    await store.recordScan(scanDoc('20261123T120000Z-aaaa', '2026-11-23T12:01:00.000Z'));
    await store.recordScan(scanDoc('20261124T120000Z-bbbb', '2026-11-24T12:01:00.000Z'));
    expect(await store.listScanIds()).toEqual(['20261123T120000Z-aaaa', '20261124T120000Z-bbbb']);
    expect(readdirSync(join(dir, 'state', 'aws')).sort()).toEqual(['111111111111.json', '222222222222.json']);
    const state = await store.loadState('aws', '222222222222');
    expect(state?.scanId).toBe('20261124T120000Z-bbbb');
    expect(state?.tracked.map((t) => [t.finding.id, t.state])).toEqual([['vol-2', 'open']]);
    expect(state?.pendingAlerts.map((a) => [a.kind, a.finding.id, a.scanId])).toEqual([['new', 'vol-2', '20261123T120000Z-aaaa']]);
    expect((await store.loadScan('20261123T120000Z-aaaa'))?.results).toHaveLength(2);
    expect(await store.loadScan('nope')).toBeUndefined();
  });

  it('records the same scan once: a rerun changes neither lifecycle nor pending alerts', async () => {
    const store = new ScanStore(new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-store-'))));
    const first = await store.recordScan(scanDoc('20261123T120000Z-aaaa'));
    expect(first.counts.new).toBe(2);
    const before = await store.loadAllStates();
    const again = await store.recordScan(scanDoc('20261123T120000Z-aaaa'));
    expect(again.skipped).toEqual(['aws:111111111111', 'aws:222222222222']);
    expect(await store.loadAllStates()).toEqual(before);
    expect(await store.pendingAlerts()).toHaveLength(2);
  });

  it('does not let a late, older scan roll the lifecycle back', async () => {
    const store = new ScanStore(new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-store-'))));
    await store.recordScan(scanDoc('20261124T120000Z-bbbb', '2026-11-24T12:01:00.000Z'));
    const late = await store.recordScan(scanDoc('20261123T120000Z-aaaa', '2026-11-23T12:01:00.000Z'));
    expect(late.skipped).toHaveLength(2);
    expect((await store.loadState('aws', '111111111111'))?.scanId).toBe('20261124T120000Z-bbbb');
  });

  it('removes delivered alerts and keeps the rest pending', async () => {
    const store = new ScanStore(new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-store-'))));
    await store.recordScan(scanDoc('20261123T120000Z-aaaa'));
    const pending = await store.pendingAlerts();
    await store.markDelivered(pending.slice(0, 1));
    expect((await store.pendingAlerts()).map((a) => a.finding.id)).toEqual(pending.slice(1).map((a) => a.finding.id));
  });

  it('replaces a file whole through a temporary file and leaves no temporary behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-store-'));
    const blobs = new LocalBlobStore(dir);
    await blobs.write('state/aws/1.json', '{"v":1}');
    await blobs.write('state/aws/1.json', '{"v":2}');
    expect(readFileSync(join(dir, 'state/aws/1.json'), 'utf8')).toBe('{"v":2}');
    writeFileSync(join(dir, 'state/aws/2.json.123.abcd.tmp'), '{"torn');
    expect(await blobs.list('state/')).toEqual(['state/aws/1.json']);
    expect(readdirSync(join(dir, 'state/aws')).filter((f) => f.endsWith('.tmp'))).toEqual(['2.json.123.abcd.tmp']);
  });

  it('fails the write without touching the old file when the target cannot be replaced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-store-'));
    const blobs = new LocalBlobStore(dir);
    await blobs.write('scans/a.json', 'old');
    await expect(blobs.write('scans', 'x')).rejects.toThrow();
    expect(await blobs.read('scans/a.json')).toBe('old');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses keys that climb out of the store', async () => {
    const blobs = new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-store-')));
    await expect(blobs.write('../escape.json', 'x')).rejects.toThrow(/invalid store key/);
  });
});

describe('local store, bytes and streams', () => {
  it('writes a stream through a temporary file and reads bytes back', async () => {
    const { Readable } = await import('node:stream');
    const dir = mkdtempSync(join(tmpdir(), 'ward-store-'));
    const blobs = new LocalBlobStore(dir);
    await blobs.writeStream('reports/2026-W47/report.csv', Readable.from(['a,b\n', '1,2\n']));
    expect(await blobs.read('reports/2026-W47/report.csv')).toBe('a,b\n1,2\n');
    await blobs.write('bundles/x.zip', new Uint8Array([0x50, 0x4b, 3, 4]));
    expect([...((await blobs.readBytes('bundles/x.zip')) ?? [])]).toEqual([0x50, 0x4b, 3, 4]);
    expect(await blobs.downloadLink('bundles/x.zip', 3600)).toBe(join(dir, 'bundles', 'x.zip'));
    expect(readdirSync(join(dir, 'reports/2026-W47'))).toEqual(['report.csv']);
  });

  it('leaves nothing behind when the stream fails midway', async () => {
    const { Readable } = await import('node:stream');
    const dir = mkdtempSync(join(tmpdir(), 'ward-store-'));
    const blobs = new LocalBlobStore(dir);
    const failing = new Readable({
      read() {
        this.push('partial');
        this.destroy(new Error('generator crashed'));
      },
    });
    await expect(blobs.writeStream('reports/r.json', failing)).rejects.toThrow('generator crashed');
    expect(readdirSync(join(dir, 'reports'))).toEqual([]);
  });
});

describe('local store, concurrent updates', () => {
  it('loses no update when twenty writers change one object at once', async () => {
    const blobs = new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-store-')));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        blobs.update('state/counter.json', (text) => JSON.stringify([...(text === undefined ? [] : (JSON.parse(text) as number[])), i])),
      ),
    );
    const final = JSON.parse((await blobs.read('state/counter.json')) ?? '[]') as number[];
    expect(final.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await blobs.list('state/')).toEqual(['state/counter.json']);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalBlobStore } from '../core/store/local.js';
import { ScanStore } from '../core/store/scans.js';
import { finding, scanOf, scopeError } from '../test/support/findings.js';
import { listFindings } from './findings.js';

describe('listFindings', () => {
  it('filters by lifecycle state, mute and error, and by date of change', async () => {
    const store = new ScanStore(new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-findings-'))));
    await store.recordScan(scanOf([finding('vol-old', 'FAIL'), finding('vol-fixed', 'FAIL'), finding('vol-muted', 'MUTED')], { at: '2026-11-01T00:00:00.000Z' }));
    await store.recordScan(
      scanOf([finding('vol-old', 'FAIL'), finding('vol-fixed', 'PASS'), finding('vol-muted', 'MUTED'), finding('vol-new', 'FAIL'), scopeError('aws-ebs-volume-encrypted', 'us-east-1')], {
        at: '2026-11-08T00:00:00.000Z',
      }),
    );
    const ids = async (options: Parameters<typeof listFindings>[1]) => (await listFindings(store, options)).map((r) => r.finding.resource.id).sort();
    expect(await ids({ status: 'new' })).toEqual(['vol-new']);
    expect(await ids({ status: 'open' })).toEqual(['vol-new', 'vol-old']);
    expect(await ids({ status: 'muted' })).toEqual(['vol-muted']);
    expect(await ids({ status: 'resolved' })).toEqual(['vol-fixed']);
    expect(await ids({ status: 'error' })).toEqual(['111122223333/us-east-1']);
    expect(await ids({})).toEqual(['111122223333/us-east-1', 'vol-muted', 'vol-new', 'vol-old']);
    expect(await ids({ since: new Date('2026-11-05T00:00:00Z') })).toEqual(['111122223333/us-east-1', 'vol-new']);
  });
});

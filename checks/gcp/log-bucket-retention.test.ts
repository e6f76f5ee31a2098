import { describe, expect, it } from 'vitest';
import control from './log-bucket-retention.js';
import { collected, judge, statuses } from '../../test/support/checks.js';
import type { LogBucket, LogBucketRecord } from '../../providers/gcp/datasets.js';

const API = 'cloudasset:ListAssets(logging.googleapis.com/LogBucket)';

function bucket(id: string, data: Omit<LogBucket, 'name'>, location = 'global'): LogBucketRecord {
  return {
    asset: { name: `//logging.googleapis.com/projects/p/locations/${location}/buckets/${id}`, assetType: 'logging.googleapis.com/LogBucket', location },
    data: { name: `projects/p/locations/${location}/buckets/${id}`, ...data },
  };
}

const buckets = (items: LogBucketRecord[]) => ({ buckets: collected(API, items, 'global') });

describe('gcp-log-bucket-retention', () => {
  it('fails _Default at its 30 days and passes a bucket at 3650 against the 365-day default', () => {
    const results = judge(control, buckets([bucket('_Default', { retentionDays: 30 }), bucket('archive', { retentionDays: 3650, locked: true }, 'us-central1')]));
    expect(statuses(results)).toEqual({ _Default: 'FAIL', archive: 'PASS' });
    expect(results[0]?.message).toContain('30 days, fewer than the 365 days');
    expect(results[1]?.region).toBe('us-central1');
    expect(results[0]?.resource).toMatchObject({ id: '_Default', uid: '//logging.googleapis.com/projects/p/locations/global/buckets/_Default', type: 'logging.googleapis.com/LogBucket' });
  });

  it('reads an unset or zero retentionDays as the 30-day default, never as "forever"', () => {
    const results = judge(control, buckets([bucket('unset', {}), bucket('zero', { retentionDays: 0 })]));
    expect(statuses(results)).toEqual({ unset: 'FAIL', zero: 'FAIL' });
    expect(results[0]?.message).toContain('retentionDays unset: the Cloud Logging default');
    expect(results[1]?.message).toContain('retentionDays 0');
  });

  it('compares with the configured threshold, inclusively', () => {
    const items = [bucket('a', { retentionDays: 2190 }), bucket('b', { retentionDays: 2189 }), bucket('c', { retentionDays: 365 })];
    expect(statuses(judge(control, buckets(items), { minLogRetentionDays: 2190 }))).toEqual({ a: 'PASS', b: 'FAIL', c: 'FAIL' });
    expect(statuses(judge(control, buckets(items)))).toEqual({ a: 'PASS', b: 'PASS', c: 'PASS' });
  });

  it('passes _Required at its fixed 400 days under 365, and is NOT_ASSESSABLE (not FAIL) under a six-year policy', () => {
    const required = bucket('_Required', { retentionDays: 400, locked: true });
    expect(judge(control, buckets([required]))[0]?.status).toBe('PASS');
    const [sixYears] = judge(control, buckets([required]), { minLogRetentionDays: 2190 });
    expect(sixYears?.status).toBe('NOT_ASSESSABLE');
    expect(sixYears?.message).toContain('sink');
  });

  it('notes a locked bucket and a bucket pending deletion', () => {
    const results = judge(control, buckets([bucket('locked', { retentionDays: 90, locked: true }), bucket('leaving', { retentionDays: 400, lifecycleState: 'DELETE_REQUESTED' })]));
    expect(results[0]?.message).toContain('locked');
    expect(results[1]?.message).toContain('DELETE_REQUESTED');
  });

  it('quotes the bucket fields as evidence and yields nothing without buckets', () => {
    const [result] = judge(control, buckets([bucket('_Default', { retentionDays: 30 })]));
    expect(result?.evidence[0]).toMatchObject({ api: API, fields: { name: 'projects/p/locations/global/buckets/_Default', retentionDays: 30 } });
    expect(judge(control, buckets([]))).toEqual([]);
  });
});

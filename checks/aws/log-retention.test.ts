import { describe, expect, it } from 'vitest';
import control from './log-retention.js';
import { ACCOUNT, collected, judge, statuses } from '../../test/support/checks.js';
import type { LogGroupRecord } from '../../providers/aws/datasets.js';
import { affectedBy } from '../../core/change-events.js';
import { trailDetail } from '../../test/support/change-events.js';

const groups = (items: LogGroupRecord[]) => ({ groups: collected('logs:DescribeLogGroups', items, 'eu-west-1') });
const group = (name: string, retentionInDays?: number, extra: Partial<LogGroupRecord> = {}): LogGroupRecord => ({
  logGroupName: name,
  arn: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:${name}:*`,
  ...(retentionInDays === undefined ? {} : { retentionInDays }),
  logGroupClass: 'STANDARD',
  ...extra,
});

describe('aws-log-retention', () => {
  it('has the metadata the product table gives it', () => {
    expect(control).toMatchObject({ id: 'aws-log-retention', area: 'retention', severity: 'medium', scope: 'region', hipaa: ['164.312(b)', '164.316(b)(2)(i)'] });
  });

  it('fails a group below the threshold, stating both numbers, and passes one at or above it', () => {
    const results = judge(control, groups([group('/short', 30), group('/exact', 365), group('/long', 3653)]), { region: 'eu-west-1' });
    expect(statuses(results)).toEqual({ '/short': 'FAIL', '/exact': 'PASS', '/long': 'PASS' });
    const failed = results[0];
    expect(failed?.message).toContain('30 days');
    expect(failed?.message).toContain('365');
    expect(failed?.message).toContain('/short');
    expect(failed?.evidence).toEqual([
      { api: 'logs:DescribeLogGroups', region: 'eu-west-1', readAt: expect.any(String), fields: { logGroupName: '/short', retentionInDays: 30, logGroupClass: 'STANDARD' } },
    ]);
  });

  it('passes a group without retention (never expires), saying so', () => {
    const [result] = judge(control, groups([group('/forever')]));
    expect(result?.status).toBe('PASS');
    expect(result?.message).toContain('never expires');
  });

  it('uses the configured threshold (hipaa-6y: 2190 days)', () => {
    const results = judge(control, groups([group('/year', 365), group('/six', 2192)]), { minLogRetentionDays: 2190 });
    expect(statuses(results)).toEqual({ '/year': 'FAIL', '/six': 'PASS' });
    expect(results[0]?.message).toContain('2190');
  });

  it('strips the trailing :* from the ARN for the uid, and builds one when absent', () => {
    const results = judge(control, groups([group('/a', 400), { logGroupName: '/b', retentionInDays: 400 }, group('/c', 400, { arn: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/c` })]), {
      region: 'eu-west-1',
    });
    expect(results.map((r) => r.resource.uid)).toEqual([
      `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/a`,
      `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/b`,
      `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/c`,
    ]);
    expect(results[0]?.resource).toMatchObject({ id: '/a', name: '/a', type: 'AWS::Logs::LogGroup' });
  });

  it('does not judge Delivery-class groups on their built-in one-day retention: NOT_ASSESSABLE, pointing at the destination', () => {
    const results = judge(control, groups([group('/aws/vendedlogs/x', 1, { logGroupClass: 'DELIVERY' }), group('/aws/vendedlogs/y', undefined, { logGroupClass: 'DELIVERY' })]));
    expect(statuses(results)).toEqual({ '/aws/vendedlogs/x': 'NOT_ASSESSABLE', '/aws/vendedlogs/y': 'NOT_ASSESSABLE' });
    expect(results[0]?.message).toContain('S3');
  });

  it('judges Infrequent Access groups like Standard ones', () => {
    expect(statuses(judge(control, groups([group('/ia', 90, { logGroupClass: 'INFREQUENT_ACCESS' })])))).toEqual({ '/ia': 'FAIL' });
  });

  it('runs over 100,000 log groups quickly', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => group(`/aws/lambda/fn-${i}`, i % 2 === 0 ? 30 : undefined));
    const started = performance.now();
    const results = judge(control, groups(many));
    const elapsed = performance.now() - started;
    expect(results).toHaveLength(100_000);
    expect(results.filter((r) => r.status === 'FAIL')).toHaveLength(50_000);
    expect(elapsed).toBeLessThan(2_000);
  });
});

describe('aws-log-retention change events', () => {
  it('re-reads the log group named in the request', () => {
    for (const name of ['PutRetentionPolicy', 'DeleteRetentionPolicy', 'CreateLogGroup']) {
      expect(affectedBy(control, trailDetail('logs.amazonaws.com', name, { logGroupName: '/aws/lambda/ehr' }))).toEqual({ resourceKind: 'logs:log-group', resourceIds: ['/aws/lambda/ehr'] });
    }
    expect(affectedBy(control, trailDetail('logs.amazonaws.com', 'PutLogEvents', { logGroupName: '/x' }))).toBeUndefined();
  });
});

import { parse } from 'junit2json';
import { describe, expect, it } from 'vitest';
import { finding, scanOf } from '../test/support/findings.js';
import { renderJunit } from './junit.js';

describe('JUnit output', () => {
  it('has one test case per control × resource, failures as failures, and parses as JUnit', async () => {
    const scan = scanOf([
      finding('vol-a', 'FAIL', { message: 'vol-a <is> "not" encrypted & \u0007 rung' }),
      finding('vol-b', 'PASS'),
      finding('vol-c', 'MUTED', { mute: { index: 0, reason: 'Synthetic data only', owner: 'ops@example.com', expires: '2027-01-01' } }),
      finding('scope', 'ERROR'),
      finding('db-a', 'FAIL', { controlId: 'aws-rds-not-public', severity: 'critical' }),
      finding('db-b', 'NOT_ASSESSABLE', { controlId: 'aws-rds-not-public' }),
    ]);
    const report = await parse(renderJunit(scan));
    expect(report).toMatchObject({ tests: 6, failures: 2, errors: 1, skipped: 2 });
    const suites = (report as { testsuite: Array<{ name: string; tests: number; testcase: Array<{ classname: string; name: string; failure?: Array<{ message: string; type: string }>; error?: unknown[]; skipped?: Array<{ message: string }> }> }> }).testsuite;
    expect(suites.map((s) => [s.name, s.tests])).toEqual([
      ['aws-ebs-volume-encrypted', 4],
      ['aws-rds-not-public', 2],
    ]);
    const cases = suites.flatMap((s) => s.testcase);
    const caseFor = (id: string) => cases.find((c) => c.name.endsWith(`/${id}`));
    expect(caseFor('vol-a')?.failure?.[0]).toMatchObject({ message: 'vol-a <is> "not" encrypted & \uFFFD rung', type: 'high' });
    expect(caseFor('vol-a')?.name).toBe('aws:111122223333/eu-west-1 arn:aws:ec2:eu-west-1:111122223333:volume/vol-a');
    expect(caseFor('vol-b')?.failure).toBeUndefined();
    expect(caseFor('vol-c')?.skipped?.[0]?.message).toContain('muted until 2027-01-01 by ops@example.com');
    expect(caseFor('scope')?.error).toHaveLength(1);
    expect(caseFor('db-a')?.failure?.[0]?.type).toBe('critical');
  });
});

import { describe, expect, it } from 'vitest';
import control from './console-user-mfa.js';
import { ACCOUNT, collected, judge, statuses } from '../../test/support/checks.js';
import type { CredentialReportRow } from '../../providers/aws/datasets.js';
import { affectedBy } from '../../core/change-events.js';
import { trailDetail } from '../../test/support/change-events.js';

const GENERATED = '2026-11-23T10:00:00+00:00';
const row = (user: string, extra: Partial<CredentialReportRow> = {}): CredentialReportRow => ({
  user,
  arn: `arn:aws:iam::${ACCOUNT}:user/${user}`,
  user_creation_time: '2024-01-01T00:00:00+00:00',
  password_enabled: 'true',
  password_last_used: '2026-11-20T08:15:00+00:00',
  mfa_active: 'false',
  generatedTime: GENERATED,
  ...extra,
});
const report = (rows: CredentialReportRow[]) => ({ report: collected('iam:GetCredentialReport', rows, 'global') });

describe('aws-console-user-mfa', () => {
  it('has the metadata the product table gives it', () => {
    expect(control).toMatchObject({ id: 'aws-console-user-mfa', area: 'mfa', severity: 'high', scope: 'account', hipaa: ['164.312(d)'] });
  });

  it('fails a console user without MFA, with last use and the report time', () => {
    const [result] = judge(control, report([row('alice')]));
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('alice');
    expect(result?.message).toContain('password last used 2026-11-20T08:15:00+00:00');
    expect(result?.message).toContain(GENERATED);
    expect(result?.resource).toEqual({ id: 'alice', uid: `arn:aws:iam::${ACCOUNT}:user/alice`, type: 'AWS::IAM::User', name: 'alice', tags: {} });
    expect(result?.evidence).toEqual([
      {
        api: 'iam:GetCredentialReport',
        region: 'global',
        readAt: expect.any(String),
        fields: {
          user: 'alice',
          arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
          password_enabled: 'true',
          password_last_used: '2026-11-20T08:15:00+00:00',
          mfa_active: 'false',
          generatedTime: GENERATED,
        },
      },
    ]);
  });

  it('does not print an empty report time', () => {
    const [result] = judge(control, report([row('no-time', { generatedTime: '' })]));
    expect(result?.message).toContain('credential report generated at a time not reported)');
  });

  it('says "never used" when the password has no recorded use', () => {
    const [result] = judge(control, report([row('bob', { password_last_used: 'no_information' })]));
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('password never used');
    expect(result?.message).not.toContain('no_information');
  });

  it('passes a console user with MFA', () => {
    const [result] = judge(control, report([row('carol', { mfa_active: 'true' })]));
    expect(result?.status).toBe('PASS');
    expect(result?.message).toContain('has MFA');
  });

  it('passes users without a console password, whatever the non-true value', () => {
    const results = judge(
      control,
      report([
        row('api-only', { password_enabled: 'false', password_last_used: 'N/A' }),
        row('odd', { password_enabled: 'not_supported', password_last_used: 'N/A' }),
        row('na', { password_enabled: 'N/A' }),
        row('blank', { password_enabled: '' }),
      ]),
    );
    expect(statuses(results)).toEqual({ 'api-only': 'PASS', odd: 'PASS', na: 'PASS', blank: 'PASS' });
    for (const result of results) expect(result.message).toContain('no console password');
    expect(results[0]?.message).not.toContain('N/A');
  });

  it('reads password_enabled and mfa_active case-insensitively', () => {
    const results = judge(control, report([row('upper', { password_enabled: 'TRUE', mfa_active: 'FALSE' }), row('upper-mfa', { password_enabled: 'TRUE', mfa_active: 'TRUE' })]));
    expect(statuses(results)).toEqual({ upper: 'FAIL', 'upper-mfa': 'PASS' });
  });

  it('skips the root row (root MFA has its own control)', () => {
    const results = judge(control, report([row('<root_account>', { arn: `arn:aws:iam::${ACCOUNT}:root`, password_enabled: 'not_supported' }), row('dave', { mfa_active: 'true' })]));
    expect(statuses(results)).toEqual({ dave: 'PASS' });
  });

  it('builds the user ARN when the row has none', () => {
    const [result] = judge(control, report([row('eve', { arn: '' })]));
    expect(result?.resource.uid).toBe(`arn:aws:iam::${ACCOUNT}:user/eve`);
  });

  it('uses the report ARN, path included', () => {
    const [result] = judge(control, report([row('frank', { arn: `arn:aws:iam::${ACCOUNT}:user/ops/frank` })]));
    expect(result?.resource.uid).toBe(`arn:aws:iam::${ACCOUNT}:user/ops/frank`);
  });

  it('yields nothing when the report only has the root row', () => {
    expect(judge(control, report([row('<root_account>')]))).toEqual([]);
  });
});

describe('aws-console-user-mfa change events', () => {
  it('re-reads the account when a console password or an MFA device changes', () => {
    expect(affectedBy(control, trailDetail('iam.amazonaws.com', 'CreateLoginProfile', { userName: 'alice' }))).toEqual({});
    expect(affectedBy(control, trailDetail('iam.amazonaws.com', 'DeactivateMFADevice', { userName: 'alice' }))).toEqual({});
    expect(affectedBy(control, trailDetail('iam.amazonaws.com', 'CreateAccessKey', { userName: 'alice' }))).toBeUndefined();
  });
});

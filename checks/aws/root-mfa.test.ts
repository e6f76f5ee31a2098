import { describe, expect, it } from 'vitest';
import control from './root-mfa.js';
import { ACCOUNT, collected, judge } from '../../test/support/checks.js';
import type { AccountSummaryRecord } from '../../providers/aws/datasets.js';
import { affectedBy } from '../../core/change-events.js';
import { trailDetail } from '../../test/support/change-events.js';

const summary = (items: AccountSummaryRecord[]) => ({ summary: collected('iam:GetAccountSummary', items, 'global') });
const only = (items: AccountSummaryRecord[]) => {
  const results = judge(control, summary(items));
  expect(results).toHaveLength(1);
  const [result] = results;
  if (result === undefined) throw new Error('no result');
  return result;
};

describe('aws-root-mfa', () => {
  it('has the metadata the product table gives it', () => {
    expect(control).toMatchObject({ id: 'aws-root-mfa', area: 'mfa', severity: 'critical', scope: 'account', hipaa: ['164.312(d)'] });
  });

  it('passes when the root user has MFA, naming the account root as the resource', () => {
    const result = only([{ AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, Users: 4 }]);
    expect(result.status).toBe('PASS');
    expect(result.message).toContain(ACCOUNT);
    expect(result.resource).toMatchObject({ uid: `arn:aws:iam::${ACCOUNT}:root`, type: 'AWS::IAM::RootUser' });
    expect(result.evidence).toEqual([
      {
        api: 'iam:GetAccountSummary',
        region: 'global',
        readAt: expect.any(String),
        fields: { AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: undefined },
      },
    ]);
  });

  it('fails when the root user has a password and no MFA', () => {
    const result = only([{ AccountMFAEnabled: 0, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0 }]);
    expect(result.status).toBe('FAIL');
    expect(result.severity).toBeUndefined();
    expect(result.message).toContain('no MFA device');
    expect(result.message).toContain('a root password is set');
  });

  it('fails when the root user has access keys and no MFA, even without a password', () => {
    const result = only([{ AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 1 }]);
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('root access keys exist');
  });

  it('passes when root credentials were removed (centralized root access): no password, no access keys', () => {
    const result = only([{ AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 0 }]);
    expect(result.status).toBe('PASS');
    expect(result.message).toContain('cannot sign in');
    expect(result.message).toContain('centralized root access');
  });

  it('notes a leftover root signing certificate when credentials were otherwise removed', () => {
    const result = only([{ AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 1 }]);
    expect(result.status).toBe('PASS');
    expect(result.message).toContain('signing certificate');
  });

  it('fails when AccountPasswordPresent is absent (an older response): a password cannot be ruled out', () => {
    const result = only([{ AccountMFAEnabled: 0, AccountAccessKeysPresent: 0 }]);
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('AccountPasswordPresent absent');
    // Neither a password nor keys are shown, so "can still authenticate" would overstate it.
    expect(result.message).toContain('cannot be shown to be unable to authenticate');
    expect(only([{ AccountMFAEnabled: 0, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0 }]).message).toContain('can still authenticate: a root password is set');
  });

  it('reports ERROR when AccountMFAEnabled is absent', () => {
    const result = only([{ AccountPasswordPresent: 1 }]);
    expect(result.status).toBe('ERROR');
    expect(result.message).toContain('AccountMFAEnabled');
    expect(result.evidence[0]?.api).toBe('iam:GetAccountSummary');
  });

  it('reports ERROR when there is no summary at all', () => {
    const result = only([]);
    expect(result.status).toBe('ERROR');
    expect(result.message).toContain('no SummaryMap');
  });
});

describe('aws-root-mfa change events', () => {
  it('re-reads the account summary when an MFA device is deactivated', () => {
    expect(affectedBy(control, trailDetail('iam.amazonaws.com', 'DeactivateMFADevice', { serialNumber: 'arn:aws:iam::111122223333:mfa/root-account-mfa-device' }))).toEqual({});
    expect(affectedBy(control, trailDetail('iam.amazonaws.com', 'CreateLoginProfile', { userName: 'a' }))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import control from './ebs-encryption-by-default.js';
import { ACCOUNT, collected, judge } from '../../test/support/checks.js';
import type { EbsDefaultEncryptionRecord } from '../../providers/aws/datasets.js';
import { affectedBy } from '../../core/change-events.js';
import { trailDetail } from '../../test/support/change-events.js';

const setting = (items: EbsDefaultEncryptionRecord[]) => ({ setting: collected('ec2:GetEbsEncryptionByDefault', items, 'eu-west-1') });

describe('aws-ebs-encryption-by-default', () => {
  it('has the metadata the product table gives it', () => {
    expect(control).toMatchObject({ id: 'aws-ebs-encryption-by-default', provider: 'aws', area: 'volumes', severity: 'medium', scope: 'region', hipaa: ['164.312(a)(2)(iv)'] });
    expect(control.remediation.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });

  it('passes a region where encryption by default is on', () => {
    const [result, ...rest] = judge(control, setting([{ EbsEncryptionByDefault: true }]), { region: 'eu-west-1' });
    expect(rest).toEqual([]);
    expect(result?.status).toBe('PASS');
    expect(result?.message).toContain('eu-west-1');
    expect(result?.resource).toMatchObject({
      id: `${ACCOUNT}/eu-west-1/ebs-encryption-by-default`,
      uid: `arn:aws:ec2:eu-west-1:${ACCOUNT}:ebs-encryption-by-default`,
      type: 'AWS::EC2::EbsEncryptionByDefault',
    });
    expect(result?.evidence).toEqual([{ api: 'ec2:GetEbsEncryptionByDefault', region: 'eu-west-1', readAt: expect.any(String), fields: { EbsEncryptionByDefault: true } }]);
  });

  it('fails a region where it is off, saying so', () => {
    const [result] = judge(control, setting([{ EbsEncryptionByDefault: false }]), { region: 'eu-west-1' });
    expect(result?.status).toBe('FAIL');
    expect(result?.severity).toBeUndefined();
    expect(result?.message).toContain('disabled');
    expect(result?.message).toContain('eu-west-1');
  });

  it('fails when the field is absent (not shown to be enabled)', () => {
    const [result] = judge(control, setting([{}]));
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('absent');
  });

  it('reports ERROR, not a silent pass, when the API returned no setting', () => {
    const results = judge(control, setting([]), { region: 'eu-west-1' });
    expect(results).toHaveLength(1);
    expect(results[0]?.status).toBe('ERROR');
    expect(results[0]?.message).toContain('returned no setting');
    expect(results[0]?.evidence[0]?.api).toBe('ec2:GetEbsEncryptionByDefault');
  });
});

describe('aws-ebs-encryption-by-default change events', () => {
  it('re-reads the region setting when default encryption is turned off or on', () => {
    expect(affectedBy(control, trailDetail('ec2.amazonaws.com', 'DisableEbsEncryptionByDefault'))).toEqual({});
    expect(affectedBy(control, trailDetail('ec2.amazonaws.com', 'EnableEbsEncryptionByDefault'))).toEqual({});
    expect(affectedBy(control, trailDetail('ec2.amazonaws.com', 'CreateVolume'))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import control from './ebs-volume-encrypted.js';
import { ACCOUNT, collected, judge, statuses } from '../../test/support/checks.js';
import type { VolumeRecord } from '../../providers/aws/datasets.js';
import { affectedBy } from '../../core/change-events.js';
import { trailDetail } from '../../test/support/change-events.js';

const volumes = (items: VolumeRecord[]) => ({ volumes: collected('ec2:DescribeVolumes', items, 'eu-west-1') });

describe('aws-ebs-volume-encrypted', () => {
  it('passes an encrypted volume and fails an unencrypted one, naming it', () => {
    const results = judge(
      control,
      volumes([
        { VolumeId: 'vol-enc', Encrypted: true, KmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/k1', State: 'in-use' },
        { VolumeId: 'vol-plain', Encrypted: false, Size: 100, State: 'in-use', Attachments: [{ InstanceId: 'i-123' }], Tags: [{ Key: 'Name', Value: 'ehr-db-data' }] },
      ]),
      { region: 'eu-west-1' },
    );
    expect(statuses(results)).toEqual({ 'vol-enc': 'PASS', 'vol-plain': 'FAIL' });
    const failed = results.find((r) => r.status === 'FAIL');
    expect(failed?.message).toContain('vol-plain');
    expect(failed?.message).toContain('i-123');
    expect(failed?.resource).toMatchObject({
      uid: `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-plain`,
      name: 'ehr-db-data',
      type: 'AWS::EC2::Volume',
      tags: { Name: 'ehr-db-data' },
    });
    expect(failed?.evidence).toEqual([
      { api: 'ec2:DescribeVolumes', region: 'eu-west-1', readAt: expect.any(String), fields: { VolumeId: 'vol-plain', Encrypted: false, KmsKeyId: undefined } },
    ]);
  });

  it('says "size not reported" and "instance not reported" rather than "?" or "not attached"', () => {
    const [result] = judge(control, volumes([{ VolumeId: 'vol-odd', Encrypted: false, State: 'in-use', Attachments: [{ State: 'attached', Device: '/dev/xvdf' }] }]), { region: 'eu-west-1' });
    expect(result?.message).toBe('Volume vol-odd (size not reported, attached (instance not reported)) is not encrypted.');
  });

  it('treats a volume whose Encrypted field is absent as not shown to be encrypted', () => {
    expect(statuses(judge(control, volumes([{ VolumeId: 'vol-x' }])))).toEqual({ 'vol-x': 'FAIL' });
  });

  it('judges unattached volumes too (their data is still there)', () => {
    const [result] = judge(control, volumes([{ VolumeId: 'vol-spare', Encrypted: false, State: 'available', Attachments: [] }]));
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('not attached');
  });

  it('yields nothing for a region without volumes', () => {
    expect(judge(control, volumes([]))).toEqual([]);
  });
});

describe('aws-ebs-volume-encrypted change events', () => {
  it('re-reads the volume CreateVolume returns and the one DeleteVolume names', () => {
    expect(affectedBy(control, trailDetail('ec2.amazonaws.com', 'CreateVolume', { size: 8, encrypted: false }, { volumeId: 'vol-0a1', encrypted: false }))).toEqual({ resourceKind: 'ec2:volume', resourceIds: ['vol-0a1'] });
    expect(affectedBy(control, trailDetail('ec2.amazonaws.com', 'DeleteVolume', { volumeId: 'vol-0b2' }))?.resourceIds).toEqual(['vol-0b2']);
    expect(affectedBy(control, trailDetail('ec2.amazonaws.com', 'AttachVolume', { volumeId: 'vol-0b2' }))).toBeUndefined();
  });
});

import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import { ec2Volumes } from '../../providers/aws/datasets.js';
import { awsResource, ec2Arn } from './support/resources.js';
import { idsAt } from '../../core/change-events.js';

export default defineControl({
  id: 'aws-ebs-volume-encrypted',
  provider: 'aws',
  area: 'volumes',
  title: 'EBS volumes are encrypted at rest',
  severity: 'high',
  hipaa: ['164.312(a)(2)(iv)'],
  scope: 'region',
  changeEvents: {
    cloudTrail: {
      resourceKind: 'ec2:volume',
      events: [{ source: 'ec2.amazonaws.com', names: ['CreateVolume', 'DeleteVolume'], resourceIds: idsAt('responseElements.volumeId', 'requestParameters.volumeId') }],
    },
  },
  description:
    'Every EBS volume in every enabled region must be encrypted. An unencrypted volume keeps its data, its snapshots and any copy of them readable to whoever gets the blocks.',
  remediation: {
    text: 'EBS volumes cannot be encrypted in place: snapshot the volume, copy the snapshot with encryption enabled (a KMS key you control), create a volume from the copy and swap it in. Turn on EBS encryption by default so new volumes are encrypted.',
    url: 'https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html',
  },
  reads: { volumes: ec2Volumes },
  evaluate({ volumes }, _context, ctx) {
    return volumes.items.map((volume): Judgement => {
      const id = volume.VolumeId ?? '(unknown volume)';
      const resource = awsResource(ec2Arn(ctx.region, ctx.account, 'volume', id), id, 'AWS::EC2::Volume', volume.Tags);
      const evidence = [evidenceFrom(volumes, { VolumeId: volume.VolumeId, Encrypted: volume.Encrypted, KmsKeyId: volume.KmsKeyId })];
      const attachments = volume.Attachments ?? [];
      const attachedTo = attachments.map((a) => a.InstanceId).filter((i): i is string => i !== undefined && i !== '');
      const where =
        attachedTo.length > 0
          ? `attached to ${attachedTo.join(', ')}`
          : attachments.length > 0
            ? 'attached (instance not reported)'
            : `not attached (state ${volume.State ?? 'not reported'})`;
      if (volume.Encrypted === true) {
        return { resource, status: 'PASS', message: `Volume ${id} is encrypted with ${volume.KmsKeyId ?? 'a KMS key'}.`, evidence };
      }
      // Encrypted absent is treated as unencrypted: the API always sets it, so absence means we cannot show encryption.
      return { resource, status: 'FAIL', message: `Volume ${id} (${volume.Size === undefined ? 'size not reported' : `${volume.Size} GiB`}, ${where}) is not encrypted.`, evidence };
    });
  },
});

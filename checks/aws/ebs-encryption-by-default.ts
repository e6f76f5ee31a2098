import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import { ebsDefaultEncryption } from '../../providers/aws/datasets.js';
import { accountSetting } from './support/resources.js';

export default defineControl({
  id: 'aws-ebs-encryption-by-default',
  provider: 'aws',
  area: 'volumes',
  title: 'EBS encryption by default is enabled',
  severity: 'medium',
  hipaa: ['164.312(a)(2)(iv)'],
  scope: 'region',
  changeEvents: {
    cloudTrail: { events: [{ source: 'ec2.amazonaws.com', names: ['EnableEbsEncryptionByDefault', 'DisableEbsEncryptionByDefault'] }] },
  },
  description:
    'EBS encryption by default is a per-region account setting: when it is on, every new volume and snapshot copy in the region is encrypted, whoever creates it and however. Without it, an unencrypted volume is one forgotten flag away.',
  remediation: {
    text: 'Enable it in each region: EC2 console > Settings > Data protection and security > EBS encryption > Always encrypt new EBS volumes, or `aws ec2 enable-ebs-encryption-by-default --region <region>`. Optionally set a customer managed KMS key with `modify-ebs-default-kms-key-id`. Existing volumes are not changed.',
    url: 'https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html',
  },
  reads: { setting: ebsDefaultEncryption },
  evaluate({ setting }, _context, ctx): Judgement[] {
    const resource = accountSetting('ec2', ctx.account, ctx.region, 'ebs-encryption-by-default', 'AWS::EC2::EbsEncryptionByDefault');
    const item = setting.items[0];
    if (item === undefined) {
      return [
        {
          resource,
          status: 'ERROR',
          message: `GetEbsEncryptionByDefault returned no setting for ${ctx.region}, so whether new volumes are encrypted by default could not be assessed.`,
          evidence: [evidenceFrom(setting, {})],
        },
      ];
    }
    const evidence = [evidenceFrom(setting, { EbsEncryptionByDefault: item.EbsEncryptionByDefault })];
    if (item.EbsEncryptionByDefault === true) {
      return [{ resource, status: 'PASS', message: `EBS encryption by default is enabled in ${ctx.region}: new volumes are encrypted.`, evidence }];
    }
    const why =
      item.EbsEncryptionByDefault === false
        ? 'is disabled (EbsEncryptionByDefault false)'
        : 'could not be shown to be enabled (EbsEncryptionByDefault absent from the response)';
    return [{ resource, status: 'FAIL', message: `EBS encryption by default ${why} in ${ctx.region}: new volumes are created unencrypted unless each request asks for encryption.`, evidence }];
  },
});

import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import { iamAccountSummary } from '../../providers/aws/datasets.js';
import { accountSetting } from './support/resources.js';

export default defineControl({
  id: 'aws-root-mfa',
  provider: 'aws',
  area: 'mfa',
  title: 'The root user has MFA',
  severity: 'critical',
  hipaa: ['164.312(d)'],
  scope: 'account',
  changeEvents: {
    // IAM is global: its events arrive in us-east-1 and re-read the account.
    cloudTrail: { events: [{ source: 'iam.amazonaws.com', names: ['EnableMFADevice', 'DeactivateMFADevice', 'DeleteVirtualMFADevice'] }] },
  },
  description:
    'The root user can do anything in the account, including close it, and no policy restricts it; it must have an MFA device. An account whose root credentials were removed through AWS Organizations centralized root access (no root password, no root access keys) passes: its root user cannot sign in.',
  remediation: {
    text: 'Sign in as the root user and assign an MFA device (IAM console > Security credentials > Multi-factor authentication), preferably a FIDO2 security key or passkey. For member accounts of an AWS Organization, you can instead remove root credentials with centralized root access management.',
    url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html',
  },
  reads: { summary: iamAccountSummary },
  evaluate({ summary }, _context, ctx): Judgement[] {
    const resource = accountSetting('iam', ctx.account, 'global', 'root', 'AWS::IAM::RootUser');
    const map = summary.items[0];
    if (map === undefined) {
      return [{ resource, status: 'ERROR', message: `GetAccountSummary returned no SummaryMap for account ${ctx.account}, so root MFA could not be assessed.`, evidence: [evidenceFrom(summary, {})] }];
    }
    const mfa = map['AccountMFAEnabled'];
    const password = map['AccountPasswordPresent'];
    const accessKeys = map['AccountAccessKeysPresent'];
    const certificates = map['AccountSigningCertificatesPresent'];
    const evidence = [
      evidenceFrom(summary, {
        AccountMFAEnabled: mfa,
        AccountPasswordPresent: password,
        AccountAccessKeysPresent: accessKeys,
        AccountSigningCertificatesPresent: certificates,
      }),
    ];
    if (mfa === undefined) {
      return [{ resource, status: 'ERROR', message: `GetAccountSummary's SummaryMap has no AccountMFAEnabled key for account ${ctx.account}, so root MFA could not be assessed.`, evidence }];
    }
    if (mfa > 0) {
      return [{ resource, status: 'PASS', message: `The root user of account ${ctx.account} has MFA enabled (AccountMFAEnabled ${mfa}).`, evidence }];
    }
    if (password === 0 && accessKeys === 0) {
      const certs = certificates !== undefined && certificates > 0 ? ` Note: the root user still has a signing certificate (AccountSigningCertificatesPresent ${certificates}); delete it.` : '';
      return [
        {
          resource,
          status: 'PASS',
          message: `The root user of account ${ctx.account} has no MFA, but its credentials are removed (AccountPasswordPresent 0, AccountAccessKeysPresent 0, as with AWS Organizations centralized root access management), so it cannot sign in.${certs}`,
          evidence,
        },
      ];
    }
    const credentials = [
      password === undefined ? 'AccountPasswordPresent absent (a root password cannot be ruled out)' : password > 0 ? 'a root password is set' : 'no root password',
      accessKeys === undefined ? 'AccountAccessKeysPresent absent' : accessKeys > 0 ? 'root access keys exist' : 'no root access keys',
    ];
    const canAuthenticate = (password !== undefined && password > 0) || (accessKeys !== undefined && accessKeys > 0);
    return [
      {
        resource,
        status: 'FAIL',
        message: `The root user of account ${ctx.account} has no MFA device (AccountMFAEnabled ${mfa}) and ${canAuthenticate ? 'can still authenticate' : 'cannot be shown to be unable to authenticate'}: ${credentials.join(', ')}.`,
        evidence,
      },
    ];
  },
});

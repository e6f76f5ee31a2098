import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import type { CredentialReportRow } from '../../providers/aws/datasets.js';
import { iamCredentialReport } from '../../providers/aws/datasets.js';

const ROOT_ROW = '<root_account>';

/** Only `true` is a console password; `false`, `not_supported`, `N/A` and the like are not. */
function hasConsolePassword(row: CredentialReportRow): boolean {
  return row.password_enabled.trim().toLowerCase() === 'true';
}

function lastUsed(row: CredentialReportRow): string | undefined {
  const value = row.password_last_used.trim();
  if (value === 'no_information') return 'password never used';
  if (value === '' || value.toUpperCase() === 'N/A') return undefined;
  return `password last used ${value}`;
}

export default defineControl({
  id: 'aws-console-user-mfa',
  provider: 'aws',
  area: 'mfa',
  title: 'IAM users who can sign in to the console have MFA',
  severity: 'high',
  hipaa: ['164.312(d)'],
  scope: 'account',
  changeEvents: {
    // The credential report may be up to four hours old (AWS regenerates it at most that often), so a
    // change-driven re-read sees a change only once the report has caught up.
    cloudTrail: { events: [{ source: 'iam.amazonaws.com', names: ['CreateLoginProfile', 'DeleteLoginProfile', 'EnableMFADevice', 'DeactivateMFADevice', 'DeleteUser'] }] },
  },
  description:
    'Every IAM user with a console password must have an MFA device, so a leaked or guessed password alone does not open the console. Users without a console password cannot sign in to the console and pass. The root user is judged by the root MFA control. Read from the IAM credential report, which AWS may have generated up to four hours earlier.',
  remediation: {
    text: 'Have each user assign an MFA device (IAM console > Users > user > Security credentials > Assign MFA device), enforce it with a policy that denies actions without aws:MultiFactorAuthPresent, or remove the console password of users who do not need the console. Prefer IAM Identity Center for human access.',
    url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html',
  },
  reads: { report: iamCredentialReport },
  evaluate({ report }, _context, ctx): Judgement[] {
    const results: Judgement[] = [];
    for (const row of report.items) {
      if (row.user === ROOT_ROW) continue;
      const uid = row.arn !== '' ? row.arn : `arn:aws:iam::${ctx.account}:user/${row.user}`;
      const resource = { id: row.user, uid, type: 'AWS::IAM::User', name: row.user, tags: {} };
      const evidence = [
        evidenceFrom(report, {
          user: row.user,
          arn: row.arn,
          password_enabled: row.password_enabled,
          password_last_used: row.password_last_used,
          mfa_active: row.mfa_active,
          generatedTime: row.generatedTime,
        }),
      ];
      if (!hasConsolePassword(row)) {
        results.push({
          resource,
          status: 'PASS',
          message: `IAM user ${row.user} has no console password (password_enabled ${row.password_enabled || 'empty'}), so they cannot sign in to the console.`,
          evidence,
        });
        continue;
      }
      const used = lastUsed(row);
      const usedText = used === undefined ? '' : `; ${used}`;
      if (row.mfa_active.trim().toLowerCase() === 'true') {
        results.push({ resource, status: 'PASS', message: `IAM user ${row.user} can sign in to the console and has MFA (mfa_active true${usedText}).`, evidence });
        continue;
      }
      results.push({
        resource,
        status: 'FAIL',
        message: `IAM user ${row.user} can sign in to the console with a password but has no MFA device (mfa_active ${row.mfa_active || 'empty'}${usedText}; credential report generated ${row.generatedTime === '' ? 'at a time not reported' : row.generatedTime}).`,
        evidence,
      });
    }
    return results;
  },
});

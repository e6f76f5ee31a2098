// What a control's failure is called in a message: "5 security groups admit SSH from the internet",
// "Root user has no MFA". A control's own title says what passing looks like, which reads wrong at
// the top of an alert. Kept here, beside the message, rather than in each control's metadata so the
// controls stay as they are; failure-titles.test.ts fails when a registered control has none.

/** `{n}` is the number of failing resources, or of accounts for account-wide controls. */
export interface FailureTitle {
  counts: 'resources' | 'accounts';
  one: string;
  many: string;
}

const resources = (one: string, many: string): FailureTitle => ({ counts: 'resources', one: `1 ${one}`, many: `{n} ${many}` });
const perAccount = (text: string): FailureTitle => ({ counts: 'accounts', one: text, many: `${text} in {n} accounts` });
const perProject = (text: string): FailureTitle => ({ counts: 'accounts', one: text, many: `${text} in {n} projects` });
const perSubscription = (text: string): FailureTitle => ({ counts: 'accounts', one: text, many: `${text} in {n} subscriptions` });

export const FAILURE_TITLES: Readonly<Record<string, FailureTitle>> = {
  'aws-cloudtrail-all-regions': resources('region is not logged by CloudTrail', 'regions are not logged by CloudTrail'),
  'aws-console-user-mfa': resources('console user has no MFA', 'console users have no MFA'),
  'aws-ebs-encryption-by-default': resources('region does not encrypt new EBS volumes', 'regions do not encrypt new EBS volumes'),
  'aws-ebs-volume-encrypted': resources('EBS volume is not encrypted', 'EBS volumes are not encrypted'),
  'aws-log-retention': resources('log group keeps events too briefly', 'log groups keep events too briefly'),
  'aws-rds-not-public': resources('RDS instance is publicly accessible', 'RDS instances are publicly accessible'),
  'aws-rds-storage-encrypted': resources('RDS instance stores data unencrypted', 'RDS instances store data unencrypted'),
  'aws-root-mfa': perAccount('Root user has no MFA'),
  'aws-ssh-not-open': resources('security group admits SSH from the internet', 'security groups admit SSH from the internet'),
  'azure-activity-log-exported': perSubscription('Activity log is not exported'),
  'azure-database-not-public': resources('database server is open to the internet', 'database servers are open to the internet'),
  'azure-disk-cmek': resources('managed disk lacks a customer-managed key', 'managed disks lack a customer-managed key'),
  'azure-log-analytics-retention': resources('Log Analytics workspace keeps data too briefly', 'Log Analytics workspaces keep data too briefly'),
  'azure-ssh-not-open': resources('network security group admits SSH from the internet', 'network security groups admit SSH from the internet'),
  'azure-user-mfa': resources('user signs in without MFA', 'users sign in without MFA'),
  'gcp-cloudsql-not-public': resources('Cloud SQL instance is reachable from the internet', 'Cloud SQL instances are reachable from the internet'),
  'gcp-data-access-audit-logs': perProject('Data Access audit logs are off'),
  'gcp-disk-cmek': resources('disk lacks an organisation-controlled key', 'disks lack an organisation-controlled key'),
  'gcp-log-bucket-retention': resources('log bucket keeps logs too briefly', 'log buckets keep logs too briefly'),
  'gcp-oslogin-2fa': perProject('OS Login does not require 2-step verification'),
  'gcp-ssh-not-open': resources('firewall rule admits SSH from the internet', 'firewall rules admit SSH from the internet'),
};

/**
 * The failure title for a control's failing items (`resources` of them, in `accounts` accounts); an
 * unknown control falls back to its own title.
 */
export function failureTitle(controlId: string, resources: number, fallback: string, accounts: number = resources): string {
  const title = FAILURE_TITLES[controlId];
  const count = title?.counts === 'accounts' ? accounts : resources;
  if (title === undefined) return count === 1 ? fallback : `${fallback} (${count} failing)`;
  return count === 1 ? title.one : title.many.replace('{n}', String(count));
}

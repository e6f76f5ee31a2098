// IAM (AWS Query, 2010-05-08): GetAccountSummary, and the asynchronous credential report
// (GenerateCredentialReport says STARTED, then INPROGRESS while it builds, then COMPLETE).

import type { CallContext, CredentialReportState, XmlHandler } from '../context.js';
import { AwsError } from '../errors.js';
import type { AccountModel } from '../model.js';
import type { WorldAccessKey } from '../types.js';
import { el, leaf } from '../xml.js';

/** The columns of the IAM credential report, in AWS's order. */
export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

/** Credential-report times: ISO 8601 with an explicit +00:00 offset. */
function reportTime(value: string | undefined, absent: string): string {
  if (value === undefined) return absent;
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function keyColumns(key: WorldAccessKey | undefined): string[] {
  if (key === undefined) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
  const used = key.lastUsed !== undefined;
  return [
    String(key.active ?? true),
    reportTime(key.lastRotated, 'N/A'),
    reportTime(key.lastUsed, 'N/A'),
    used ? (key.lastUsedRegion ?? 'us-east-1') : 'N/A',
    used ? (key.lastUsedService ?? 'sts') : 'N/A',
  ];
}

export function credentialReportCsv(account: AccountModel): string {
  const rows: string[][] = [[...CREDENTIAL_REPORT_COLUMNS]];
  const root = account.iam.root;
  const rootKeys: WorldAccessKey[] = Array.from({ length: root.accessKeys }, () => ({ active: true, lastRotated: root.created }));
  rows.push([
    '<root_account>',
    `arn:aws:iam::${account.id}:root`,
    reportTime(root.created, 'N/A'),
    'not_supported',
    root.password ? reportTime(root.passwordLastUsed, 'no_information') : 'N/A',
    'not_supported',
    'not_supported',
    String(root.mfa),
    ...keyColumns(rootKeys[0]),
    ...keyColumns(rootKeys[1]),
    'false',
    'N/A',
    'false',
    'N/A',
  ]);
  for (const user of account.iam.users) {
    const password = user.password ?? false;
    rows.push([
      user.name,
      `arn:aws:iam::${account.id}:user${user.path ?? '/'}${user.name}`,
      reportTime(user.created ?? account.iam.root.created, 'N/A'),
      String(password),
      password ? reportTime(user.passwordLastUsed, 'no_information') : 'N/A',
      password ? reportTime(user.passwordLastChanged ?? user.created ?? account.iam.root.created, 'N/A') : 'N/A',
      'N/A',
      String(user.mfa ?? false),
      ...keyColumns(user.accessKeys?.[0]),
      ...keyColumns(user.accessKeys?.[1]),
      'false',
      'N/A',
      'false',
      'N/A',
    ]);
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\n');
}

const getAccountSummary: XmlHandler = (ctx) =>
  el('SummaryMap', ...Object.entries(ctx.account.iam.summary).map(([key, value]) => el('entry', leaf('key', key), leaf('value', value))));

function reportState(ctx: CallContext): CredentialReportState | undefined {
  const existing = ctx.state.credentialReports.get(ctx.account.id);
  if (existing !== undefined || !ctx.account.iam.preGenerated) return existing;
  // An hour old (or younger, if the world's maximum age is shorter), as the account is at start.
  const at = ctx.now.getTime() - Math.min(3_600_000, Math.floor(ctx.account.iam.reportMaxAgeMs / 2));
  const made = { startedAt: at, readyAt: at, csv: credentialReportCsv(ctx.account) };
  ctx.state.credentialReports.set(ctx.account.id, made);
  return made;
}

/**
 * As AWS: a report younger than the maximum age is served as it is, whatever changed since (IAM writes
 * reach it only when a later GenerateCredentialReport rebuilds it); an older one is rebuilt.
 */
const generateCredentialReport: XmlHandler = (ctx) => {
  const now = ctx.now.getTime();
  const current = reportState(ctx);
  if (current === undefined || (now >= current.readyAt && now - current.readyAt > ctx.account.iam.reportMaxAgeMs)) {
    ctx.state.credentialReports.set(ctx.account.id, { startedAt: now, readyAt: now + ctx.account.iam.generationMs, csv: credentialReportCsv(ctx.account) });
    return leaf('State', 'STARTED') + leaf('Description', 'No report exists. Starting a new report generation task');
  }
  if (now < current.readyAt) return leaf('State', 'INPROGRESS') + leaf('Description', 'Report generation in progress.');
  return leaf('State', 'COMPLETE');
};

const getCredentialReport: XmlHandler = (ctx) => {
  const now = ctx.now.getTime();
  const current = reportState(ctx);
  if (current === undefined) {
    throw new AwsError('ReportNotPresent', 'Credential report not present. Use GenerateCredentialReport to generate a report.', 410);
  }
  if (now < current.readyAt) throw new AwsError('ReportInProgress', 'Credential report generation is in progress.', 404);
  if (now - current.readyAt > ctx.account.iam.reportMaxAgeMs) throw new AwsError('ReportExpired', 'Credential report has expired. Use GenerateCredentialReport to generate a new report.', 410);
  return (
    leaf('Content', Buffer.from(current.csv, 'utf8').toString('base64')) +
    leaf('ReportFormat', 'text/csv') +
    leaf('GeneratedTime', new Date(current.readyAt).toISOString().replace(/\.\d{3}Z$/, 'Z'))
  );
};

export const IAM_HANDLERS: Record<string, XmlHandler> = {
  GetAccountSummary: getAccountSummary,
  GenerateCredentialReport: generateCredentialReport,
  GetCredentialReport: getCredentialReport,
};

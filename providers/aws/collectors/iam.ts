import { GenerateCredentialReportCommand, GetAccountSummaryCommand, GetCredentialReportCommand } from '@aws-sdk/client-iam';
import type { IAMClient } from '@aws-sdk/client-iam';
import { iamAccountSummary, iamCredentialReport } from '../datasets.js';
import type { AccountSummaryRecord, CredentialReportRow } from '../datasets.js';
import { errorCode } from '../errors.js';
import { fetcher } from './fetcher.js';
import { setOwn } from '../../../core/own.js';

const REPORT_COLUMNS = ['user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'mfa_active'] as const;

/** Splits RFC 4180 CSV (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function parseCredentialReport(csv: string, generatedTime: string): CredentialReportRow[] {
  const [header, ...rows] = parseCsv(csv).filter((r) => r.length > 1 || r[0] !== '');
  if (header === undefined) return [];
  const index = new Map(header.map((name, i) => [name, i]));
  const missing = REPORT_COLUMNS.filter((name) => !index.has(name));
  if (missing.length > 0) throw new Error(`IAM credential report is missing column(s) ${missing.join(', ')}`);
  return rows.map((cells) => {
    const cell = (name: (typeof REPORT_COLUMNS)[number]): string => cells[index.get(name) ?? -1] ?? '';
    return {
      user: cell('user'),
      arn: cell('arn'),
      user_creation_time: cell('user_creation_time'),
      password_enabled: cell('password_enabled'),
      password_last_used: cell('password_last_used'),
      mfa_active: cell('mfa_active'),
      generatedTime,
    };
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * AWS builds the report asynchronously. Ask for it, then try to read it straight away (a report
 * under four hours old is served at once); wait only while AWS says it is still being built.
 */
async function readCredentialReport(iam: IAMClient, pollMs: number, maxPolls: number): Promise<CredentialReportRow[]> {
  for (let poll = 0; poll < maxPolls; poll += 1) {
    await iam.send(new GenerateCredentialReportCommand({}));
    try {
      const report = await iam.send(new GetCredentialReportCommand({}));
      const csv = new TextDecoder().decode(report.Content ?? new Uint8Array());
      return parseCredentialReport(csv, (report.GeneratedTime ?? new Date()).toISOString());
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'ReportInProgress' && code !== 'ReportExpired' && code !== 'ReportNotPresent') throw error;
    }
    await sleep(pollMs * Math.min(2 ** poll, 8));
  }
  throw Object.assign(new Error(`IAM credential report was not ready after ${maxPolls} attempts`), { name: 'ReportInProgress' });
}

export const iamFetchers = [
  fetcher(iamAccountSummary, async ({ clients }) => {
    const response = await clients.iam().send(new GetAccountSummaryCommand({}));
    const summary: AccountSummaryRecord = {};
    for (const [key, value] of Object.entries(response.SummaryMap ?? {})) {
      if (typeof value === 'number') setOwn(summary, key, value);
    }
    return [summary];
  }),

  fetcher(iamCredentialReport, async ({ clients }) => readCredentialReport(clients.iam(), 500, 12)),
];

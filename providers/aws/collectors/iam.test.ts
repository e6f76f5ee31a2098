import { describe, expect, it } from 'vitest';
import { GenerateCredentialReportCommand, GetAccountSummaryCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { iamAccountSummary, iamCredentialReport } from '../datasets.js';
import { awsError, mockIdentity, openSession } from '../../../test/support/aws.js';
import { parseCredentialReport, parseCsv } from './iam.js';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active';
const REPORT = [
  HEADER,
  '<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,2026-01-01T00:00:00+00:00,not_supported,not_supported,true,false',
  'alice,arn:aws:iam::111122223333:user/alice,2021-01-01T00:00:00+00:00,true,2026-11-01T00:00:00+00:00,N/A,N/A,false,false',
  'ci-bot,arn:aws:iam::111122223333:user/ci-bot,2021-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true',
].join('\n');

describe('IAM collectors', () => {
  it('reads the account summary map', async () => {
    mockIdentity();
    mockClient(IAMClient).on(GetAccountSummaryCommand).resolves({ SummaryMap: { AccountMFAEnabled: 0, AccountPasswordPresent: 1, Users: 3 } });
    const session = await openSession();
    expect(await session.collect(iamAccountSummary, 'global')).toEqual([{ AccountMFAEnabled: 0, AccountPasswordPresent: 1, Users: 3 }]);
  });

  it('waits while the credential report is being generated, then parses its rows', async () => {
    mockIdentity();
    const iam = mockClient(IAMClient);
    iam.on(GenerateCredentialReportCommand).resolvesOnce({ State: 'STARTED' }).resolves({ State: 'COMPLETE' });
    iam.on(GetCredentialReportCommand)
      .rejectsOnce(awsError('ReportInProgress', 'Report generation in progress', 404))
      .resolves({ Content: new TextEncoder().encode(REPORT), GeneratedTime: new Date('2026-11-23T10:00:00Z'), ReportFormat: 'text/csv' });
    const session = await openSession();
    const rows = await session.collect(iamCredentialReport, 'global');
    expect(iam.commandCalls(GenerateCredentialReportCommand)).toHaveLength(2);
    expect(iam.commandCalls(GetCredentialReportCommand)).toHaveLength(2);
    expect(rows).toEqual([
      expect.objectContaining({ user: '<root_account>', mfa_active: 'true' }),
      {
        user: 'alice',
        arn: 'arn:aws:iam::111122223333:user/alice',
        user_creation_time: '2021-01-01T00:00:00+00:00',
        password_enabled: 'true',
        password_last_used: '2026-11-01T00:00:00+00:00',
        mfa_active: 'false',
        generatedTime: '2026-11-23T10:00:00.000Z',
      },
      expect.objectContaining({ user: 'ci-bot', password_enabled: 'false' }),
    ]);
  });

  it('reads a fresh report straight away, without waiting', async () => {
    mockIdentity();
    const iam = mockClient(IAMClient);
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iam.on(GetCredentialReportCommand).resolves({ Content: new TextEncoder().encode(HEADER), GeneratedTime: new Date('2026-11-23T10:00:00Z') });
    const session = await openSession();
    const started = Date.now();
    expect(await session.collect(iamCredentialReport, 'global')).toEqual([]);
    expect(Date.now() - started).toBeLessThan(400);
    expect(iam.commandCalls(GetCredentialReportCommand)).toHaveLength(1);
  });

  it('asks again when the report expired between generating and reading it', async () => {
    mockIdentity();
    const iam = mockClient(IAMClient);
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iam.on(GetCredentialReportCommand)
      .rejectsOnce(awsError('ReportExpired', 'The report is expired', 410))
      .resolves({ Content: new TextEncoder().encode(HEADER), GeneratedTime: new Date('2026-11-23T10:00:00Z') });
    const session = await openSession();
    expect(await session.collect(iamCredentialReport, 'global')).toEqual([]);
    expect(iam.commandCalls(GetCredentialReportCommand)).toHaveLength(2);
  });

  it('fails loudly when a column it needs is missing, rather than reading blanks as "no MFA"', () => {
    expect(() => parseCredentialReport('user,arn\nalice,arn:x', 'now')).toThrow(/missing column\(s\) user_creation_time, password_enabled, password_last_used, mfa_active/);
  });

  it('parses quoted CSV fields with commas, quotes and CRLF line ends', () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\n1,2,3\r\n')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['1', '2', '3'],
    ]);
  });
});

import { GenerateCredentialReportCommand, GetAccountSummaryCommand, GetCredentialReportCommand } from '@aws-sdk/client-iam';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, paginateDescribeDBClusters, paginateDescribeDBInstances } from '@aws-sdk/client-rds';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ACCESS_KEY_ID } from './env.js';
import { startSandbox, type Sandbox } from './server.js';
import { rejection, sandboxClients, type Credentials, type SandboxClients } from './testkit.js';
import type { World } from './types.js';
import { demoWorldPath, expandWorld, loadWorld } from './world.js';

const SECURITY = '503164781925';
const PRODUCTION = '284716359042';
const STAGING = '617493028513';
const EXTERNAL_ID = 'larkspur-ward-7f3a9c';
const role = (account: string) => `arn:aws:iam::${account}:role/WardAuditRole`;

let demo: Sandbox;
let custom: Sandbox;
const opened: SandboxClients[] = [];

function clients(sandbox: Sandbox, credentials?: Credentials, region = 'us-east-1'): SandboxClients {
  const c = sandboxClients(sandbox.url, region, credentials);
  opened.push(c);
  return c;
}

/** externalId null: none is sent. */
async function assume(sandbox: Sandbox, account: string, externalId: string | null = EXTERNAL_ID, from?: Credentials): Promise<Credentials> {
  const request = { RoleArn: role(account), RoleSessionName: 'ward-scan', ...(externalId === null ? {} : { ExternalId: externalId }) };
  const { Credentials } = await clients(sandbox, from).sts.send(new AssumeRoleCommand(request));
  return { accessKeyId: Credentials?.AccessKeyId ?? '', secretAccessKey: Credentials?.SecretAccessKey ?? '', sessionToken: Credentials?.SessionToken ?? '' };
}

const CUSTOM: World = {
  accounts: [
    { id: '210987654321', name: 'hub', current: true, iam: { credentialReport: { generationMs: 60_000 } } },
    { id: '123123123123', name: 'keyed', accessKeys: ['AKIAKEYEDACCOUNT0001'], iam: { credentialReport: { preGenerated: true } } },
    { id: '456456456456', name: 'closed', status: 'SUSPENDED', roles: [{ name: 'WardAuditRole' }] },
  ],
  generate: { seed: 5, accounts: 1, regions: ['us-east-1'], resources: 0, perRegion: { dbInstances: 25, dbClusters: 21 }, users: 0 },
};

beforeAll(async () => {
  [demo, custom] = await Promise.all([startSandbox({ world: loadWorld(demoWorldPath()) }), startSandbox({ world: CUSTOM })]);
});

afterAll(async () => {
  for (const c of opened) c.destroy();
  await Promise.all([demo.close(), custom.close()]);
});

describe('STS (AWS Query)', () => {
  it('GetCallerIdentity maps the default key to the current account and world keys to theirs', async () => {
    expect(await clients(demo).sts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: SECURITY, Arn: `arn:aws:iam::${SECURITY}:user/ward-operator` });
    const keyed = clients(custom, { accessKeyId: 'AKIAKEYEDACCOUNT0001', secretAccessKey: 'x' });
    expect((await keyed.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123123123123');
    expect((await clients(custom, { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: 'x' }).sts.send(new GetCallerIdentityCommand({}))).Account).toBe('210987654321');
  });

  it('AssumeRole with the right external id acts as the target account afterwards', async () => {
    const credentials = await assume(demo, PRODUCTION);
    expect(credentials.accessKeyId).toMatch(/^ASIA284716359042[0-9A-Z]{4}$/);
    const identity = await clients(demo, credentials).sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: PRODUCTION, Arn: `arn:aws:sts::${PRODUCTION}:assumed-role/WardAuditRole/ward-scan` });
    expect(identity.UserId).toMatch(/^AROA[0-9A-F]{17}:ward-scan$/);
  });

  it('AssumeRole without or with a wrong external id, from an untrusted account, or into a missing role is AccessDenied', async () => {
    for (const externalId of [null, 'wrong-external-id']) {
      const error = await rejection(assume(demo, PRODUCTION, externalId));
      expect(error.name).toBe('AccessDenied');
      expect(error.$metadata?.httpStatusCode).toBe(403);
      expect(error.message).toContain(`is not authorized to perform: sts:AssumeRole on resource: ${role(PRODUCTION)}`);
    }
    const staging = await assume(demo, STAGING);
    expect((await rejection(assume(demo, PRODUCTION, EXTERNAL_ID, staging))).name).toBe('AccessDenied');
    expect((await rejection(assume(demo, '999999999999'))).name).toBe('AccessDenied');
    expect((await rejection(assume(custom, '456456456456', null))).name).toBe('AccessDenied');
  });

  it('rejects invalid requests and keys it never issued', async () => {
    const sts = clients(demo).sts;
    const long = await rejection(sts.send(new AssumeRoleCommand({ RoleArn: role(PRODUCTION), RoleSessionName: 'x1', ExternalId: EXTERNAL_ID, DurationSeconds: 7200 })));
    expect(long.name).toBe('ValidationError');
    const stranger = await rejection(clients(demo, { accessKeyId: 'ASIA9999999999990000', secretAccessKey: 'x', sessionToken: 't' }).sts.send(new GetCallerIdentityCommand({})));
    expect(stranger.name).toBe('InvalidClientTokenId');
    expect(stranger.$metadata?.httpStatusCode).toBe(403);
  });
});

describe('IAM (AWS Query)', () => {
  it('GetAccountSummary reports root MFA, password and keys per account', async () => {
    const security = await clients(demo).iam.send(new GetAccountSummaryCommand({}));
    expect(security.SummaryMap).toMatchObject({ AccountMFAEnabled: 1, AccountPasswordPresent: 1, AccountAccessKeysPresent: 0, Users: 3 });
    const production = await clients(demo, await assume(demo, PRODUCTION)).iam.send(new GetAccountSummaryCommand({}));
    expect(production.SummaryMap).toMatchObject({ AccountMFAEnabled: 0, AccountPasswordPresent: 0, AccountAccessKeysPresent: 0, Users: 3 });
  });

  it('builds the credential report: not present, STARTED, COMPLETE, then the CSV', async () => {
    const iam = clients(demo, await assume(demo, PRODUCTION)).iam;
    const absent = await rejection(iam.send(new GetCredentialReportCommand({})));
    expect(absent.$metadata?.httpStatusCode).toBe(410);
    expect((absent as unknown as { Code?: string }).Code ?? absent.name).toMatch(/ReportNotPresent/);
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED');
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');
    const report = await iam.send(new GetCredentialReportCommand({}));
    expect(report.ReportFormat).toBe('text/csv');
    expect(report.GeneratedTime).toBeInstanceOf(Date);
    const lines = new TextDecoder().decode(report.Content).split('\n');
    expect(lines[0]).toBe(
      'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
    );
    expect(lines[1]).toMatch(/^<root_account>,arn:aws:iam::284716359042:root,2021-03-08T10:00:00\+00:00,not_supported,N\/A,not_supported,not_supported,false,false,/);
    expect(lines.find((l) => l.startsWith('billing-clerk,'))?.split(',').slice(3, 8)).toEqual(['true', '2024-05-29T11:20:00+00:00', '2022-09-19T09:05:00+00:00', 'N/A', 'false']);
    expect(lines.find((l) => l.startsWith('etl-service,'))?.split(',').slice(3, 9)).toEqual(['false', 'N/A', 'N/A', 'N/A', 'false', 'true']);
  });

  it('says INPROGRESS while a slow report builds, and COMPLETE at once when one exists', async () => {
    const hub = clients(custom).iam;
    expect((await hub.send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED');
    expect((await hub.send(new GenerateCredentialReportCommand({}))).State).toBe('INPROGRESS');
    expect((await rejection(hub.send(new GetCredentialReportCommand({})))).$metadata?.httpStatusCode).toBe(404);
    const keyed = clients(custom, { accessKeyId: 'AKIAKEYEDACCOUNT0001', secretAccessKey: 'x' }).iam;
    expect((await keyed.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');
  });
});

describe('RDS (AWS Query)', () => {
  it('DescribeDBInstances: public instances, endpoint ports, Aurora members', async () => {
    const rds = clients(demo, await assume(demo, PRODUCTION)).rds;
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({}));
    const db = (id: string) => DBInstances?.find((d) => d.DBInstanceIdentifier === id);
    expect(db('analytics-replica')).toMatchObject({
      PubliclyAccessible: true,
      StorageEncrypted: true,
      Engine: 'postgres',
      Endpoint: { Port: 5432 },
      DbInstancePort: 0,
      VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0a0a0a0a0a0a00008', Status: 'active' }],
      DBInstanceArn: `arn:aws:rds:us-east-1:${PRODUCTION}:db:analytics-replica`,
    });
    expect(db('reporting-mysql')).toMatchObject({ PubliclyAccessible: true, StorageEncrypted: false, Endpoint: { Port: 3306 } });
    expect(db('reporting-mysql')?.KmsKeyId).toBeUndefined();
    expect(db('patients-aurora-2')).toMatchObject({ DBClusterIdentifier: 'patients-aurora', StorageEncrypted: true, PubliclyAccessible: false });
    const members = await rds.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: ['patients-aurora'] }] }));
    expect(members.DBInstances?.map((d) => d.DBInstanceIdentifier)).toEqual(['patients-aurora-1', 'patients-aurora-2']);
    const missing = await rejection(rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })));
    expect(missing.name).toBe('DBInstanceNotFoundFault');
    expect(missing.$metadata?.httpStatusCode).toBe(404);
  });

  it('DescribeDBClusters lists members and the writer', async () => {
    const rds = clients(demo, await assume(demo, STAGING)).rds;
    const { DBClusters } = await rds.send(new DescribeDBClustersCommand({}));
    expect(DBClusters).toHaveLength(1);
    expect(DBClusters?.[0]).toMatchObject({
      DBClusterIdentifier: 'staging-aurora-mysql',
      Engine: 'aurora-mysql',
      EngineMode: 'provisioned',
      StorageEncrypted: false,
      Port: 3306,
      DBClusterMembers: [{ DBInstanceIdentifier: 'staging-aurora-mysql-1', IsClusterWriter: true }],
    });
  });

  it('paginates instances and clusters with Marker past the first page, and enforces MaxRecords 20..100', async () => {
    // The generated account comes after the three written ones; reach it through its generated role.
    const target = expandWorld(CUSTOM).accounts?.[3]?.id ?? '';
    const { Credentials } = await clients(custom).sts.send(new AssumeRoleCommand({ RoleArn: role(target), RoleSessionName: 'pages' }));
    const rds = clients(custom, { accessKeyId: Credentials?.AccessKeyId ?? '', secretAccessKey: 'x', sessionToken: 'x' }).rds;
    const instancePages: number[] = [];
    for await (const page of paginateDescribeDBInstances({ client: rds, pageSize: 20 }, {})) instancePages.push(page.DBInstances?.length ?? 0);
    expect(instancePages).toEqual([20, 20, 6]);
    const clusterPages: number[] = [];
    for await (const page of paginateDescribeDBClusters({ client: rds, pageSize: 20 }, {})) clusterPages.push(page.DBClusters?.length ?? 0);
    expect(clusterPages).toEqual([20, 1]);
    const small = await rejection(rds.send(new DescribeDBInstancesCommand({ MaxRecords: 5 })));
    expect(small.name).toBe('InvalidParameterValue');
  });
});

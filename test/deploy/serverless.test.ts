// `sls package`, offline, and what the CloudFormation template it produces promises.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { ALL_CONTROLS } from '../../checks/index.js';
import { awsReadActions } from '../../providers/aws/policy.js';
import { cleanEnv } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
}

let resources: Record<string, Resource>;
let conditions: Record<string, unknown>;
let templateText: string;
let zipPath: string;

const statementsOf = (role: string): Statement[] =>
  ((resources[role]?.Properties['Policies'] as Array<{ PolicyDocument: { Statement: Statement[] } }> | undefined) ?? []).flatMap((p) => p.PolicyDocument.Statement);
let packageOutput: string;

const byType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), 'ward-sls-'));
  const run = await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'sls'), ['package', '--stage', 'test', '--package', out], {
    cwd: ROOT,
    env: cleanEnv({ SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' }),
    timeout: 240_000,
  });
  packageOutput = `${run.stdout}${run.stderr}`;
  templateText = readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8');
  const template = JSON.parse(templateText) as { Resources: Record<string, Resource>; Conditions: Record<string, unknown> };
  resources = template.Resources;
  conditions = template.Conditions;
  zipPath = join(out, 'ward.zip');
}, 240_000);

describe('serverless package (CloudFormation template)', () => {
  it('runs every function on nodejs24.x, arm64, with the scan daily and the report on Monday 08:00 UTC', () => {
    const functions = byType('AWS::Lambda::Function');
    expect(functions.map(([name]) => name).sort()).toEqual(['ChangeScanLambdaFunction', 'DownloadLambdaFunction', 'ReportLambdaFunction', 'ScanLambdaFunction', 'ScanTargetLambdaFunction', 'SweepRunsLambdaFunction']);
    for (const [, fn] of functions) {
      expect(fn.Properties['Runtime']).toBe('nodejs24.x');
      expect(fn.Properties['Architectures']).toEqual(['arm64']);
      // Nothing hides the runtime's or the SDKs' support notices.
      const variables = (fn.Properties['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      expect(Object.keys(variables).filter((name) => /WARNING_DISABLED|NO_WARNINGS|NODE_OPTIONS/.test(name))).toEqual([]);
    }
    const schedules = Object.fromEntries(byType('AWS::Events::Rule').filter(([, r]) => r.Properties['ScheduleExpression'] !== undefined).map(([name, r]) => [name, r.Properties['ScheduleExpression']]));
    expect(schedules).toEqual({ ScanEventsRuleSchedule1: 'cron(0 6 * * ? *)', ReportEventsRuleSchedule1: 'cron(0 8 ? * MON *)', SweepRunsEventsRuleSchedule1: 'rate(15 minutes)' });
  });

  it('feeds per-target scans from an encrypted queue with a dead-letter queue, partial batch failures and bounded concurrency', () => {
    const queue = resources['TargetQueue']?.Properties ?? {};
    expect(queue['RedrivePolicy']).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['TargetDeadLetterQueue', 'Arn'] }, maxReceiveCount: 3 });
    expect(queue['KmsMasterKeyId']).toEqual({ Ref: 'StoreKey' });
    expect(queue['VisibilityTimeout']).toBeGreaterThanOrEqual(900 * 6);
    const [, mapping] = byType('AWS::Lambda::EventSourceMapping').find(([name]) => name.startsWith('ScanTarget')) ?? [];
    expect(mapping?.Properties).toMatchObject({
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 20 },
      FunctionName: { 'Fn::GetAtt': ['ScanTargetLambdaFunction', 'Arn'] },
    });
  });

  it('routes the CloudTrail events the controls declare to the changeScan function through an encrypted, batching queue (issue 18)', () => {
    const rule = resources['ChangeEventsRule']?.Properties ?? {};
    const generated = JSON.parse(readFileSync(join(ROOT, 'deploy', 'generated', 'change-events.json'), 'utf8')) as { pattern: unknown };
    expect(rule['EventPattern']).toEqual(generated.pattern);
    expect(rule['EventPattern']).toMatchObject({ 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventName: expect.arrayContaining(['AuthorizeSecurityGroupIngress', 'CreateVolume', 'StopLogging', 'PutRetentionPolicy']) } });
    expect(rule['Targets']).toEqual([{ Id: 'change-queue', Arn: { 'Fn::GetAtt': ['ChangeQueue', 'Arn'] } }]);
    const queue = resources['ChangeQueue']?.Properties ?? {};
    expect(queue['KmsMasterKeyId']).toEqual({ Ref: 'StoreKey' });
    expect(queue['RedrivePolicy']).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['ChangeDeadLetterQueue', 'Arn'] }, maxReceiveCount: 3 });
    const sends = (resources['ChangeQueuePolicy']?.Properties['PolicyDocument'] as { Statement: Array<Statement & { Condition: unknown }> }).Statement;
    expect(sends).toEqual([expect.objectContaining({ Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['ChangeEventsRule', 'Arn'] } } } })]);
    const [, mapping] = byType('AWS::Lambda::EventSourceMapping').find(([name]) => name.startsWith('ChangeScan')) ?? [];
    expect(mapping?.Properties).toMatchObject({
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 20,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FunctionName: { 'Fn::GetAtt': ['ChangeScanLambdaFunction', 'Arn'] },
    });
    // Cross-account events only from the organisation named; by default none.
    expect(resources['ChangeEventsBusPolicy']).toMatchObject({ Condition: 'ChangeEventsFromOrganization' });
    expect(conditions['ChangeEventsFromOrganization']).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
  });

  it('keeps the store encrypted with KMS, versioned, object-locked, never public and TLS-only', () => {
    const bucket = resources['StoreBucket']?.Properties ?? {};
    expect(bucket['BucketEncryption']).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['StoreKey', 'Arn'] } }, BucketKeyEnabled: true }],
    });
    expect(bucket['VersioningConfiguration']).toEqual({ Status: 'Enabled' });
    expect(bucket['ObjectLockEnabled']).toBe(true);
    expect(bucket['PublicAccessBlockConfiguration']).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    const rules = (bucket['LifecycleConfiguration'] as { Rules: Array<{ Id: string; Prefix?: string; ExpirationInDays?: number }> }).Rules;
    expect(rules.find((r) => r.Id === 'raw-scan-history')).toMatchObject({ Prefix: 'ward/scans/', ExpirationInDays: 800 });
    const policy = resources['StoreBucketPolicy']?.Properties['PolicyDocument'] as { Statement: Array<Statement & { Condition: unknown; Principal: unknown }> };
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    for (const [, key] of byType('AWS::KMS::Key').filter(([name]) => name === 'StoreKey')) expect(key.Properties['EnableKeyRotation']).toBe(true);
  });

  it('gives its roles no wildcard action, and exactly the read actions the controls declare on scanned services', () => {
    for (const [name, role] of byType('AWS::IAM::Role')) {
      const statements = (role.Properties['Policies'] as Array<{ PolicyDocument: { Statement: Statement[] } }> | undefined ?? []).flatMap((p) => p.PolicyDocument.Statement);
      for (const action of statements.flatMap(actionsOf)) expect(action, `${name}: ${action}`).not.toContain('*');
      const scanned = statements.flatMap(actionsOf).filter((a) => /^(ec2|rds|iam|cloudtrail|logs|organizations):/.test(a) && !/^logs:(CreateLogStream|PutLogEvents)$/.test(a));
      for (const action of scanned) expect(action).toMatch(/^[a-z0-9]+:(Describe|Get|List)[A-Za-z]+$|^iam:GenerateCredentialReport$/);
      if (name === 'ScanRole') expect(scanned.sort()).toEqual([...awsReadActions(ALL_CONTROLS), 'organizations:ListAccounts'].sort());
    }
  });

  it('limits assume-role, store, queue and parameter access to Ward’s own resources', () => {
    const statements = ((resources['ScanRole']?.Properties['Policies'] as Array<{ PolicyDocument: { Statement: Statement[] } }>)[0]?.PolicyDocument.Statement ?? []);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid['AssumeMemberRoles']?.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/WardReadOnly' });
    expect(JSON.stringify(bySid['StoreRead']?.Resource)).toContain('StoreBucket');
    expect(bySid['TargetQueue']?.Resource).toEqual({ 'Fn::GetAtt': ['TargetQueue', 'Arn'] });
    expect(JSON.stringify(bySid['SlackWebhook']?.Resource)).toContain('parameter/ward/slack-webhook-url');
    expect(bySid['SecurityHubImport']).toMatchObject({
      Action: ['securityhub:BatchImportFindings'],
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default' },
    });
  });

  it('warns when no ward.config.yml is there to be packaged', () => {
    const warning = 'Ward: no ward.config.yml beside serverless.yml, so none is packaged';
    if (existsSync(join(ROOT, 'ward.config.yml'))) expect(packageOutput).not.toContain(warning);
    else expect(packageOutput).toContain(warning);
  });

  it('leaves Security Hub off unless the securityHub param turns it on', () => {
    for (const [, fn] of byType('AWS::Lambda::Function')) {
      expect((fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables['WARD_SECURITY_HUB']).toBe('false');
    }
  });

  it('lets only the report role write evidence: the scan role writes scans/, state/, runs/ and changes/ only (issue 20, item 9)', () => {
    const writes = (role: string) =>
      statementsOf(role)
        .filter((st) => st.Effect === 'Allow' && actionsOf(st).some((a) => a.startsWith('s3:Put')))
        .flatMap((st) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]))
        .map((r) => JSON.stringify(r));
    expect(writes('ScanRole')).toEqual(['scans', 'state', 'runs', 'changes'].map((prefix) => JSON.stringify({ 'Fn::Sub': `\${StoreBucket.Arn}/ward/${prefix}/*` })));
    expect(writes('ReportRole').sort()).toEqual(
      ['reports', 'bundles', 'summaries'].map((p) => JSON.stringify({ 'Fn::Sub': `\${StoreBucket.Arn}/ward/${p}/*` })).sort(),
    );
    // No other principal in the account, whatever its own policies say.
    const policy = resources['StoreBucketPolicy']?.Properties['PolicyDocument'] as { Statement: Array<Statement & { Condition?: unknown }> };
    expect(policy.Statement.find((st) => st.Sid === 'OnlyTheReportRoleWritesEvidence')).toEqual({
      Sid: 'OnlyTheReportRoleWritesEvidence',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:PutObject', 's3:PutObjectRetention'],
      Resource: [{ 'Fn::Sub': '${StoreBucket.Arn}/ward/bundles/*' }, { 'Fn::Sub': '${StoreBucket.Arn}/ward/reports/*' }],
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': ['ReportRole', 'Arn'] } } },
    });
  });

  it('locks bundles on the PUT itself, governance by default, compliance as a parameter (item 10)', () => {
    const env = (resources['ReportLambdaFunction']?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(env['WARD_EVIDENCE_RETENTION_DAYS']).toBe('2190');
    expect(env['WARD_EVIDENCE_RETENTION_MODE']).toBe('GOVERNANCE');
    expect(resources['StoreBucket']?.Properties['ObjectLockEnabled']).toBe(true);
    // A bucket default would lock every state and scan version as well: retention travels on the PUT.
    expect(resources['StoreBucket']?.Properties['ObjectLockConfiguration']).toBeUndefined();
  });

  it('limits sts:AssumeRole to member roles in Ward’s organisation (item 11)', () => {
    const assume = statementsOf('ScanRole').find((st) => st.Sid === 'AssumeMemberRoles') as Statement & { Condition: unknown };
    expect(assume.Condition).toEqual({
      'Fn::If': [
        'AnyMemberOrganization',
        { Ref: 'AWS::NoValue' },
        { StringEquals: { 'aws:ResourceOrgID': { 'Fn::If': ['SameMemberOrganization', { 'Fn::Join': ['', ['$', '{aws:PrincipalOrgID}']] }, 'same'] } } },
      ],
    });
    expect(conditions['SameMemberOrganization']).toEqual({ 'Fn::Equals': ['same', 'same'] });
    expect(conditions['AnyMemberOrganization']).toEqual({ 'Fn::Equals': ['same', 'any'] });
  });

  it('member accounts trust exactly the scan role, not a name pattern (item 11)', () => {
    const member = parse(readFileSync(join(ROOT, 'deploy', 'member-role.yml'), 'utf8')) as { Resources: { WardReadOnlyRole: { Properties: { AssumeRolePolicyDocument: { Statement: Array<{ Condition: Record<string, unknown> }> } } } } };
    const [trust] = member.Resources.WardReadOnlyRole.Properties.AssumeRolePolicyDocument.Statement;
    expect(trust?.Condition['ArnLike']).toBeUndefined();
    expect(trust?.Condition['ArnEquals']).toEqual({ 'aws:PrincipalArn': { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${WardAccountId}:role/${WardScanRoleName}' } });
    expect(resources['ScanRole']?.Properties['RoleName']).toBe('ward-test-scan-us-east-1');
  });

  it('member accounts forward exactly the change events Ward’s own rule matches, to Ward’s bus only (issue 18)', () => {
    type Member = { Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>; Parameters: Record<string, unknown> };
    const member = parse(readFileSync(join(ROOT, 'deploy', 'member-role.yml'), 'utf8')) as Member;
    const rule = member.Resources['WardChangeForwardingRule'];
    expect(rule?.Properties['EventPattern']).toEqual(resources['ChangeEventsRule']?.Properties['EventPattern']);
    const bus = { 'Fn::Sub': 'arn:${AWS::Partition}:events:${WardRegion}:${WardAccountId}:event-bus/default' };
    expect(rule?.Properties['Targets']).toEqual([{ Id: 'ward', Arn: bus, RoleArn: { 'Fn::GetAtt': ['WardChangeForwarderRole', 'Arn'] } }]);
    const forwarder = member.Resources['WardChangeForwarderRole']?.Properties['Policies'] as Array<{ PolicyDocument: { Statement: Statement[] } }>;
    expect(forwarder.flatMap((p) => p.PolicyDocument.Statement)).toEqual([{ Sid: 'PutOnWardBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: bus }]);
    // The read role is unchanged: change-driven scans read with the same actions as scans.
    const readRole = member.Resources['WardReadOnlyRole']?.Properties['Policies'] as Array<{ PolicyDocument: { Statement: Statement[] } }>;
    expect(readRole.flatMap((p) => p.PolicyDocument.Statement).flatMap(actionsOf).sort()).toEqual(awsReadActions(ALL_CONTROLS).sort());
  });

  it('alarms on a non-empty dead-letter queue and sends failed scheduled runs to the operator topic (item 11)', () => {
    for (const queue of ['TargetDeadLetterQueue', 'ChangeDeadLetterQueue']) {
      const alarm = resources[`${queue}Alarm`]?.Properties ?? {};
      expect(alarm).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: 'OperatorAlertsTopic' }],
      });
    }
    expect(resources['OperatorAlertsTopic']?.Properties['KmsMasterKeyId']).toEqual({ Ref: 'StoreKey' });
    const destinations = Object.fromEntries(byType('AWS::Lambda::EventInvokeConfig').map(([, c]) => [JSON.stringify(c.Properties['FunctionName']), c.Properties['DestinationConfig']]));
    for (const fn of ['ScanLambdaFunction', 'ReportLambdaFunction', 'SweepRunsLambdaFunction']) {
      expect(destinations[JSON.stringify({ Ref: fn })]).toEqual({ OnFailure: { Destination: { Ref: 'OperatorAlertsTopic' } } });
    }
    for (const role of ['ScanRole', 'ReportRole']) {
      expect(statementsOf(role).find((st) => st.Sid === 'FailedRunDestination')).toMatchObject({ Action: ['sns:Publish'], Resource: { Ref: 'OperatorAlertsTopic' } });
    }
  });

  it('logs access to the store bucket into a separate, private, TLS-only bucket (item 11)', () => {
    expect(resources['StoreBucket']?.Properties['LoggingConfiguration']).toEqual({ DestinationBucketName: { Ref: 'StoreAccessLogBucket' }, LogFilePrefix: 'store/' });
    const logs = resources['StoreAccessLogBucket']?.Properties ?? {};
    expect(logs['PublicAccessBlockConfiguration']).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    const policy = resources['StoreAccessLogBucketPolicy']?.Properties['PolicyDocument'] as { Statement: Array<Statement & { Principal: unknown; Condition: unknown }> };
    expect(policy.Statement).toContainEqual(expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' }));
    expect(policy.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('keeps its own logs at least as long as Ward’s retention threshold (six years)', () => {
    const groups = byType('AWS::Logs::LogGroup');
    expect(groups.length).toBe(byType('AWS::Lambda::Function').length); // one per function
    for (const [, group] of groups) expect(group.Properties['RetentionInDays']).toBeGreaterThanOrEqual(2190);
  });

  it('gives the functions plain-string settings that name the stack’s own bucket, queue and key', () => {
    const env = (resources['ScanTargetLambdaFunction']?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    for (const value of Object.values(env)) expect(typeof value).toBe('string');
    expect(env['WARD_STORE']).toBe('s3://ward-test-{accountId}-us-east-1/ward');
    expect(resources['StoreBucket']?.Properties['BucketName']).toEqual({ 'Fn::Sub': 'ward-test-${AWS::AccountId}-${AWS::Region}' });
    expect(env['WARD_SCAN_QUEUE_URL']).toBe('https://sqs.us-east-1.amazonaws.com/{accountId}/ward-test-targets');
    expect(resources['TargetQueue']?.Properties['QueueName']).toBe('ward-test-targets');
    expect(env['WARD_EVIDENCE_KMS_KEY_ID']).toBe('alias/ward-test-evidence');
    expect(resources['EvidenceSigningKeyAlias']?.Properties).toEqual({ AliasName: 'alias/ward-test-evidence', TargetKeyId: { Ref: 'EvidenceSigningKey' } });
  });

  it('serves lasting download links from a public Function URL whose role reads evidence and checks tokens only (issue 14, item 7)', () => {
    expect(resources['DownloadLambdaFunctionUrl']).toMatchObject({ Type: 'AWS::Lambda::Url', Properties: { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': ['DownloadLambdaFunction', 'Arn'] } } });
    expect(resources['DownloadLambdaFunction']?.Properties).toMatchObject({ Handler: 'functions/download.handler', Timeout: 10, Role: { 'Fn::GetAtt': ['DownloadRole', 'Arn'] } });
    expect(resources['DownloadLinkKey']?.Properties).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    expect(resources['DownloadLinkKeyAlias']?.Properties).toEqual({ AliasName: 'alias/ward-test-download-links', TargetKeyId: { Ref: 'DownloadLinkKey' } });
    // The URL is only known once deployed: the functions read it from SSM, by a plain-string name.
    expect(resources['DownloadUrlParameter']?.Properties).toMatchObject({ Name: '/ward/test/download-url', Type: 'String', Value: { 'Fn::GetAtt': ['DownloadLambdaFunctionUrl', 'FunctionUrl'] } });
    for (const fn of ['ScanLambdaFunction', 'ScanTargetLambdaFunction', 'SweepRunsLambdaFunction', 'ReportLambdaFunction']) {
      const env = (resources[fn]?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
      expect(env['WARD_DOWNLOAD_URL_PARAMETER'], fn).toBe('/ward/test/download-url');
      expect(env['WARD_DOWNLOAD_LINK_KEY_ID'], fn).toBe('alias/ward-test-download-links');
    }
    const key = { 'Fn::GetAtt': ['DownloadLinkKey', 'Arn'] };
    expect(statementsOf('DownloadRole').map(({ Sid, Action, Resource }) => ({ Sid, Action, Resource }))).toEqual([
      { Sid: 'ReadEvidence', Action: ['s3:GetObject'], Resource: [{ 'Fn::Sub': '${StoreBucket.Arn}/ward/bundles/*' }, { 'Fn::Sub': '${StoreBucket.Arn}/ward/reports/*' }] },
      { Sid: 'StoreKey', Action: ['kms:Decrypt'], Resource: { 'Fn::GetAtt': ['StoreKey', 'Arn'] } },
      { Sid: 'CheckDownloadLinks', Action: ['kms:VerifyMac'], Resource: key },
      { Sid: 'Logs', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/ward-test-*:*' } },
    ]);
    for (const role of ['ScanRole', 'ReportRole']) {
      const bySid = Object.fromEntries(statementsOf(role).map((st) => [st.Sid, st]));
      expect(bySid['MakeDownloadLinks'], role).toMatchObject({ Effect: 'Allow', Action: ['kms:GenerateMac'], Resource: key });
      expect(bySid['DownloadUrl'], role).toMatchObject({ Action: ['ssm:GetParameter'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/ward/test/download-url' } });
    }
    // Only the download role checks links; only the scan and report roles make them.
    const withAction = (action: string) => byType('AWS::IAM::Role').filter(([name]) => statementsOf(name).some((st) => actionsOf(st).includes(action))).map(([name]) => name).sort();
    expect(withAction('kms:VerifyMac')).toEqual(['DownloadRole']);
    expect(withAction('kms:GenerateMac')).toEqual(['ReportRole', 'ScanRole']);
  });

  it('carries the Slack webhook parameter name only, never a secret value', () => {
    expect(templateText).not.toMatch(/hooks\.slack\.com|xox[bp]-/);
    const env = (resources['ScanLambdaFunction']?.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    expect(env['WARD_SLACK_WEBHOOK_PARAMETER']).toBe('/ward/slack-webhook-url');
    expect(Object.keys(env)).not.toContain('WARD_SLACK_WEBHOOK_URL');
  });
});

/** Every file in the package, with its uncompressed contents for the handlers. */
async function packageFiles(path: string): Promise<Map<string, string | undefined>> {
  const zip = await promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open)(path, { lazyEntries: true });
  const files = new Map<string, string | undefined>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!/^functions\/.+\.js$/.test(entry.fileName)) {
        files.set(entry.fileName, undefined);
        zip.readEntry();
        return;
      }
      zip.openReadStream(entry, (error, stream) => {
        if (error !== null) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        });
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return files;
}

describe('serverless package (code)', () => {
  it('ships no source map, and the scan handlers load the Google Cloud, Azure and AWS scanners only when a target needs them', async () => {
    const files = await packageFiles(zipPath);
    expect([...files.keys()].filter((name) => name.endsWith('.map'))).toEqual([]);
    // What a handler loads at cold start: its file and every chunk it imports statically (not import()).
    const coldStart = (entry: string): string[] => {
      const seen = new Set<string>();
      const stack = [entry];
      while (stack.length > 0) {
        const name = stack.pop() ?? '';
        if (seen.has(name) || !files.has(name)) continue;
        seen.add(name);
        for (const m of (files.get(name) ?? '').matchAll(/(?:\bfrom\s*|\bimport\s+)["'](\.{1,2}\/[^"']+\.js)["']/g)) stack.push(posix.normalize(posix.join(posix.dirname(name), m[1] ?? '')));
      }
      return [...seen];
    };
    for (const handler of ['functions/scan.js', 'functions/scan-target.js']) {
      expect((files.get(handler) ?? '').length).toBeGreaterThan(0);
      const loaded = coldStart(handler).map((name) => files.get(name) ?? '');
      // Names only the SDK bundles define: in a chunk of their own, not loaded at cold start.
      for (const marker of ['AssetServiceClient', 'ResourceManagementClient', 'DescribeVolumesCommand']) for (const code of loaded) expect(code).not.toContain(marker);
    }
    // …yet they are in the package, in chunks loaded by import() when a target needs them.
    const all = [...files.values()].map((code) => code ?? '');
    for (const marker of ['AssetServiceClient', 'ResourceManagementClient', 'DescribeVolumesCommand']) expect(all.some((code) => code.includes(marker))).toBe(true);
    expect(all.some((code) => /import\("\.{1,2}\/[^"]*provider-[A-Z0-9]+\.js"\)/.test(code))).toBe(true);
  });
});

// Change → CloudTrail event → targeted read → finding → one Slack message, against the sandbox over
// real HTTP and a real HTTP stand-in for Slack (issue 18).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, CreateVolumeCommand, DisableEbsEncryptionByDefaultCommand, ModifySecurityGroupRulesCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateDBInstanceCommand, ModifyDBInstanceCommand, RestoreDBInstanceFromDBSnapshotCommand } from '@aws-sdk/client-rds';
import { DeleteTrailCommand, PutEventSelectorsCommand, StopLoggingCommand, UpdateTrailCommand } from '@aws-sdk/client-cloudtrail';
import { CreateLoginProfileCommand, DeactivateMFADeviceCommand } from '@aws-sdk/client-iam';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONTROL_IDS } from '../checks/index.js';
import { parseConfig } from '../core/config.js';
import type { TrackedFinding } from '../core/lifecycle.js';
import { LocalBlobStore } from '../core/store/local.js';
import { ScanStore } from '../core/store/scans.js';
import type { CloudTrailEventBridgeEvent } from '../sandbox/changes.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { sandboxEnv } from '../sandbox/env.js';
import { sandboxClients, type SandboxClients } from '../sandbox/testkit.js';
import type { World } from '../sandbox/types.js';
import { startSlackReceiver, type SlackReceiver } from '../test/support/slack.js';
import { announceScan } from './announce.js';
import { changeScan, parseChangeEvent, planChangeScopes } from './change-scan.js';
import { scan } from './scan.js';

const ACCOUNT = '111122223333';
// us-east-1: where global service events are delivered, so a trail's IncludeGlobalServiceEvents counts.
const REGION = 'us-east-1';
/** The sandbox's credential-report age limit here (AWS: four hours), so a test can outlive a report. */
const REPORT_MAX_AGE_MS = 1500;
const WEB = 'sg-0000000000000000a';
const LEGACY = 'sg-0000000000000000b';
const APP = ['sg-00000000000000001', 'sg-00000000000000002', 'sg-00000000000000003'];
const SSH_WORLD = { protocol: 'tcp', fromPort: 22, toPort: 22, ipv4: ['0.0.0.0/0'] };
const SSH_OPEN = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

function world(): World {
  return {
    regions: { [REGION]: 'opt-in-not-required' },
    accounts: [
      {
        id: ACCOUNT,
        name: 'clinic',
        current: true,
        iam: {
          root: { password: true, mfa: true },
          users: [
            { name: 'alice', password: true, mfa: true },
            { name: 'bob', password: false },
          ],
          credentialReport: { maxAgeMs: REPORT_MAX_AGE_MS },
        },
        regions: {
          [REGION]: {
            ebsEncryptionByDefault: true,
            trails: [{ name: 'main', multiRegion: true }],
            securityGroups: [
              { id: WEB, name: 'web' },
              { id: LEGACY, name: 'legacy', ingress: [SSH_WORLD] },
              ...APP.map((id, i) => ({ id, name: `app-${i}` })),
            ],
            volumes: [{ encrypted: true }],
            logGroups: [{ name: '/ehr/api', retentionInDays: 3653 }],
            dbInstances: [{ id: 'ehr-db', engine: 'postgres', storageEncrypted: true, securityGroups: [WEB] }],
          },
        },
      },
    ],
  };
}

const config = parseConfig(`aws:\n  regions: [${REGION}]\n`, 'ward.config.yml', CONTROL_IDS);

let sandbox: Sandbox;
let slack: SlackReceiver;
let clients: SandboxClients;
let store: ScanStore;
let events: CloudTrailEventBridgeEvent[];
const saved = { ...process.env };

beforeAll(async () => {
  slack = await startSlackReceiver();
});
afterAll(async () => {
  await slack.close();
});

beforeEach(async () => {
  sandbox = await startSandbox({ world: world() });
  Object.assign(process.env, sandboxEnv(sandbox.url));
  clients = sandboxClients(sandbox.url, REGION);
  store = new ScanStore(new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-change-'))));
  events = [];
  sandbox.onChange((event) => events.push(event));
  // The daily scan has run: the legacy group's open SSH is a known, open finding.
  const daily = await scan({ config, store, providers: ['aws'] });
  await announceScan(store, daily.scan, slack.url);
  slack.accepted.length = 0;
  slack.payloads.length = 0;
});

afterEach(async () => {
  clients.destroy();
  process.env = { ...saved };
  await sandbox.close();
});

/** The change events so far, as EventBridge → SQS would hand them over, then forgotten. */
function drain() {
  const batch = events.map((e) => parseChangeEvent(JSON.parse(JSON.stringify(e))));
  events = [];
  return batch;
}

/** One change scan of the events so far (or of `batch`: SQS handing a batch over again). */
async function runChanges(batch = drain()) {
  sandbox.stats.reset();
  const outcome = await changeScan({ config, events: batch, store, homeAccount: ACCOUNT, webhookUrl: slack.url });
  return { outcome, byApi: { ...sandbox.stats.byApi } };
}

async function tracked(controlId: string, resourceId: string): Promise<TrackedFinding | undefined> {
  const state = await store.loadState('aws', ACCOUNT);
  return state?.tracked.find((t) => t.finding.controlId === controlId && t.finding.resource.id === resourceId);
}

const messageText = () => JSON.stringify(slack.accepted);

describe('change-driven scan', () => {
  it('opening SSH on one group: one targeted read, a new finding, one Slack message; other findings untouched', async () => {
    const legacyBefore = await tracked('aws-ssh-not-open', LEGACY);
    expect(legacyBefore?.state).toBe('new');
    await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: WEB, IpPermissions: [SSH_OPEN] }));
    expect(events.map((e) => [e.source, e['detail-type'], e.detail.eventName, e.account, e.region])).toEqual([['aws.ec2', 'AWS API Call via CloudTrail', 'AuthorizeSecurityGroupIngress', ACCOUNT, REGION]]);

    const { outcome, byApi } = await runChanges();
    expect((await tracked('aws-ssh-not-open', WEB))?.state).toBe('new');
    expect(await tracked('aws-ssh-not-open', LEGACY)).toEqual(legacyBefore);
    expect(outcome.scan?.partial).toEqual([{ controlId: 'aws-ssh-not-open', account: ACCOUNT, region: REGION, resourceIds: [WEB] }]);
    expect(outcome.scan?.results.map((f) => [f.controlId, f.resource.id, f.status])).toEqual([['aws-ssh-not-open', WEB, 'FAIL']]);
    // Only what the control needs for that group: the group, its interfaces and the region's prefix lists
    // (and who is reading, for the record).
    expect(byApi).toEqual({ 'sts:GetCallerIdentity': 1, 'ec2:DescribeSecurityGroups': 1, 'ec2:DescribeNetworkInterfaces': 1, 'ec2:DescribeManagedPrefixLists': 1 });
    expect(outcome.alerts?.status).toBe('delivered');
    expect(slack.accepted).toHaveLength(1);
    expect(messageText()).toContain('1 new finding');
    expect(messageText()).toContain('`web`');
    expect(messageText()).not.toContain('legacy');
    // Change scans stay out of the scan history reports read.
    expect(await store.listScanIds()).toHaveLength(1);
  });

  it('closing it again resolves that finding only, in one message', async () => {
    await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: WEB, IpPermissions: [SSH_OPEN] }));
    await runChanges();
    slack.accepted.length = 0;
    await clients.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: WEB, IpPermissions: [SSH_OPEN] }));
    await runChanges();
    expect((await tracked('aws-ssh-not-open', WEB))?.state).toBe('resolved');
    expect((await tracked('aws-ssh-not-open', LEGACY))?.state).toBe('new');
    expect(slack.accepted).toHaveLength(1);
    expect(messageText()).toContain('1 finding resolved');
    expect(messageText()).toContain('`web`');
  });

  it('a rule modified in place to admit the internet: the group found, in one message', async () => {
    const added = await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: WEB, IpPermissions: [{ ...SSH_OPEN, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] }));
    await runChanges();
    expect(await tracked('aws-ssh-not-open', WEB)).toBeUndefined();
    expect(slack.accepted).toHaveLength(0);
    const ruleId = added.SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? '';
    await clients.ec2.send(new ModifySecurityGroupRulesCommand({ GroupId: WEB, SecurityGroupRules: [{ SecurityGroupRuleId: ruleId, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' } }] }));
    expect(events.map((e) => e.detail.requestParameters)).toEqual([{ ModifySecurityGroupRulesRequest: { GroupId: WEB, SecurityGroupRule: { SecurityGroupRuleId: ruleId, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' }, tag: 1 } } }]);
    const { outcome } = await runChanges();
    expect(outcome.scan?.results.map((f) => [f.controlId, f.resource.id, f.status])).toEqual([['aws-ssh-not-open', WEB, 'FAIL']]);
    expect((await tracked('aws-ssh-not-open', WEB))?.state).toBe('new');
    expect((await tracked('aws-ssh-not-open', LEGACY))?.state).toBe('new');
    expect(slack.accepted).toHaveLength(1);
    expect(messageText()).toContain('1 new finding');
  });

  it('a burst of changes to several groups is one filtered read and one message', async () => {
    for (const id of APP) {
      await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [SSH_OPEN] }));
      await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ ...SSH_OPEN, FromPort: 0, ToPort: 65535 }] }));
    }
    expect(events).toHaveLength(6);
    const { outcome, byApi } = await runChanges();
    expect(byApi['ec2:DescribeSecurityGroups']).toBe(1);
    for (const id of APP) expect((await tracked('aws-ssh-not-open', id))?.state).toBe('new');
    expect(outcome.scan?.partial?.[0]?.resourceIds?.sort()).toEqual([...APP].sort());
    expect(slack.accepted).toHaveLength(1);
  });

  it('a new unencrypted volume, default encryption turned off, a shortened retention and a stopped trail: each found, in one message', async () => {
    const created = await clients.ec2.send(new CreateVolumeCommand({ AvailabilityZone: `${REGION}a`, Size: 8, Encrypted: false }));
    await clients.ec2.send(new DisableEbsEncryptionByDefaultCommand({}));
    await clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: '/ehr/api', retentionInDays: 7 }));
    await clients.cloudtrail.send(new StopLoggingCommand({ Name: 'main' }));
    const volumeId = created.VolumeId ?? '';
    const { outcome, byApi } = await runChanges();
    expect(byApi['ec2:DescribeVolumes']).toBe(1);
    expect((await tracked('aws-ebs-volume-encrypted', volumeId))?.state).toBe('new');
    expect((await tracked('aws-log-retention', '/ehr/api'))?.state).toBe('new');
    const failing = outcome.scan?.results.filter((f) => f.status === 'FAIL').map((f) => f.controlId).sort();
    expect(failing).toEqual(['aws-cloudtrail-all-regions', 'aws-ebs-encryption-by-default', 'aws-ebs-volume-encrypted', 'aws-log-retention']);
    expect(slack.accepted).toHaveLength(1);
  });

  it('a database made public, a new log group and a deleted trail: each judged from a targeted read, in one message', async () => {
    await clients.rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'EHR-DB', PubliclyAccessible: true, ApplyImmediately: true }));
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: '/ehr/new' }));
    await clients.cloudtrail.send(new DeleteTrailCommand({ Name: 'main' }));
    expect(events.map((e) => e.detail.eventName)).toEqual(['ModifyDBInstance', 'CreateLogGroup', 'DeleteTrail']);
    const { outcome, byApi } = await runChanges();
    // The instance by its identifier, the group by its name: no full list of either.
    expect(byApi['rds:DescribeDBInstances']).toBe(1);
    expect((await tracked('aws-rds-not-public', 'ehr-db'))?.state).toBe('new');
    // A new group without a retention setting never expires its events: judged, and it passes.
    expect(outcome.scan?.results.filter((f) => f.controlId === 'aws-log-retention').map((f) => [f.resource.id, f.status])).toEqual([['/ehr/new', 'PASS']]);
    const failing = outcome.scan?.results.filter((f) => f.status === 'FAIL').map((f) => f.controlId).sort();
    expect(failing).toEqual(['aws-cloudtrail-all-regions', 'aws-rds-not-public']);
    expect((await tracked('aws-cloudtrail-all-regions', `${ACCOUNT}/${REGION}/region-coverage`))?.state).toBe('new');
    expect(slack.accepted).toHaveLength(1);
    expect(messageText()).toContain('2 new findings');
  });

  it('a new public, unencrypted database: both its findings new, in one message; the other database untouched', async () => {
    const legacyBefore = await tracked('aws-ssh-not-open', LEGACY);
    await clients.rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'Scratch-DB', Engine: 'postgres', DBInstanceClass: 'db.t4g.micro', MasterUsername: 'admin', MasterUserPassword: 'not-a-secret-1', AllocatedStorage: 20, PubliclyAccessible: true, StorageEncrypted: false, VpcSecurityGroupIds: [WEB] }));
    const [event] = events;
    expect(event?.detail.requestParameters).toMatchObject({ dBInstanceIdentifier: 'Scratch-DB', publiclyAccessible: true, storageEncrypted: false });
    expect(JSON.stringify(event)).not.toContain('not-a-secret-1');
    const { outcome, byApi } = await runChanges();
    // One read of the instance serves both controls.
    expect(byApi['rds:DescribeDBInstances']).toBe(1);
    expect(outcome.scan?.results.map((f) => [f.controlId, f.resource.id, f.status])).toEqual([
      ['aws-rds-not-public', 'scratch-db', 'FAIL'],
      ['aws-rds-storage-encrypted', 'scratch-db', 'FAIL'],
    ]);
    expect((await tracked('aws-rds-not-public', 'scratch-db'))?.state).toBe('new');
    expect((await tracked('aws-rds-storage-encrypted', 'scratch-db'))?.state).toBe('new');
    expect(await tracked('aws-rds-not-public', 'ehr-db')).toBeUndefined();
    expect(await tracked('aws-ssh-not-open', LEGACY)).toEqual(legacyBefore);
    expect(slack.accepted).toHaveLength(1);
    expect(messageText()).toContain('2 new findings');
    expect(messageText()).toContain('scratch-db');
  });

  it('a restore from an encrypted snapshot, made public: one new finding (public), encryption judged and passing, one message', async () => {
    await expect(clients.rds.send(new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: 'ehr-copy', DBSnapshotIdentifier: 'manual-none' }))).rejects.toThrow(/DBSnapshot not found/);
    expect(events).toHaveLength(0);
    await clients.rds.send(new RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: 'ehr-copy', DBSnapshotIdentifier: 'rds:ehr-db-2026-12-01-03-10', PubliclyAccessible: true, VpcSecurityGroupIds: [WEB] }));
    expect(events.map((e) => [e.detail.eventName, e.detail.requestParameters?.['dBSnapshotIdentifier']])).toEqual([['RestoreDBInstanceFromDBSnapshot', 'rds:ehr-db-2026-12-01-03-10']]);
    const { outcome } = await runChanges();
    expect(outcome.scan?.results.map((f) => [f.controlId, f.resource.id, f.status])).toEqual([
      ['aws-rds-not-public', 'ehr-copy', 'FAIL'],
      ['aws-rds-storage-encrypted', 'ehr-copy', 'PASS'],
    ]);
    expect((await tracked('aws-rds-not-public', 'ehr-copy'))?.state).toBe('new');
    expect(slack.accepted).toHaveLength(1);
    expect(messageText()).toContain('1 new finding');
  });

  it('a trail narrowed to one region without global service events fails us-east-1; widening it again resolves it; one message each', async () => {
    const coverage = `${ACCOUNT}/${REGION}/region-coverage`;
    await expect(clients.cloudtrail.send(new UpdateTrailCommand({ Name: 'main', IncludeGlobalServiceEvents: false }))).rejects.toThrow(/Multi-Region trail must include global service events/);
    await clients.cloudtrail.send(new UpdateTrailCommand({ Name: 'main', IsMultiRegionTrail: false, IncludeGlobalServiceEvents: false }));
    expect(events.map((e) => [e.detail.eventName, e.detail.requestParameters, e.detail.responseElements?.['isMultiRegionTrail']])).toEqual([
      ['UpdateTrail', { name: 'main', isMultiRegionTrail: false, includeGlobalServiceEvents: false }, false],
    ]);
    const { outcome } = await runChanges();
    expect(outcome.scan?.results.map((f) => [f.controlId, f.status])).toEqual([['aws-cloudtrail-all-regions', 'FAIL']]);
    expect(outcome.scan?.results[0]?.message).toContain('not global service events');
    expect((await tracked('aws-cloudtrail-all-regions', coverage))?.state).toBe('new');
    expect((await tracked('aws-ssh-not-open', LEGACY))?.state).toBe('new');
    expect(slack.accepted).toHaveLength(1);
    slack.accepted.length = 0;

    await clients.cloudtrail.send(new UpdateTrailCommand({ Name: 'main', IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true }));
    await runChanges();
    expect((await tracked('aws-cloudtrail-all-regions', coverage))?.state).toBe('resolved');
    expect((await tracked('aws-ssh-not-open', LEGACY))?.state).toBe('new');
    expect(slack.accepted).toHaveLength(1);
    expect(messageText()).toContain('1 finding resolved');
  });

  it('event selectors that log only write events fail the region; logging all again resolves it; one message each', async () => {
    const coverage = `${ACCOUNT}/${REGION}/region-coverage`;
    await clients.cloudtrail.send(new PutEventSelectorsCommand({ TrailName: 'main', EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] }));
    expect(events[0]?.detail.requestParameters).toEqual({ trailName: 'main', eventSelectors: [{ readWriteType: 'WriteOnly', includeManagementEvents: true, dataResources: [], excludeManagementEventSources: [] }] });
    const { outcome } = await runChanges();
    expect(outcome.scan?.results.map((f) => [f.controlId, f.status])).toEqual([['aws-cloudtrail-all-regions', 'FAIL']]);
    expect(outcome.scan?.results[0]?.message).toContain('WriteOnly');
    expect((await tracked('aws-cloudtrail-all-regions', coverage))?.state).toBe('new');
    expect(slack.accepted).toHaveLength(1);
    slack.accepted.length = 0;

    await clients.cloudtrail.send(new PutEventSelectorsCommand({ TrailName: 'main', EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] }));
    await runChanges();
    expect((await tracked('aws-cloudtrail-all-regions', coverage))?.state).toBe('resolved');
    expect(slack.accepted).toHaveLength(1);
    expect(messageText()).toContain('1 finding resolved');
  });

  it('IAM changes wait for the credential report: a report from before them changes nothing and sends nothing; once rebuilt, both are new, in one message', async () => {
    await clients.iam.send(new DeactivateMFADeviceCommand({ UserName: 'alice', SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice` }));
    await clients.iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: 'not-a-secret-2', PasswordResetRequired: true }));
    expect(events.map((e) => [e.detail.eventName, e.region, e.detail.requestParameters])).toEqual([
      ['DeactivateMFADevice', 'us-east-1', { userName: 'alice', serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice` }],
      ['CreateLoginProfile', 'us-east-1', { userName: 'bob', passwordResetRequired: true }],
    ]);
    const batch = drain();
    const changedAt = Date.parse(batch[0]?.time ?? '');

    // The report the daily scan had AWS build is younger than its age limit: AWS serves it as it is.
    const stale = await runChanges(batch);
    const users = (scan: typeof stale) => scan.outcome.scan?.results.filter((f) => f.controlId === 'aws-console-user-mfa').map((f) => [f.resource.id, f.status]);
    expect(users(stale)).toEqual([
      ['alice', 'PASS'],
      ['bob', 'PASS'],
    ]);
    const generated = stale.outcome.scan?.results.find((f) => f.resource.id === 'alice')?.evidence[0]?.fields['generatedTime'];
    expect(Date.parse(String(generated))).toBeLessThanOrEqual(changedAt);
    expect(stale.outcome.alerts?.status).toBe('nothing-to-send');
    expect(await tracked('aws-console-user-mfa', 'alice')).toBeUndefined();
    expect(slack.accepted).toHaveLength(0);

    // Past the age limit, the next GenerateCredentialReport rebuilds it (the same batch, as SQS redelivers it or the next scan reads it).
    await new Promise((resolve) => setTimeout(resolve, REPORT_MAX_AGE_MS + 100));
    const fresh = await runChanges(batch);
    expect(users(fresh)).toEqual([
      ['alice', 'FAIL'],
      ['bob', 'FAIL'],
    ]);
    expect((await tracked('aws-console-user-mfa', 'alice'))?.state).toBe('new');
    expect((await tracked('aws-console-user-mfa', 'bob'))?.state).toBe('new');
    // The root user kept its MFA: re-judged from GetAccountSummary (never stale), still passing.
    expect(fresh.outcome.scan?.results.filter((f) => f.controlId === 'aws-root-mfa').map((f) => f.status)).toEqual(['PASS']);
    expect((await tracked('aws-ssh-not-open', LEGACY))?.state).toBe('new');
    expect(slack.accepted).toHaveLength(1);
    expect(messageText()).toContain('2 new findings');
    expect(messageText()).not.toContain('not-a-secret');
  });

  it('ignores accounts the configuration does not cover, and events no control needs', async () => {
    const foreign = { version: '0', id: 'e1', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2', account: '999988887777', region: REGION, time: '', resources: [], detail: { eventSource: 'ec2.amazonaws.com', eventName: 'AuthorizeSecurityGroupIngress', requestParameters: { groupId: WEB } } };
    const outcome = await changeScan({ config, events: [parseChangeEvent(foreign)], store, homeAccount: ACCOUNT, webhookUrl: slack.url });
    expect(outcome).toEqual({ ignoredAccounts: ['999988887777'] });
    const failed = { ...foreign, account: ACCOUNT, detail: { ...foreign.detail, errorCode: 'InvalidGroup.NotFound' } };
    expect(planChangeScopes([parseChangeEvent(failed)], config).size).toBe(0);
    expect(slack.accepted).toHaveLength(0);
  });

  it('refuses what is not a CloudTrail event, naming the field', () => {
    expect(() => parseChangeEvent({ 'detail-type': 'Scheduled Event' })).toThrow(/detail-type is "Scheduled Event"/);
    expect(() => parseChangeEvent({ 'detail-type': 'AWS API Call via CloudTrail', account: '../x', region: REGION, detail: {} })).toThrow(/account "..\/x" is not a 12-digit/);
  });
});

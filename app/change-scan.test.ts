// Change → CloudTrail event → targeted read → finding → one Slack message, against the sandbox over
// real HTTP and a real HTTP stand-in for Slack (issue 18).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, CreateVolumeCommand, DisableEbsEncryptionByDefaultCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ModifyDBInstanceCommand } from '@aws-sdk/client-rds';
import { DeleteTrailCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
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
const REGION = 'eu-west-1';
const WEB = 'sg-0000000000000000a';
const LEGACY = 'sg-0000000000000000b';
const APP = ['sg-00000000000000001', 'sg-00000000000000002', 'sg-00000000000000003'];
const SSH_WORLD = { protocol: 'tcp', fromPort: 22, toPort: 22, ipv4: ['0.0.0.0/0'] };
const SSH_OPEN = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

function world(): World {
  return {
    regions: { 'us-east-1': 'opt-in-not-required', [REGION]: 'opt-in-not-required' },
    accounts: [
      {
        id: ACCOUNT,
        name: 'clinic',
        current: true,
        iam: { root: { password: true, mfa: true } },
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

async function runChanges() {
  sandbox.stats.reset();
  const outcome = await changeScan({ config, events: drain(), store, homeAccount: ACCOUNT, webhookUrl: slack.url });
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

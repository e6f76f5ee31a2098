// The changeScan Lambda door: SQS batches (or one EventBridge event) of sandbox CloudTrail events.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalBlobStore } from '../core/store/local.js';
import { ScanStore } from '../core/store/scans.js';
import type { CloudTrailEventBridgeEvent } from '../sandbox/changes.js';
import { sandboxEnv } from '../sandbox/env.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { sandboxClients } from '../sandbox/testkit.js';
import { startSlackReceiver, type SlackReceiver } from '../test/support/slack.js';
import { handler } from './change-scan.js';
import { resetRuntime } from './runtime.js';

const HOME = '111122223333';
const REGION = 'eu-west-1';
const context = { invokedFunctionArn: `arn:aws:lambda:us-east-1:${HOME}:function:ward-test-changeScan` };

let dir: string;
let sandbox: Sandbox;
let slack: SlackReceiver;
let events: CloudTrailEventBridgeEvent[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ward-change-fn-'));
  writeFileSync(join(dir, 'ward.config.yml'), `aws:\n  regions: [${REGION}]\n`);
  sandbox = await startSandbox({
    world: {
      regions: { 'us-east-1': 'opt-in-not-required', [REGION]: 'opt-in-not-required' },
      accounts: [{ id: HOME, current: true, regions: { [REGION]: { securityGroups: [{ id: 'sg-0000000000000000a', name: 'web' }, { id: 'sg-0000000000000000b', name: 'db' }] } } }],
    },
  });
  slack = await startSlackReceiver();
  for (const [name, value] of Object.entries(sandboxEnv(sandbox.url))) vi.stubEnv(name, value);
  vi.stubEnv('WARD_CONFIG', join(dir, 'ward.config.yml'));
  vi.stubEnv('WARD_STORE', join(dir, 'store'));
  vi.stubEnv('WARD_SLACK_WEBHOOK_URL', slack.url);
  vi.spyOn(process.stdout, 'write').mockReturnValue(true);
  resetRuntime();
  events = [];
  sandbox.onChange((e) => events.push(e));
  const clients = sandboxClients(sandbox.url, REGION);
  try {
    for (const GroupId of ['sg-0000000000000000a', 'sg-0000000000000000b']) {
      await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    }
  } finally {
    clients.destroy();
  }
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  resetRuntime();
  await sandbox.close();
  await slack.close();
});

const openFindings = async () => ((await new ScanStore(new LocalBlobStore(join(dir, 'store'))).loadState('aws', HOME))?.tracked ?? []).map((t) => `${t.finding.resource.id} ${t.state}`).sort();

describe('changeScan handler', () => {
  it('scans an SQS batch as one change: both groups found, one Slack message; a record that is no change event is dropped', async () => {
    const response = await handler(
      { Records: [...events.map((e, i) => ({ messageId: `m${i}`, body: JSON.stringify(e) })), { messageId: 'junk', body: JSON.stringify({ 'detail-type': 'Scheduled Event' }) }] },
      context,
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await openFindings()).toEqual(['sg-0000000000000000a new', 'sg-0000000000000000b new']);
    expect(slack.accepted).toHaveLength(1);
    expect(JSON.stringify(slack.accepted[0])).toContain('2 new findings');
  });

  it('scans one EventBridge event invoked directly', async () => {
    const [first] = events;
    expect(await handler(first, context)).toEqual({ batchItemFailures: [] });
    expect(await openFindings()).toEqual(['sg-0000000000000000a new']);
    expect(slack.accepted).toHaveLength(1);
  });

  it('reports every change record of a batch it could not record, so SQS retries them', async () => {
    writeFileSync(join(dir, 'not-a-directory'), '');
    vi.stubEnv('WARD_STORE', join(dir, 'not-a-directory', 'store'));
    const response = await handler({ Records: events.map((e, i) => ({ messageId: `m${i}`, body: JSON.stringify(e) })) }, context);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }]);
    expect(slack.accepted).toHaveLength(0);
  });
});

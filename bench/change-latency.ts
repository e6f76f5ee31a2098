// Event → Slack message time of a change-driven scan (issue 18; target ≤ 5 s in the sandbox), against
// the sandbox with the bench's 40 ms per request, a local store and a local HTTP stand-in for Slack:
//
//   npm run build && node dist/bench/change-latency.js [rounds]
//
// Each round opens SSH on one security group; the clock starts when the sandbox emits the CloudTrail
// event and stops when Slack has the message. Not yet a scenario of `npm run bench` (bench/run.ts is
// being reworked by issue 13); the last line is one JSON object.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { changeScan, parseChangeEvent } from '../app/change-scan.js';
import { loopbackWebhook } from '../app/loopback-webhook.js';
import { scan } from '../app/scan.js';
import { CONTROL_IDS } from '../checks/index.js';
import { parseConfig } from '../core/config.js';
import { LocalBlobStore } from '../core/store/local.js';
import { ScanStore } from '../core/store/scans.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY, sandboxEnv } from '../sandbox/env.js';
import { startSandbox } from '../sandbox/server.js';
import type { CloudTrailEventBridgeEvent } from '../sandbox/changes.js';
import { LATENCY_MS } from './scenarios.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const TARGET_MS = 5000;

export async function measureChangeLatency(rounds: number): Promise<{ rounds: number; medianMs: number; maxMs: number; targetMs: number; pass: boolean }> {
  const groups = Array.from({ length: rounds }, (_, i) => `sg-${String(i + 1).padStart(17, '0')}`);
  const sandbox = await startSandbox({
    world: {
      latencyMs: LATENCY_MS,
      regions: { 'us-east-1': 'opt-in-not-required', [REGION]: 'opt-in-not-required' },
      accounts: [{ id: ACCOUNT, current: true, regions: { [REGION]: { securityGroups: groups.map((id, i) => ({ id, name: `g${i}` })), volumes: [{ encrypted: true }] } } }],
    },
  });
  const slack = await loopbackWebhook();
  const { received, url: webhookUrl } = slack;
  const saved = { ...process.env };
  Object.assign(process.env, sandboxEnv(sandbox.url));
  const ec2 = new EC2Client({ endpoint: sandbox.url, region: REGION, credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY } });
  const config = parseConfig(`aws:\n  regions: [${REGION}]\n`, 'ward.config.yml', CONTROL_IDS);
  const store = new ScanStore(new LocalBlobStore(mkdtempSync(join(tmpdir(), 'ward-change-bench-'))));
  const times: number[] = [];
  try {
    await scan({ config, store, providers: ['aws'] });
    for (const GroupId of groups) {
      let emitted: { event: CloudTrailEventBridgeEvent; at: number } | undefined;
      const stop = sandbox.onChange((event) => (emitted = { event, at: performance.now() }));
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
      stop();
      if (emitted === undefined) throw new Error('the sandbox emitted no event');
      const before = received.length;
      await changeScan({ config, events: [parseChangeEvent(JSON.parse(JSON.stringify(emitted.event)))], store, homeAccount: ACCOUNT, webhookUrl });
      const at = received[before]?.at;
      if (at === undefined || received.length !== before + 1) throw new Error(`expected one Slack message, got ${received.length - before}`);
      times.push(at - emitted.at);
    }
  } finally {
    ec2.destroy();
    process.env = saved;
    await sandbox.close();
    await slack.close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const medianMs = Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0);
  const maxMs = Math.round(sorted.at(-1) ?? 0);
  return { rounds, medianMs, maxMs, targetMs: TARGET_MS, pass: maxMs <= TARGET_MS };
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').slice(-2).join('/'))) {
  const rounds = Number(process.argv[2] ?? '5');
  const result = await measureChangeLatency(Number.isInteger(rounds) && rounds > 0 ? rounds : 5);
  console.log(`change-driven scan, event → Slack message: median ${result.medianMs} ms, max ${result.maxMs} ms over ${result.rounds} rounds (target ≤ ${result.targetMs} ms) ${result.pass ? 'ok' : 'MISSED'}`);
  console.log(JSON.stringify({ changeLatency: result }));
}

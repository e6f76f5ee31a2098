// The end of `npm start`: someone opens SSH to the internet on one security group of the running demo
// sandbox, the sandbox's CloudTrail announces it, and the change-driven scan re-judges that one group
// and builds the Slack message. The message goes to a loopback listener in this process, never to a
// real webhook, and is printed: what Slack would show, minutes (here: milliseconds) after the change.

import { AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { WardConfig } from '../core/config.js';
import type { ScanStore } from '../core/store/scans.js';
import type { SlackMessage } from '../alerts/slack-message.js';
import type { CloudTrailEventBridgeEvent, ChangeListener } from '../sandbox/changes.js';
import { changeScan, parseChangeEvent, type ChangeScanOutcome } from './change-scan.js';
import { loopbackWebhook } from './loopback-webhook.js';

export interface ChangeableSandbox {
  url: string;
  onChange(listener: ChangeListener): () => void;
}

export interface DemoChange {
  event: CloudTrailEventBridgeEvent;
  outcome: ChangeScanOutcome;
  /** The Slack message the change scan built, as posted. */
  messages: SlackMessage[];
  /** From the CloudTrail event to the message being posted. */
  elapsedMs: number;
}

/** Opens TCP 22 to 0.0.0.0/0 on `groupName` in the sandbox's own account and region, then runs the change scan. */
export async function demoChange(sandbox: ChangeableSandbox, config: WardConfig, store: ScanStore, options: { region?: string; groupName?: string } = {}): Promise<DemoChange> {
  const region = options.region ?? 'us-east-1';
  const groupName = options.groupName ?? 'default';
  const events: CloudTrailEventBridgeEvent[] = [];
  const stop = sandbox.onChange((event) => events.push(event));
  const ec2 = new EC2Client({ endpoint: sandbox.url, region, maxAttempts: 1 });
  const webhook = await loopbackWebhook();
  try {
    const found = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [groupName] }] }));
    const groupId = found.SecurityGroups?.[0]?.GroupId;
    if (groupId === undefined) throw new Error(`the demo world has no security group named ${groupName} in ${region}`);
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'demo: opened by hand' }] }] }));
    const [event] = events;
    if (event === undefined) throw new Error('the sandbox announced no CloudTrail event for AuthorizeSecurityGroupIngress');
    const started = performance.now();
    // The write was made with the sandbox's own credentials: its account is the one Ward runs in.
    const outcome = await changeScan({ config, events: [parseChangeEvent(JSON.parse(JSON.stringify(event)))], store, homeAccount: event.account, webhookUrl: webhook.url });
    return { event, outcome, messages: webhook.received.map((r) => r.message), elapsedMs: Math.round(performance.now() - started) };
  } finally {
    stop();
    ec2.destroy();
    await webhook.close();
  }
}

/** The Slack message as plain lines: its header, sections and context, mrkdwn left as is. */
export function slackMessageLines(message: SlackMessage): string[] {
  const lines: string[] = [];
  for (const block of message.blocks) {
    if (block.type === 'header') lines.push(block.text.text);
    else if (block.type === 'section') lines.push(block.text.text, ...(block.fields ?? []).map((f) => f.text));
    else if (block.type === 'context') lines.push(block.elements.map((e) => e.text).join('  '));
  }
  return lines.flatMap((l) => l.split('\n'));
}

/** What `npm start` prints about the change. */
export function renderDemoChange(change: DemoChange): string {
  const { detail } = change.event;
  const resource = change.outcome.scan?.results[0]?.resource;
  const out = [
    '',
    `A change: ${detail.eventName} opened TCP 22 to 0.0.0.0/0 on ${resource?.name ?? resource?.id ?? 'a security group'} in account ${change.event.account}, ${change.event.region}.`,
    `CloudTrail event → change scan (${change.outcome.scan?.partial?.map((p) => `${p.controlId} for ${(p.resourceIds ?? ['the region']).join(', ')}`).join('; ') ?? 'nothing to re-judge'}) → Slack message in ${change.elapsedMs} ms.`,
  ];
  const [message] = change.messages;
  if (message === undefined) {
    out.push(`No message: ${change.outcome.alerts?.status ?? 'nothing was judged'}.`);
  } else {
    out.push('The message Slack would show (printed here, not sent):', ...slackMessageLines(message).map((l) => `  │ ${l}`));
  }
  return out.join('\n');
}

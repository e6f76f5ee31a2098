// The sandbox's CloudTrail: each write call it applies is announced as the event EventBridge would
// deliver for it ("AWS API Call via CloudTrail"), to whoever listens (a test, `npm start`'s demo).

import { randomUUID } from 'node:crypto';
import type { CallContext } from './context.js';

export interface CloudTrailEventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': 'AWS API Call via CloudTrail';
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    eventVersion: string;
    eventTime: string;
    eventSource: string;
    eventName: string;
    awsRegion: string;
    userIdentity: { type: string; arn: string; accountId: string };
    requestParameters: Record<string, unknown> | null;
    responseElements: Record<string, unknown> | null;
    eventID: string;
    eventType: 'AwsApiCall';
    managementEvent: true;
    eventCategory: 'Management';
    recipientAccountId: string;
  };
}

export type ChangeListener = (event: CloudTrailEventBridgeEvent) => void;

/** Announces the call in `ctx` as CloudTrail records it. IAM is global: its events are in us-east-1. */
export function emitChange(ctx: CallContext, listeners: ReadonlySet<ChangeListener>, requestParameters: Record<string, unknown> | null, responseElements: Record<string, unknown> | null): void {
  const time = ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const region = ctx.service === 'iam' ? 'us-east-1' : ctx.region;
  const event: CloudTrailEventBridgeEvent = {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${ctx.service}`,
    account: ctx.account.id,
    time,
    region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      eventTime: time,
      eventSource: `${ctx.service}.amazonaws.com`,
      eventName: ctx.action,
      awsRegion: region,
      userIdentity: { type: ctx.principal.arn.includes(':assumed-role/') ? 'AssumedRole' : 'IAMUser', arn: ctx.principal.arn, accountId: ctx.account.id },
      requestParameters,
      responseElements,
      eventID: randomUUID(),
      eventType: 'AwsApiCall',
      managementEvent: true,
      eventCategory: 'Management',
      recipientAccountId: ctx.account.id,
    },
  };
  for (const listener of listeners) listener(event);
}

// Organisation fan-out: one SQS message per target, so hundreds of accounts scale on Lambda and
// SQS, and a target too large for one invocation continues in a new message.

import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { parseTrustedShape } from './target-trust.js';
import type { TargetRef } from './targets.js';

export interface TargetMessage {
  /** Shared by every target and part of one scheduled or on-demand run. */
  runId: string;
  target: TargetRef;
  regions?: string[];
  /** 1 for the first part; continuations judge only the regions the previous part deferred. */
  part: number;
}

const BATCH = 10;

export async function enqueueTargets(sqs: SQSClient, queueUrl: string, runId: string, targets: readonly TargetRef[], regions?: readonly string[]): Promise<number> {
  for (let i = 0; i < targets.length; i += BATCH) {
    const entries = targets.slice(i, i + BATCH).map((target, j) => ({
      Id: String(i + j),
      MessageBody: JSON.stringify({ runId, target, part: 1, ...(regions === undefined ? {} : { regions: [...regions] }) } satisfies TargetMessage),
    }));
    const { Failed } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    if (Failed !== undefined && Failed.length > 0) {
      throw new Error(`SQS refused ${Failed.length} of ${entries.length} messages (${Failed.map((f) => f.Code).join(', ')})`);
    }
  }
  return targets.length;
}

export async function enqueueContinuation(sqs: SQSClient, queueUrl: string, message: TargetMessage, deferred: readonly string[]): Promise<void> {
  const next: TargetMessage = { ...message, regions: [...deferred], part: message.part + 1 };
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(next) }));
}

/** A message of exactly the shape enqueueTargets sends (see target-trust.ts for what is checked). */
export function parseTargetMessage(body: string): TargetMessage {
  return parseTrustedShape(body);
}

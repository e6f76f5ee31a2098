import { describe, expect, it } from 'vitest';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { enqueueContinuation, enqueueTargets, parseTargetMessage, type TargetMessage } from './fanout.js';
import type { TargetRef } from './targets.js';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/111122223333/ward-scan-targets';

describe('fan-out messages', () => {
  it('sends one message per target, ten per batch', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const targets: TargetRef[] = Array.from({ length: 23 }, (_, i) => ({ provider: 'aws', account: String(100000000000 + i), roleArn: `arn:aws:iam::${100000000000 + i}:role/WardReadOnly` }));
    const client = new SQSClient({ region: 'eu-west-1' });
    expect(await enqueueTargets(client, QUEUE, 'run-1', targets, ['eu-west-1'])).toBe(23);
    const batches = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 3]);
    const first = parseTargetMessage(batches[0]?.[0]?.MessageBody ?? '');
    expect(first).toEqual({ runId: 'run-1', target: targets[0], part: 1, regions: ['eu-west-1'] });
    sqs.restore();
  });

  it('fails loudly when SQS refuses part of a batch, rather than silently scanning fewer accounts', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });
    await expect(enqueueTargets(new SQSClient({ region: 'eu-west-1' }), QUEUE, 'run-1', [{ provider: 'aws', account: '111122223333' }])).rejects.toThrow('SQS refused 1 of 1');
    sqs.restore();
  });

  it('continues a target with the regions it deferred, as the next part', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).resolves({});
    const message: TargetMessage = { runId: 'run-1', target: { provider: 'aws', account: '111122223333' }, part: 1 };
    await enqueueContinuation(new SQSClient({ region: 'eu-west-1' }), QUEUE, message, ['us-west-2', 'eu-west-3']);
    const body = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '';
    expect(parseTargetMessage(body)).toEqual({ ...message, part: 2, regions: ['us-west-2', 'eu-west-3'] });
    sqs.restore();
  });

  it('rejects a message that is not a target message', () => {
    expect(() => parseTargetMessage('{"hello":1}')).toThrow('not a Ward target message');
  });
});

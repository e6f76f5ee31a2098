import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { logGroups } from '../datasets.js';
import { mockIdentity, openSession } from '../../../test/support/aws.js';
import { AwsClients } from '../clients.js';
import { logsFetchers } from './logs.js';
import { newApiMetrics } from '../../../core/metrics.js';

describe('CloudWatch Logs collector', () => {
  afterEach(() => mockClient(CloudWatchLogsClient).restore());

  it('follows nextToken across pages of log groups, 50 at a time', async () => {
    mockIdentity();
    const logs = mockClient(CloudWatchLogsClient);
    logs.on(DescribeLogGroupsCommand)
      .resolvesOnce({ logGroups: [{ logGroupName: '/a', retentionInDays: 30, arn: 'arn:aws:logs:eu-west-1:111122223333:log-group:/a:*' }], nextToken: 'n1' })
      .resolvesOnce({ logGroups: [{ logGroupName: '/b' }] });
    const session = await openSession();
    expect(await session.collect(logGroups, 'eu-west-1')).toEqual([
      { logGroupName: '/a', retentionInDays: 30, arn: 'arn:aws:logs:eu-west-1:111122223333:log-group:/a:*' },
      { logGroupName: '/b' },
    ]);
    expect(logs.commandCalls(DescribeLogGroupsCommand)[0]?.args[0].input.limit).toBe(50);
  });

  it('retries a throttled call with the SDK retry strategy and then succeeds (over real HTTP)', async () => {
    let requests = 0;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        requests += 1;
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        if (requests <= 2) {
          res.statusCode = 400;
          res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
        } else {
          res.end(JSON.stringify({ logGroups: [{ logGroupName: '/ok', retentionInDays: 400 }] }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const metrics = newApiMetrics();
    const clients = new AwsClients({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, { endpoint: `http://127.0.0.1:${port}`, maxAttempts: 5, retryMode: 'standard', metrics });
    try {
      const fetch = logsFetchers[0]?.fetch;
      const items = await fetch?.({ account: '111122223333', region: 'eu-west-1', clients, memo: (_k, load) => load() });
      expect(items).toEqual([{ logGroupName: '/ok', retentionInDays: 400 }]);
      expect(metrics).toEqual({ calls: 1, attempts: 3, throttled: 2 });
    } finally {
      clients.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

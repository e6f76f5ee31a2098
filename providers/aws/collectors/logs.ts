import { paginateDescribeLogGroups, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { logGroups } from '../datasets.js';
import type { LogGroupRecord } from '../datasets.js';
import { guardPages } from '../../../core/limits.js';
import { fetcher, pick } from './fetcher.js';

const LOG_GROUP_FIELDS = ['logGroupName', 'arn', 'retentionInDays', 'creationTime', 'storedBytes', 'logGroupClass'] as const;

async function readGroups(client: CloudWatchLogsClient, prefix?: string): Promise<LogGroupRecord[]> {
  const items: LogGroupRecord[] = [];
  // 50 is the largest page DescribeLogGroups serves.
  for await (const page of guardPages('logs:DescribeLogGroups', paginateDescribeLogGroups({ client, pageSize: 50 }, prefix === undefined ? {} : { logGroupNamePrefix: prefix }), (p) => p.nextToken)) {
    for (const group of page.logGroups ?? []) items.push(pick(group, LOG_GROUP_FIELDS));
  }
  return items;
}

export const logsFetchers = [
  fetcher(logGroups, async ({ clients, region }) => readGroups(clients.logs(region)), {
    // DescribeLogGroups has no exact-name filter: the name as a prefix, then only the exact name kept.
    'logs:log-group': async ({ clients, region }, names) =>
      (await Promise.all(names.map(async (name) => (await readGroups(clients.logs(region), name)).filter((g) => g.logGroupName === name)))).flat(),
  }),
];

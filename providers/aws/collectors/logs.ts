import { paginateDescribeLogGroups } from '@aws-sdk/client-cloudwatch-logs';
import { logGroups } from '../datasets.js';
import type { LogGroupRecord } from '../datasets.js';
import { guardPages } from '../../../core/limits.js';
import { fetcher, pick } from './fetcher.js';

const LOG_GROUP_FIELDS = ['logGroupName', 'arn', 'retentionInDays', 'creationTime', 'storedBytes', 'logGroupClass'] as const;

export const logsFetchers = [
  fetcher(logGroups, async ({ clients, region }) => {
    const items: LogGroupRecord[] = [];
    // 50 is the largest page DescribeLogGroups serves.
    for await (const page of guardPages('logs:DescribeLogGroups', paginateDescribeLogGroups({ client: clients.logs(region), pageSize: 50 }, {}), (p) => p.nextToken)) {
      for (const group of page.logGroups ?? []) items.push(pick(group, LOG_GROUP_FIELDS));
    }
    return items;
  }),
];

import { paginateDescribeLogGroups } from '@aws-sdk/client-cloudwatch-logs';
import { logGroups } from '../datasets.js';
import type { LogGroupRecord } from '../datasets.js';
import { fetcher, pick } from './fetcher.js';

const LOG_GROUP_FIELDS = ['logGroupName', 'arn', 'retentionInDays', 'creationTime', 'storedBytes', 'logGroupClass'] as const;

export const logsFetchers = [
  fetcher(logGroups, async ({ clients, region }) => {
    const items: LogGroupRecord[] = [];
    // 50 is the largest page DescribeLogGroups serves.
    for await (const page of paginateDescribeLogGroups({ client: clients.logs(region), pageSize: 50 }, {})) {
      for (const group of page.logGroups ?? []) items.push(pick(group, LOG_GROUP_FIELDS));
    }
    return items;
  }),
];

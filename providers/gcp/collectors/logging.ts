// Cloud Logging log buckets from Cloud Asset Inventory.

import { resourceRecord } from '../assets.js';
import { ASSET_TYPES, gcpLogBuckets, type LogBucket } from '../datasets.js';
import { fetcher, pickFields } from './fetcher.js';

const BUCKET_FIELDS = ['name', 'description', 'retentionDays', 'locked', 'lifecycleState', 'analyticsEnabled'] as const;

export const loggingFetchers = [
  fetcher(gcpLogBuckets, async ({ project, inventory }) =>
    (await inventory.forProject(project, ASSET_TYPES.logBucket, 'RESOURCE'))
      .filter((a) => a.assetType === ASSET_TYPES.logBucket)
      .map((asset) => {
        const record = resourceRecord<LogBucket>(asset);
        return { asset: record.asset, data: pickFields(record.data, BUCKET_FIELDS) };
      }),
  ),
];

// Every AWS fetcher, keyed by the dataset it produces.

import type { FetcherEntry } from './fetcher.js';
import { cloudTrailFetchers } from './cloudtrail.js';
import { ec2Fetchers } from './ec2.js';
import { iamFetchers } from './iam.js';
import { logsFetchers } from './logs.js';
import { rdsFetchers } from './rds.js';

export const AWS_FETCHERS: ReadonlyMap<string, FetcherEntry> = new Map(
  [...ec2Fetchers, ...rdsFetchers, ...iamFetchers, ...cloudTrailFetchers, ...logsFetchers].map((entry) => [entry.dataset.key, entry]),
);

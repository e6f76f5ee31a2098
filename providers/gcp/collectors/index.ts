// Every Google Cloud fetcher, keyed by the dataset it produces.

import { computeFetchers } from './compute.js';
import type { GcpFetcherEntry } from './fetcher.js';
import { iamFetchers } from './iam.js';
import { loggingFetchers } from './logging.js';
import { sqlFetchers } from './sql.js';

export const GCP_FETCHERS: ReadonlyMap<string, GcpFetcherEntry> = new Map(
  [...computeFetchers, ...sqlFetchers, ...iamFetchers, ...loggingFetchers].map((entry) => [entry.dataset.key, entry]),
);

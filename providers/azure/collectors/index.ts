// Every Azure fetcher, keyed by the dataset it produces.

import type { AzureFetcherEntry } from './fetcher.js';
import { computeFetchers } from './compute.js';
import { databaseFetchers } from './databases.js';
import { monitorFetchers } from './monitor.js';
import { networkFetchers } from './network.js';
import { subscriptionFetchers } from './subscription.js';

export const AZURE_FETCHERS: ReadonlyMap<string, AzureFetcherEntry> = new Map(
  [...subscriptionFetchers, ...computeFetchers, ...databaseFetchers, ...networkFetchers, ...monitorFetchers].map((entry) => [entry.dataset.key, entry]),
);

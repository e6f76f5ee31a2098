import { azureSubscription } from '../datasets.js';
import { fetcher } from './fetcher.js';

export const subscriptionFetchers = [
  // Read once when the subscription is opened; the session's memo serves it again here.
  fetcher(azureSubscription, async ({ arm, memo }) => [await memo('subscription', () => arm.subscription())]),
];

// The contract between the engine and the AWS collectors: one fetcher per dataset, run once per
// scope. A fetcher either returns every item of its scope (all pages) or throws.

import type { DatasetDef } from '../../../core/control.js';
import type { AwsClients } from '../clients.js';

export interface FetchContext {
  account: string;
  /** The region to read, or `global` for account-scoped datasets. */
  region: string;
  clients: AwsClients;
  /** Shares one read between regions of the same account (e.g. a multi-region trail's status). */
  memo<T>(key: string, load: () => Promise<T>): Promise<T>;
}

export type Fetcher<Item> = (ctx: FetchContext) => Promise<Item[]>;

export interface FetcherEntry {
  dataset: DatasetDef<unknown>;
  fetch: Fetcher<unknown>;
}

export function fetcher<Item>(dataset: DatasetDef<Item>, fetch: Fetcher<Item>): FetcherEntry {
  return { dataset, fetch };
}

/** Keeps only the named fields, so the inventory holds what checks read and nothing more. */
export function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) {
    if (source[key] !== undefined) out[key] = source[key];
  }
  return out;
}

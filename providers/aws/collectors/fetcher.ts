// The contract between the engine and the AWS collectors: one fetcher per dataset, run once per
// scope. A fetcher either returns every item of its scope (all pages) or throws.

import type { ResourceKind } from '../../../core/change-events.js';
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

/**
 * Reads only the items that concern these resources (a change-driven scan): a Describe with a filter,
 * never a NotFound error for a resource that is gone (it is simply absent).
 */
export type NarrowFetcher<Item> = (ctx: FetchContext, ids: readonly string[]) => Promise<Item[]>;

export interface FetcherEntry {
  dataset: DatasetDef<unknown>;
  fetch: Fetcher<unknown>;
  /** By kind of resource id: how to read only what concerns those resources. */
  narrow?: Partial<Record<ResourceKind, NarrowFetcher<unknown>>>;
}

export function fetcher<Item>(dataset: DatasetDef<Item>, fetch: Fetcher<Item>, narrow?: Partial<Record<ResourceKind, NarrowFetcher<Item>>>): FetcherEntry {
  return narrow === undefined ? { dataset, fetch } : { dataset, fetch, narrow };
}

/** EC2 and RDS take at most 200 values per filter. */
export const FILTER_VALUES_MAX = 200;

export function chunks<T>(items: readonly T[], size = FILTER_VALUES_MAX): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Keeps only the named fields, so the inventory holds what checks read and nothing more. */
export function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) {
    if (source[key] !== undefined) out[key] = source[key];
  }
  return out;
}

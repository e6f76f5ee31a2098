// The contract between the engine and the Google Cloud collectors: one fetcher per dataset, run once per
// project. A fetcher either returns every item of the project (all pages) or throws.

import type { DatasetDef } from '../../../core/control.js';
import type { AssetInventory, GcpProjectTarget } from '../inventory.js';

export interface GcpFetchContext {
  project: GcpProjectTarget;
  inventory: AssetInventory;
}

export type GcpFetcher<Item> = (ctx: GcpFetchContext) => Promise<Item[]>;

export interface GcpFetcherEntry {
  dataset: DatasetDef<unknown>;
  fetch: GcpFetcher<unknown>;
}

export function fetcher<Item>(dataset: DatasetDef<Item>, fetch: GcpFetcher<Item>): GcpFetcherEntry {
  return { dataset, fetch };
}

/** Keeps only the named top-level fields of a resource's JSON, so the inventory holds what checks read. */
export function pickFields<T extends object>(source: T, keys: readonly (keyof T)[]): T {
  const out = {} as T;
  for (const key of keys) {
    if (source[key] !== undefined && source[key] !== null) out[key] = source[key];
  }
  return out;
}

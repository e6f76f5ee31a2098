// The contract between the Azure session and its collectors: one fetcher per dataset, run once per
// subscription. A fetcher either returns every item of the subscription (all pages) or throws.

import type { DatasetDef } from '../../../core/control.js';
import type { ArmReader } from '../arm.js';
import type { ArmResource, AzureResourceType } from '../datasets.js';

export interface AzureFetchContext {
  subscriptionId: string;
  arm: ArmReader;
  /** Bounds the per-resource fan-out (GET by id, child lists) inside one dataset. */
  limit: <T>(task: () => Promise<T>) => Promise<T>;
  /** Shares one read between datasets of the subscription (the subscription record). */
  memo<T>(key: string, load: () => Promise<T>): Promise<T>;
  now(): string;
  /** Attempts per call, retries included, for failure reasons. */
  attempts: number;
}

export type AzureFetcher<Item> = (ctx: AzureFetchContext) => Promise<Item[]>;

export interface AzureFetcherEntry {
  dataset: DatasetDef<unknown>;
  fetch: AzureFetcher<unknown>;
}

export function fetcher<Item>(dataset: DatasetDef<Item>, fetch: AzureFetcher<Item>): AzureFetcherEntry {
  return { dataset, fetch };
}

/** Keeps only the named properties, so the inventory holds what checks read and nothing more. */
export function pickProperties<P extends object>(properties: unknown, keys: readonly (keyof P)[]): P | undefined {
  if (typeof properties !== 'object' || properties === null) return undefined;
  const source = properties as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = source[key as string];
    if (value !== undefined) out[key as string] = value;
  }
  return out as P;
}

/**
 * Lists the type, then fetches each resource's full properties, at most `limit` at a time, in the
 * listed order. A resource deleted between the list and the GET is left out; any other failure fails
 * the whole dataset (an ERROR for the subscription, never a silent gap).
 */
export async function listAndGet<P extends object, Out>(
  ctx: AzureFetchContext,
  type: AzureResourceType,
  keys: readonly (keyof P)[],
  then: (resource: ArmResource<P>) => Promise<Out> | Out,
): Promise<Out[]> {
  const ids = await ctx.arm.listIds(type);
  const results = await Promise.all(
    ids.map((id) =>
      ctx.limit(async () => {
        const resource = await ctx.arm.getById<P>(id, type);
        if (resource === undefined) return undefined;
        const properties = pickProperties<P>(resource.properties, keys);
        const picked: ArmResource<P> = { ...resource };
        if (properties === undefined) delete picked.properties;
        else picked.properties = properties;
        return then(picked);
      }),
    ),
  );
  return results.filter((r): r is Awaited<Out> => r !== undefined) as Out[];
}

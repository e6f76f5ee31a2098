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
 * Lists the type with its resources' properties (one request per page), keeps the properties checks
 * read, then runs `then` on each resource, at most `limit` at a time (a database server's firewall
 * rules), in the listed order. Any failure fails the whole dataset (an ERROR for the subscription,
 * never a silent gap).
 */
export async function listResources<P extends object, Out>(
  ctx: AzureFetchContext,
  type: AzureResourceType,
  keys: readonly (keyof P)[],
  then: (resource: ArmResource<P>) => Promise<Out> | Out,
): Promise<Out[]> {
  const resources = await ctx.arm.listType<P>(type);
  return Promise.all(
    resources.map((resource) =>
      ctx.limit(async () => {
        const properties = pickProperties<P>(resource.properties, keys);
        const picked: ArmResource<P> = { ...resource };
        if (properties === undefined) delete picked.properties;
        else picked.properties = properties;
        return then(picked);
      }),
    ),
  );
}

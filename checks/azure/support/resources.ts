// Helpers every Azure check uses to name resources the same way. ARM resource IDs are
// case-insensitive and ARM does not always return them with the same casing (resource group names
// especially), so the unique id is the lower-cased resource ID: the same resource keeps the same
// finding on every scan.

import type { ResourceRef } from '../../../core/model.js';
import type { SubscriptionRecord } from '../../../providers/azure/datasets.js';

interface ArmLike {
  id: string;
  name?: string;
  type?: string;
  tags?: Record<string, string> | null;
}

/** The last segment of an ARM id: the resource's name. */
export function nameOf(id: string): string {
  const parts = id.split('/').filter((p) => p !== '');
  return parts[parts.length - 1] ?? id;
}

/** `rg-name` from `/subscriptions/…/resourceGroups/rg-name/…`, when the id has one. */
export function resourceGroupOf(id: string): string | undefined {
  const parts = id.split('/');
  const at = parts.findIndex((p) => p.toLowerCase() === 'resourcegroups');
  return at < 0 ? undefined : parts[at + 1];
}

export function armResource(resource: ArmLike, fallbackType: string): ResourceRef {
  const name = resource.name ?? nameOf(resource.id);
  return { id: name, uid: resource.id.toLowerCase(), type: resource.type ?? fallbackType, name, tags: { ...(resource.tags ?? {}) } };
}

/** `name (resource group rg)`, for messages. */
export function label(kind: string, resource: ArmLike): string {
  const rg = resourceGroupOf(resource.id);
  return `${kind} ${resource.name ?? nameOf(resource.id)}${rg === undefined ? '' : ` (resource group ${rg})`}`;
}

export function subscriptionResource(subscriptionId: string, subscription?: SubscriptionRecord): ResourceRef {
  const uid = `/subscriptions/${subscriptionId}`.toLowerCase();
  const name = subscription?.displayName;
  return name === undefined
    ? { id: subscriptionId, uid, type: 'Microsoft.Resources/subscriptions', tags: {} }
    : { id: subscriptionId, uid, type: 'Microsoft.Resources/subscriptions', name, tags: {} };
}

/** The region a finding reports: the resource's location, `global` when ARM gives none. */
export function regionOf(resource: { location?: string }): string {
  return resource.location === undefined || resource.location === '' ? 'global' : resource.location.toLowerCase();
}

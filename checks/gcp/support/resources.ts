// Helpers every Google Cloud check uses to name resources and say where they live.

import type { ResourceRef } from '../../../core/model.js';
import { lastSegment } from '../../../providers/gcp/assets.js';
import type { GcpAssetRef } from '../../../providers/gcp/datasets.js';

/** A resource named by its Cloud Asset Inventory full resource name (stable, globally unique). */
export function gcpResource(asset: GcpAssetRef, name: string | undefined, labels?: Record<string, string>): ResourceRef {
  const id = name !== undefined && name !== '' ? name : (lastSegment(asset.name) ?? asset.name);
  return { id, uid: asset.name, type: asset.assetType, name: id, tags: { ...(labels ?? {}) } };
}

/** Where the resource lives: the asset's location, else the last segment of a zone or region URL, else `global`. */
export function locationOf(asset: GcpAssetRef, ...urls: Array<string | undefined>): string {
  if (asset.location !== undefined && asset.location !== '') return asset.location;
  for (const url of urls) {
    const segment = lastSegment(url);
    if (segment !== undefined) return segment;
  }
  return 'global';
}

/** `a, b and 3 more`. */
export function listed(items: readonly string[], limit = 5): string {
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? `${shown} and ${items.length - limit} more` : shown;
}

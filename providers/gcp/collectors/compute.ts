// Compute Engine resources from Cloud Asset Inventory: disks, VPC firewall rules and the project's
// common instance metadata.

import type { protos } from '@google-cloud/asset';
import { resourceRecord } from '../assets.js';
import {
  ASSET_TYPES,
  gcpComputeProject,
  gcpDisks,
  gcpFirewalls,
  type ComputeDisk,
  type ComputeFirewall,
  type ComputeProject,
  type ComputeProjectRecord,
  type DiskRecord,
  type FirewallRecord,
} from '../datasets.js';
import { fetcher, pickFields } from './fetcher.js';

type IAsset = protos.google.cloud.asset.v1.IAsset;

const DISK_FIELDS = ['name', 'id', 'zone', 'region', 'sizeGb', 'status', 'type', 'users', 'labels', 'selfLink', 'diskEncryptionKey'] as const;
const FIREWALL_FIELDS = [
  'name',
  'id',
  'network',
  'priority',
  'direction',
  'disabled',
  'sourceRanges',
  'destinationRanges',
  'sourceTags',
  'sourceServiceAccounts',
  'targetTags',
  'targetServiceAccounts',
  'allowed',
  'denied',
  'selfLink',
  'description',
] as const;

/**
 * Only the OS Login keys of the project metadata are kept: the rest (ssh-keys, startup-script…) can hold
 * secrets and no check reads it, so it never reaches the inventory or the evidence.
 */
const OS_LOGIN_KEY = /^enable-oslogin/i;

function ofType(assets: IAsset[], type: string): IAsset[] {
  return assets.filter((a) => a.assetType === type);
}

export function diskRecord(asset: IAsset): DiskRecord {
  const record = resourceRecord<ComputeDisk>(asset);
  return { asset: record.asset, data: pickFields(record.data, DISK_FIELDS) };
}

export function firewallRecord(asset: IAsset): FirewallRecord {
  const record = resourceRecord<ComputeFirewall>(asset);
  return { asset: record.asset, data: pickFields(record.data, FIREWALL_FIELDS) };
}

export function computeProjectRecord(asset: IAsset): ComputeProjectRecord {
  const record = resourceRecord<ComputeProject>(asset);
  const data: ComputeProject = pickFields(record.data, ['name', 'id']);
  const items = record.data.commonInstanceMetadata?.items;
  if (record.data.commonInstanceMetadata !== undefined) {
    data.commonInstanceMetadata = { items: (Array.isArray(items) ? items : []).filter((item) => typeof item.key === 'string' && OS_LOGIN_KEY.test(item.key)) };
  }
  return { asset: record.asset, data };
}

export const computeFetchers = [
  fetcher(gcpDisks, async ({ project, inventory }) =>
    ofType(await inventory.forProject(project, ASSET_TYPES.disk, 'RESOURCE'), ASSET_TYPES.disk).map(diskRecord),
  ),
  fetcher(gcpFirewalls, async ({ project, inventory }) =>
    ofType(await inventory.forProject(project, ASSET_TYPES.firewall, 'RESOURCE'), ASSET_TYPES.firewall).map(firewallRecord),
  ),
  fetcher(gcpComputeProject, async ({ project, inventory }) =>
    ofType(await inventory.forProject(project, ASSET_TYPES.computeProject, 'RESOURCE'), ASSET_TYPES.computeProject).map(computeProjectRecord),
  ),
];

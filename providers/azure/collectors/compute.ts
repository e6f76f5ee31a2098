import { azureDisks } from '../datasets.js';
import type { DiskProperties, DiskRecord } from '../datasets.js';
import { fetcher, listResources } from './fetcher.js';

const DISK_PROPERTIES = ['encryption', 'encryptionSettingsCollection', 'securityProfile', 'diskState', 'diskSizeGB', 'osType', 'provisioningState'] as const;

export const computeFetchers = [
  fetcher(azureDisks, (ctx) => listResources<DiskProperties, DiskRecord>(ctx, 'Microsoft.Compute/disks', DISK_PROPERTIES, (disk) => disk)),
];

// Cloud SQL instances from Cloud Asset Inventory.

import { resourceRecord } from '../assets.js';
import { ASSET_TYPES, gcpSqlInstances, type SqlInstance } from '../datasets.js';
import { fetcher, pickFields } from './fetcher.js';

const INSTANCE_FIELDS = ['name', 'project', 'region', 'gceZone', 'databaseVersion', 'state', 'instanceType', 'connectionName', 'ipAddresses'] as const;

export const sqlFetchers = [
  fetcher(gcpSqlInstances, async ({ project, inventory }) =>
    (await inventory.forProject(project, ASSET_TYPES.sqlInstance, 'RESOURCE'))
      .filter((a) => a.assetType === ASSET_TYPES.sqlInstance)
      .map((asset) => {
        const record = resourceRecord<SqlInstance>(asset);
        const data = pickFields(record.data, INSTANCE_FIELDS);
        const settings = record.data.settings;
        if (settings !== undefined && settings !== null) data.settings = pickFields(settings, ['activationPolicy', 'ipConfiguration', 'userLabels']);
        return { asset: record.asset, data };
      }),
  ),
];

import { azureNetworkSecurityGroups } from '../datasets.js';
import type { NetworkSecurityGroupProperties, NetworkSecurityGroupRecord } from '../datasets.js';
import { fetcher, listResources } from './fetcher.js';

const NSG_PROPERTIES = ['securityRules', 'defaultSecurityRules', 'networkInterfaces', 'subnets'] as const;

/** Attachments are kept as bare ids: the NIC and subnet objects ARM embeds are not read. */
function idsOnly(list: Array<{ id?: string }> | null | undefined): Array<{ id?: string }> | undefined {
  return list?.map((item) => (item.id === undefined ? {} : { id: item.id }));
}

export const networkFetchers = [
  fetcher(azureNetworkSecurityGroups, (ctx) =>
    listResources<NetworkSecurityGroupProperties, NetworkSecurityGroupRecord>(ctx, 'Microsoft.Network/networkSecurityGroups', NSG_PROPERTIES, (nsg) => {
      const properties = nsg.properties;
      if (properties === undefined || properties === null) return nsg;
      const networkInterfaces = idsOnly(properties.networkInterfaces);
      const subnets = idsOnly(properties.subnets);
      return {
        ...nsg,
        properties: {
          ...properties,
          ...(networkInterfaces === undefined ? {} : { networkInterfaces }),
          ...(subnets === undefined ? {} : { subnets }),
        },
      };
    }),
  ),
];

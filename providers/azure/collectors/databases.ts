import { azureMysqlFlexibleServers, azurePostgresFlexibleServers, azureSqlServers } from '../datasets.js';
import type {
  ArmResource,
  AzureResourceType,
  ChildRead,
  DatabaseServerRecord,
  FirewallRuleRecord,
  FlexibleServerProperties,
  SqlServerProperties,
} from '../datasets.js';
import { describeAzureFailure } from '../errors.js';
import { fetcher, listResources, type AzureFetchContext } from './fetcher.js';

const SQL_PROPERTIES = ['publicNetworkAccess', 'fullyQualifiedDomainName', 'state', 'version', 'minimalTlsVersion'] as const;
const FLEXIBLE_PROPERTIES = ['network', 'fullyQualifiedDomainName', 'state', 'version'] as const;

function isDisabled(value: string | null | undefined): boolean {
  return typeof value === 'string' && value.trim().toLowerCase() === 'disabled';
}

/** Rules are only worth reading when the server has a public endpoint for them to open. */
function hasPublicEndpoint(server: ArmResource<SqlServerProperties> | ArmResource<FlexibleServerProperties>, kind: 'sql' | 'flexible'): boolean {
  if (kind === 'sql') return !isDisabled((server.properties as SqlServerProperties | null | undefined)?.publicNetworkAccess);
  const network = (server.properties as FlexibleServerProperties | null | undefined)?.network;
  const delegated = network?.delegatedSubnetResourceId;
  return !(typeof delegated === 'string' && delegated !== '') && !isDisabled(network?.publicNetworkAccess);
}

async function readRules(ctx: AzureFetchContext, serverId: string, childType: AzureResourceType): Promise<ChildRead<FirewallRuleRecord>> {
  const api = `arm:GET ${childType}`;
  try {
    const rules = await ctx.arm.listChildren<FirewallRuleRecord>(serverId, childType);
    const items = rules.map((rule) => ({
      ...(rule.id === undefined ? {} : { id: rule.id }),
      ...(rule.name === undefined ? {} : { name: rule.name }),
      properties: { startIpAddress: rule.properties?.startIpAddress, endIpAddress: rule.properties?.endIpAddress },
    }));
    return { ok: true, items, api, readAt: ctx.now() };
  } catch (error) {
    // One server's rules failing (a deny assignment, a throttle that never ended) leaves that server
    // unassessed, not the whole subscription.
    return { ok: false, ...describeAzureFailure(error, api, ctx.attempts) };
  }
}

function serversWithRules<P extends SqlServerProperties | FlexibleServerProperties>(
  type: AzureResourceType,
  childType: AzureResourceType,
  keys: readonly (keyof P)[],
  kind: 'sql' | 'flexible',
) {
  return (ctx: AzureFetchContext) =>
    listResources<P, DatabaseServerRecord<P>>(ctx, type, keys, async (server) => {
      if (!hasPublicEndpoint(server, kind)) return { server };
      return { server, firewallRules: await readRules(ctx, server.id, childType) };
    });
}

export const databaseFetchers = [
  fetcher(azureSqlServers, serversWithRules<SqlServerProperties>('Microsoft.Sql/servers', 'Microsoft.Sql/servers/firewallRules', SQL_PROPERTIES, 'sql')),
  fetcher(
    azurePostgresFlexibleServers,
    serversWithRules<FlexibleServerProperties>('Microsoft.DBforPostgreSQL/flexibleServers', 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules', FLEXIBLE_PROPERTIES, 'flexible'),
  ),
  fetcher(
    azureMysqlFlexibleServers,
    serversWithRules<FlexibleServerProperties>('Microsoft.DBforMySQL/flexibleServers', 'Microsoft.DBforMySQL/flexibleServers/firewallRules', FLEXIBLE_PROPERTIES, 'flexible'),
  ),
];

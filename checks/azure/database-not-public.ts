import { defineControl, evidenceFrom, type Collected, type Judgement } from '../../core/control.js';
import type { DatabaseServerRecord, FirewallRuleRecord, FlexibleServerProperties, SqlServerProperties } from '../../providers/azure/datasets.js';
import { azureMysqlFlexibleServers, azurePostgresFlexibleServers, azureSqlServers } from '../../providers/azure/datasets.js';
import { addressCount, coversInternet, ipv4Range, touchesInternet, type CidrRange } from './support/addresses.js';
import { parseIpv4 } from '../support/cidr.js';
import { armResource, label, regionOf } from './support/resources.js';

/** 0.0.0.0-0.0.0.0: "Allow Azure services and resources to access this server" (any tenant's Azure IPs). */
const AZURE_SERVICES = '0.0.0.0';
const RULES_SHOWN = 10;

interface Kind {
  label: string;
  type: string;
}

const SQL: Kind = { label: 'Azure SQL server', type: 'Microsoft.Sql/servers' };
const POSTGRES: Kind = { label: 'PostgreSQL flexible server', type: 'Microsoft.DBforPostgreSQL/flexibleServers' };
const MYSQL: Kind = { label: 'MySQL flexible server', type: 'Microsoft.DBforMySQL/flexibleServers' };

interface RuleReading {
  rule: FirewallRuleRecord;
  range?: CidrRange;
  azureServices: boolean;
}

function readRule(rule: FirewallRuleRecord): RuleReading {
  const start = rule.properties?.startIpAddress;
  const end = rule.properties?.endIpAddress;
  if (start?.trim() === AZURE_SERVICES && end?.trim() === AZURE_SERVICES) return { rule, azureServices: true };
  const range = ipv4Range(start, end);
  return range === undefined ? { rule, azureServices: false } : { rule, range, azureServices: false };
}

/** A rule bound as the API wrote it, or what is missing. */
function bound(field: string, value: string | null | undefined): string | undefined {
  if (value === undefined || value === null) return `${field} absent`;
  if (value.trim() === '') return `${field} empty`;
  return undefined;
}

/** Why a rule gives no address range: a missing bound, text that is not an IPv4 address, or start after end. */
function unusable(start: string | null | undefined, end: string | null | undefined): string {
  const missing = [bound('startIpAddress', start), bound('endIpAddress', end)].filter((m): m is string => m !== undefined);
  if (missing.length > 0) return `${missing.join(', ')}: no address range, ignored`;
  const from = parseIpv4((start ?? '').trim());
  const to = parseIpv4((end ?? '').trim());
  if (from !== undefined && to !== undefined && from > to) return `${start}-${end}: start after end, ignored`;
  return `${start}-${end}: not IPv4 addresses, ignored`;
}

function describe(reading: RuleReading): string {
  const name = (reading.rule.name ?? '') === '' ? '(unnamed rule)' : reading.rule.name;
  const start = reading.rule.properties?.startIpAddress;
  const end = reading.rule.properties?.endIpAddress;
  if (reading.azureServices) return `${name} (0.0.0.0: any Azure service or resource, including other customers')`;
  if (reading.range === undefined) return `${name} (${unusable(start, end)})`;
  const count = addressCount(reading.range);
  return `${name} (${start}-${end}, ${count.toLocaleString('en-US')} address${count === 1n ? '' : 'es'})`;
}

function listed(readings: RuleReading[]): string {
  const shown = readings.slice(0, RULES_SHOWN).map(describe).join(', ');
  return readings.length > RULES_SHOWN ? `${shown} and ${readings.length - RULES_SHOWN} more` : shown;
}

function lower(value: string | null | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

function judgeServer<P extends SqlServerProperties | FlexibleServerProperties>(
  record: DatabaseServerRecord<P>,
  collected: Collected<DatabaseServerRecord<P>>,
  kind: Kind,
): Judgement {
  const server = record.server;
  const resource = armResource(server, kind.type);
  const region = regionOf(server);
  const name = label(kind.label, server);
  const isSql = kind === SQL;
  const sqlProps = isSql ? (server.properties as SqlServerProperties | null | undefined) : undefined;
  const network = isSql ? undefined : (server.properties as FlexibleServerProperties | null | undefined)?.network;
  const access = isSql ? sqlProps?.publicNetworkAccess : network?.publicNetworkAccess;
  const delegated = network?.delegatedSubnetResourceId;
  const rulesRead = record.firewallRules;
  const fields: Record<string, unknown> = {
    id: server.id,
    ...(isSql ? { 'properties.publicNetworkAccess': access } : { 'properties.network': network }),
  };
  const evidence = () => [evidenceFrom(collected, fields)];

  if (typeof delegated === 'string' && delegated !== '') {
    return { resource, status: 'PASS', region, message: `${name} is VNet-integrated (private access through a delegated subnet): it has no public endpoint.`, evidence: evidence() };
  }
  if (lower(access) === 'disabled') {
    return {
      resource,
      status: 'PASS',
      region,
      message: `${name} has public network access disabled: it is reachable only through private endpoints${isSql ? ' and firewall rules do not apply' : ''}.`,
      evidence: evidence(),
    };
  }
  if (lower(access) === 'securedbyperimeter') {
    return {
      resource,
      status: 'NOT_ASSESSABLE',
      region,
      message: `${name} has public network access SecuredByPerimeter: the inbound access rules of its network security perimeter decide who can reach it, and Ward does not read them. Check the perimeter's inbound access rules (Network Security Perimeter > Profiles > Inbound access rules) for address ranges that admit the internet.`,
      evidence: evidence(),
    };
  }

  const accessText =
    access === undefined || access === null
      ? 'public network access is not set, which means enabled'
      : lower(access) === 'enabled'
        ? 'public network access is enabled'
        : `public network access is "${access}", which Ward does not recognise and reads as enabled`;

  if (rulesRead === undefined) {
    return {
      resource,
      status: 'ERROR',
      region,
      message: `${name}: ${accessText}, but its firewall rules were not read, so whether they admit the internet is unknown.`,
      evidence: evidence(),
    };
  }
  if (!rulesRead.ok) {
    return {
      resource,
      status: 'ERROR',
      region,
      message: `${name}: ${accessText} (medium at least), but its firewall rules could not be read (${rulesRead.api} failed, ${rulesRead.code}: ${rulesRead.reason}), so whether they admit the internet (critical) is unknown.`,
      evidence: [...evidence(), { api: rulesRead.api, region: collected.region, readAt: collected.readAt, fields: { code: rulesRead.code, reason: rulesRead.reason } }],
    };
  }

  const readings = rulesRead.items.map(readRule);
  const ranges = readings.flatMap((r) => (r.range === undefined ? [] : [r.range]));
  const ruleEvidence = { api: rulesRead.api, region: collected.region, readAt: rulesRead.readAt, fields: { firewallRules: rulesRead.items } };

  if (coversInternet(ranges, 'ipv4')) {
    const open = readings.filter((r) => r.range !== undefined && touchesInternet(r.range));
    return {
      resource,
      status: 'FAIL',
      severity: 'critical',
      region,
      message: `${name}: ${accessText} and its firewall admits the whole internet: ${listed(open)}. Anyone can reach the database's login; severity critical.`,
      evidence: [...evidence(), ruleEvidence],
    };
  }
  const admitting = readings.filter((r) => r.azureServices || (r.range !== undefined && touchesInternet(r.range)));
  const ignored = readings.filter((r) => !r.azureServices && r.range === undefined);
  const usable = readings.filter((r) => !ignored.includes(r));
  const ignoredText = ignored.length > 0 ? `; rule(s) ${listed(ignored)} give no address range` : '';
  const rulesText =
    admitting.length > 0
      ? `its firewall admits only part of the internet: ${listed(admitting)}${ignoredText}`
      : usable.length > 0
        ? `its firewall rules admit only private addresses: ${listed(usable)}${ignoredText}`
        : `no firewall rule admits any address yet${ignoredText}, but one rule is all it takes`;
  return {
    resource,
    status: 'FAIL',
    severity: 'medium',
    region,
    message: `${name} has a public endpoint: ${accessText} and ${rulesText}. Disable public network access and use a private endpoint${isSql ? '' : ' or VNet integration'}.`,
    evidence: [...evidence(), ruleEvidence],
  };
}

export default defineControl({
  id: 'azure-database-not-public',
  provider: 'azure',
  area: 'databases',
  title: 'Azure SQL, PostgreSQL and MySQL servers are not open to the internet',
  severity: 'critical',
  hipaa: ['164.312(a)(1)'],
  scope: 'account',
  // Designed, not wired yet (README: Change-driven scans).
  changeEvents: { eventGrid: { resourceTypes: ['Microsoft.Sql/servers', 'Microsoft.Sql/servers/firewallRules', 'Microsoft.DBforPostgreSQL/flexibleServers', 'Microsoft.DBforMySQL/flexibleServers'] } },
  description:
    'Azure SQL servers and PostgreSQL and MySQL flexible servers must not be reachable from the internet. A server passes when public network access is disabled or it is VNet-integrated (private access). With public network access enabled it fails: critical when its firewall rules together admit every public IPv4 address (0.0.0.0-255.255.255.255, or ranges that add up to it), medium otherwise. The 0.0.0.0-0.0.0.0 rule ("Allow Azure services and resources to access this server") admits any Azure customer\'s resources, not the whole internet, so it counts as medium. SQL servers secured by a network security perimeter are not assessable from the server alone.',
  remediation: {
    text: 'Set public network access to Disabled and connect through a private endpoint (or, for flexible servers, VNet integration). Until then, delete firewall rules that admit the whole internet or "Allow Azure services", and allow only the specific addresses that need access.',
    url: 'https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings',
  },
  reads: { sql: azureSqlServers, postgres: azurePostgresFlexibleServers, mysql: azureMysqlFlexibleServers },
  evaluate({ sql, postgres, mysql }): Judgement[] {
    return [
      ...sql.items.map((record) => judgeServer(record, sql, SQL)),
      ...postgres.items.map((record) => judgeServer(record, postgres, POSTGRES)),
      ...mysql.items.map((record) => judgeServer(record, mysql, MYSQL)),
    ];
  },
});

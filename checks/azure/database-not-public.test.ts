import { describe, expect, it } from 'vitest';
import control from './database-not-public.js';
import { collected, judge } from '../../test/support/checks.js';
import type { ChildRead, FirewallRuleRecord, FlexibleServerRecord, SqlServerRecord } from '../../providers/azure/datasets.js';
import { firewallRule, flexibleServer, sqlServer } from '../../sandbox/azure/builders.js';

const SUB = '11111111-2222-4333-8444-555555555555';
const READ_AT = '2026-11-23T12:00:00.000Z';

function rules(...pairs: Array<[string, string, string]>): ChildRead<FirewallRuleRecord> {
  const server = sqlServer(SUB, 'rg', 'parent', 'Enabled');
  const items = pairs.map(([name, start, end]) => firewallRule(server, name, start, end) as FirewallRuleRecord);
  return { ok: true, items, api: 'arm:GET Microsoft.Sql/servers/firewallRules', readAt: READ_AT };
}

function sql(name: string, access: 'Enabled' | 'Disabled' | 'SecuredByPerimeter' | undefined, firewallRules?: ChildRead<FirewallRuleRecord>): SqlServerRecord {
  const server = sqlServer(SUB, 'rg-db', name, access, { location: 'eastus2' }) as unknown as SqlServerRecord['server'];
  return firewallRules === undefined ? { server } : { server, firewallRules };
}

function flexible(engine: 'postgresql' | 'mysql', name: string, network: { publicNetworkAccess?: 'Enabled' | 'Disabled'; delegatedSubnetResourceId?: string }, firewallRules?: ChildRead<FirewallRuleRecord>): FlexibleServerRecord {
  const server = flexibleServer(engine, SUB, 'rg-db', name, network) as unknown as FlexibleServerRecord['server'];
  return firewallRules === undefined ? { server } : { server, firewallRules };
}

function run(input: { sql?: SqlServerRecord[]; postgres?: FlexibleServerRecord[]; mysql?: FlexibleServerRecord[] }) {
  return judge(control, {
    sql: collected('arm:GET Microsoft.Sql/servers', input.sql ?? [], 'global'),
    postgres: collected('arm:GET Microsoft.DBforPostgreSQL/flexibleServers', input.postgres ?? [], 'global'),
    mysql: collected('arm:GET Microsoft.DBforMySQL/flexibleServers', input.mysql ?? [], 'global'),
  });
}

function one(input: Parameters<typeof run>[0]) {
  const [result] = run(input);
  if (result === undefined) throw new Error('no judgement');
  return result;
}

describe('azure-database-not-public', () => {
  it('passes a SQL server with public network access disabled', () => {
    const result = one({ sql: [sql('sql-private', 'Disabled')] });
    expect(result).toMatchObject({ status: 'PASS', region: 'eastus2' });
    expect(result.message).toContain('public network access disabled');
  });

  it('rates the "Allow Azure services" rule (0.0.0.0–0.0.0.0) medium, not critical, and says why', () => {
    const result = one({ sql: [sql('sql-billing', 'Enabled', rules(['AllowAllWindowsAzureIps', '0.0.0.0', '0.0.0.0']))] });
    expect(result).toMatchObject({ status: 'FAIL', severity: 'medium' });
    expect(result.message).toContain("any Azure service or resource, including other customers'");
  });

  it('rates 0.0.0.0–255.255.255.255 critical, quoting the rule', () => {
    const result = one({ sql: [sql('sql-research', 'Enabled', rules(['AllowAll', '0.0.0.0', '255.255.255.255']))] });
    expect(result).toMatchObject({ status: 'FAIL', severity: 'critical' });
    expect(result.message).toContain('AllowAll (0.0.0.0-255.255.255.255');
    expect(result.evidence[1]?.fields['firewallRules']).toHaveLength(1);
  });

  it('rates ranges that cover every public address critical, however they are split', () => {
    expect(one({ sql: [sql('a', 'Enabled', rules(['public', '1.0.0.0', '223.255.255.255']))] }).severity).toBe('critical');
    expect(one({ sql: [sql('b', 'Enabled', rules(['low', '0.0.0.0', '127.255.255.255'], ['high', '128.0.0.0', '255.255.255.255']))] }).severity).toBe('critical');
    expect(one({ sql: [sql('c', 'Enabled', rules(['almost', '0.0.0.1', '255.255.255.254']))] }).severity).toBe('critical');
    expect(one({ sql: [sql('d', 'Enabled', rules(['half', '0.0.0.0', '127.255.255.255']))] }).severity).toBe('medium');
  });

  it('reads an absent publicNetworkAccess (older servers) as enabled', () => {
    const result = one({ sql: [sql('sql-old', undefined, rules(['AllowAll', '0.0.0.0', '255.255.255.255']))] });
    expect(result).toMatchObject({ status: 'FAIL', severity: 'critical' });
    expect(result.message).toContain('not set, which means enabled');
  });

  it('fails medium with public access and an office range, no rules, or only private ranges', () => {
    const office = one({ sql: [sql('o', 'Enabled', rules(['office', '203.0.113.0', '203.0.113.255']))] });
    expect(office).toMatchObject({ status: 'FAIL', severity: 'medium' });
    expect(office.message).toContain('256 addresses');
    expect(one({ sql: [sql('n', 'Enabled', rules())] }).message).toContain('no firewall rule admits any address yet');
    expect(one({ sql: [sql('p', 'Enabled', rules(['vnet', '10.0.0.0', '10.255.255.255']))] }).message).toContain('only private addresses');
  });

  it('ignores malformed or reversed rules when deciding critical, and names them', () => {
    const result = one({ sql: [sql('m', 'Enabled', rules(['broken', '0.0.0.0', '999.1.1.1'], ['reversed', '255.255.255.255', '0.0.0.0']))] });
    expect(result.severity).toBe('medium');
    expect(result.message).toContain('broken (0.0.0.0-999.1.1.1: not IPv4 addresses, ignored)');
    expect(result.message).toContain('reversed (255.255.255.255-0.0.0.0: start after end, ignored)');
    expect(result.message).toContain('no firewall rule admits any address yet; rule(s)');
    expect(result.message).not.toContain('admits only part of the internet');
  });

  it('says which bound a rule lacks instead of "?–?" (ARM returns properties without addresses)', () => {
    const base = rules(['office', '52.1.2.3', '52.1.2.3']);
    if (!base.ok) throw new Error('unreadable');
    const office = base.items[0] as FirewallRuleRecord;
    const bare: FirewallRuleRecord = { ...office, name: 'half-made', properties: {} };
    const startOnly: FirewallRuleRecord = { ...office, name: 'start-only', properties: { startIpAddress: '198.51.100.1', endIpAddress: '' } };
    const result = one({ sql: [sql('gaps', 'Enabled', { ...base, items: [office, bare, startOnly] })] });
    expect(result.message).not.toContain('?');
    expect(result.message).toContain('half-made (startIpAddress absent, endIpAddress absent: no address range, ignored)');
    expect(result.message).toContain('start-only (endIpAddress empty: no address range, ignored)');
    expect(result.message).toContain('its firewall admits only part of the internet: office (52.1.2.3-52.1.2.3, 1 address)');
  });

  it('is ERROR, never PASS, when public access is on and the firewall rules could not be read', () => {
    const failed: ChildRead<FirewallRuleRecord> = { ok: false, api: 'arm:GET Microsoft.Sql/servers/firewallRules', code: 'AuthorizationFailed', reason: 'no access' };
    const result = one({ sql: [sql('sql-x', 'Enabled', failed)] });
    expect(result.status).toBe('ERROR');
    expect(result.message).toContain('AuthorizationFailed');
    expect(one({ sql: [sql('sql-y', 'Enabled')] }).status).toBe('ERROR');
  });

  it('cannot assess a server secured by a network security perimeter from the server alone', () => {
    const result = one({ sql: [sql('sql-nsp', 'SecuredByPerimeter')] });
    expect(result.status).toBe('NOT_ASSESSABLE');
    expect(result.message).toContain('network security perimeter');
  });

  it('passes VNet-integrated and disabled flexible servers, fails public ones by their rules', () => {
    const subnet = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/pg`;
    const results = run({
      postgres: [
        flexible('postgresql', 'pg-private', { publicNetworkAccess: 'Disabled', delegatedSubnetResourceId: subnet }),
        flexible('postgresql', 'pg-open', { publicNetworkAccess: 'Enabled' }, rules(['all', '0.0.0.0', '255.255.255.255'])),
        flexible('postgresql', 'pg-azure', { publicNetworkAccess: 'Enabled' }, rules(['AllowAllAzureServicesAndResourcesWithinAzureIps_2024', '0.0.0.0', '0.0.0.0'])),
      ],
      mysql: [
        flexible('mysql', 'my-private', { publicNetworkAccess: 'Disabled' }),
        flexible('mysql', 'my-legacy', {}, rules(['office', '198.51.100.10', '198.51.100.10'])),
      ],
    });
    expect(results.map((r) => [r.resource.id, r.status, r.severity])).toEqual([
      ['pg-private', 'PASS', undefined],
      ['pg-open', 'FAIL', 'critical'],
      ['pg-azure', 'FAIL', 'medium'],
      ['my-private', 'PASS', undefined],
      ['my-legacy', 'FAIL', 'medium'],
    ]);
    expect(results[0]?.message).toContain('VNet-integrated');
    expect(results[0]?.resource.type).toBe('Microsoft.DBforPostgreSQL/flexibleServers');
    expect(results[3]?.message).toContain('MySQL flexible server my-private');
  });

  it('compares publicNetworkAccess case-insensitively', () => {
    const server = sql('sql-lower', undefined);
    server.server.properties = { ...server.server.properties, publicNetworkAccess: 'disabled' };
    expect(one({ sql: [server] }).status).toBe('PASS');
  });

  it('yields nothing for a subscription without database servers', () => {
    expect(run({})).toEqual([]);
  });
});

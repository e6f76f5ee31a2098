import { describe, expect, it } from 'vitest';
import control from './ssh-not-open.js';
import { collected, judge } from '../../test/support/checks.js';
import type { NetworkSecurityGroupRecord, SecurityRuleProperties } from '../../providers/azure/datasets.js';
import { networkSecurityGroup, type RuleSpec } from '../../sandbox/azure/builders.js';

const SUB = '11111111-2222-4333-8444-555555555555';
const NIC = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic-1`;

function nsg(rules: RuleSpec[], options: { attached?: boolean; patch?: Record<string, Partial<SecurityRuleProperties>> } = {}): NetworkSecurityGroupRecord {
  const record = networkSecurityGroup(SUB, 'rg', 'nsg-test', rules, { location: 'westeurope', ...(options.attached === false ? {} : { networkInterfaces: [NIC] }) }) as unknown as NetworkSecurityGroupRecord;
  for (const rule of record.properties?.securityRules ?? []) {
    const patch = options.patch?.[rule.name ?? ''];
    if (patch !== undefined) rule.properties = { ...rule.properties, ...patch };
  }
  return record;
}

function verdict(record: NetworkSecurityGroupRecord) {
  const [result] = judge(control, { groups: collected('arm:GET Microsoft.Network/networkSecurityGroups', [record], 'global') });
  if (result === undefined) throw new Error('no judgement');
  return result;
}

const status = (rules: RuleSpec[], options?: Parameters<typeof nsg>[1]) => verdict(nsg(rules, options)).status;

describe('azure-ssh-not-open', () => {
  it('passes a group with only Azure default rules (VirtualNetwork and AzureLoadBalancer are not the internet)', () => {
    const result = verdict(nsg([]));
    expect(result.status).toBe('PASS');
    expect(result.message).toContain("beyond Azure's defaults");
  });

  it('fails an Allow from * on TCP 22, high when attached, medium when unattached, with the location as region', () => {
    const attached = verdict(nsg([{ name: 'ssh', priority: 100, ports: '22', source: '*' }]));
    expect(attached).toMatchObject({ status: 'FAIL', severity: 'high', region: 'westeurope' });
    expect(attached.message).toContain('ssh (priority 100, Allow Tcp port 22 from *)');
    expect(attached.message).toContain('IPv4 and IPv6');
    expect(attached.resource.uid).toBe(`/subscriptions/${SUB}/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/nsg-test`);
    const unattached = verdict(nsg([{ name: 'ssh', priority: 100, ports: '22', source: '*' }], { attached: false }));
    expect(unattached).toMatchObject({ status: 'FAIL', severity: 'medium' });
    expect(unattached.message).toContain('attached to no subnet');
  });

  it('fails a port range that contains 22 from the Internet tag, and lists (destinationPortRanges) with 22', () => {
    expect(status([{ name: 'mgmt', priority: 300, ports: '20-30', source: 'Internet' }])).toBe('FAIL');
    expect(status([{ name: 'mgmt', priority: 300, ports: ['3389', '22'], source: 'Internet' }])).toBe('FAIL');
    expect(status([{ name: 'web', priority: 300, ports: ['80', '443'], source: 'Internet' }])).toBe('PASS');
    expect(status([{ name: 'high', priority: 300, ports: '23-65535', source: 'Internet' }])).toBe('PASS');
  });

  it('reads destinationPortRanges when destinationPortRange is null', () => {
    expect(status([{ name: 'mgmt', priority: 300, ports: ['22', '3389'], source: 'Internet' }], { patch: { mgmt: { destinationPortRange: null } } })).toBe('FAIL');
  });

  it('treats * and Any protocols as TCP, but not Udp or Icmp (even with every port)', () => {
    expect(status([{ name: 'any', priority: 100, protocol: '*', ports: '*', source: 'Any' }])).toBe('FAIL');
    expect(status([{ name: 'udp', priority: 100, protocol: 'Udp', ports: '22', source: '*' }])).toBe('PASS');
    expect(status([{ name: 'icmp', priority: 100, protocol: 'Icmp', ports: '*', source: '*' }])).toBe('PASS');
  });

  it('passes SSH from VirtualNetwork, other service tags, application security groups and a known range', () => {
    expect(status([{ name: 'vnet', priority: 200, ports: '22', source: 'VirtualNetwork' }])).toBe('PASS');
    expect(status([{ name: 'azure', priority: 200, ports: '22', source: 'AzureCloud.WestEurope' }])).toBe('PASS');
    expect(status([{ name: 'office', priority: 200, ports: '22', source: ['203.0.113.0/24', '198.51.100.7'] }])).toBe('PASS');
    const asg = nsg([{ name: 'asg', priority: 200, ports: '22', source: [] }], {
      patch: { asg: { sourceAddressPrefixes: [], sourceApplicationSecurityGroups: [{ id: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/admins' }] } },
    });
    const result = verdict(asg);
    expect(result.status).toBe('PASS');
    expect(result.message).toContain('application security group');
  });

  it('fails 0.0.0.0/0 (IPv4), ::/0 (IPv6) and prefixes that add up to the internet across rules', () => {
    const v4 = verdict(nsg([{ name: 'v4', priority: 100, ports: '22', source: '0.0.0.0/0' }]));
    expect(v4.status).toBe('FAIL');
    expect(v4.message).not.toContain('IPv6');
    expect(verdict(nsg([{ name: 'v6', priority: 100, ports: '22', source: '::/0' }])).message).toContain('over IPv6');
    expect(status([{ name: 'halves', priority: 100, ports: '22', source: ['0.0.0.0/1', '128.0.0.0/1'] }])).toBe('FAIL');
    expect(
      status([
        { name: 'low', priority: 100, ports: '22', source: '0.0.0.0/1' },
        { name: 'high', priority: 110, ports: '22', source: '128.0.0.0/1' },
      ]),
    ).toBe('FAIL');
    // Everything public except 10/8 etc. is still the internet.
    expect(status([{ name: 'public', priority: 100, ports: '22', source: ['1.0.0.0/8', '2.0.0.0/7', '4.0.0.0/6', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1'] }])).toBe('FAIL');
    expect(status([{ name: 'half', priority: 100, ports: '22', source: '0.0.0.0/1' }])).toBe('PASS');
  });

  it('passes an Allow from * shadowed by a higher-priority Deny, and says so', () => {
    const result = verdict(
      nsg([
        { name: 'deny-ssh', priority: 100, access: 'Deny', ports: '22', source: '*' },
        { name: 'allow-ssh', priority: 400, ports: '22', source: '*' },
      ]),
    );
    expect(result.status).toBe('PASS');
    expect(result.message).toContain('allow-ssh (priority 400');
    expect(result.message).toContain('overridden by higher-priority deny-ssh (priority 100');
    // A Deny of the Internet tag on every port also shadows it.
    expect(
      status([
        { name: 'deny-internet', priority: 100, access: 'Deny', protocol: '*', ports: '*', source: 'Internet' },
        { name: 'allow-ssh', priority: 400, ports: '22', source: '*' },
      ]),
    ).toBe('PASS');
  });

  it('fails when the Deny comes after the Allow (lower priority), or only carves out part of the internet', () => {
    expect(
      status([
        { name: 'allow-ssh', priority: 100, ports: '22', source: '*' },
        { name: 'deny-ssh', priority: 200, access: 'Deny', ports: '22', source: '*' },
      ]),
    ).toBe('FAIL');
    const partial = verdict(
      nsg([
        { name: 'deny-bad', priority: 100, access: 'Deny', ports: '22', source: '192.0.2.0/24' },
        { name: 'deny-half', priority: 110, access: 'Deny', ports: '22', source: '0.0.0.0/1' },
        { name: 'allow-ssh', priority: 400, ports: '22', source: 'Internet' },
      ]),
    );
    expect(partial.status).toBe('FAIL');
    expect(partial.message).toContain('carve out only part of it');
    expect(partial.message).toContain('deny-half');
  });

  it('does not let a Deny override traffic it does not cover: another protocol, source ports, one destination, another port', () => {
    const allow: RuleSpec = { name: 'allow-ssh', priority: 400, ports: '22', source: '*' };
    expect(status([{ name: 'deny-udp', priority: 100, access: 'Deny', protocol: 'Udp', ports: '22', source: '*' }, allow])).toBe('FAIL');
    expect(status([{ name: 'deny-80', priority: 100, access: 'Deny', ports: '80', source: '*' }, allow])).toBe('FAIL');
    expect(status([{ name: 'deny-one', priority: 100, access: 'Deny', ports: '22', source: '*', destination: '10.0.0.4' }, allow])).toBe('FAIL');
    expect(status([{ name: 'deny-sp', priority: 100, access: 'Deny', ports: '22', source: '*' }, allow], { patch: { 'deny-sp': { sourcePortRange: '1024-65535' } } })).toBe('FAIL');
    expect(status([{ name: 'deny-vnet-dest', priority: 100, access: 'Deny', ports: '22', source: '*', destination: 'VirtualNetwork' }, allow])).toBe('PASS');
  });

  it('judges an Allow to one destination against the Denies for that destination', () => {
    const allowOne: RuleSpec = { name: 'allow-vm', priority: 400, ports: '22', source: 'Internet', destination: '10.0.0.4' };
    expect(status([allowOne])).toBe('FAIL');
    expect(status([{ name: 'deny-vm', priority: 100, access: 'Deny', ports: '22', source: '*', destination: '10.0.0.4' }, allowOne])).toBe('PASS');
  });

  it('ignores outbound rules', () => {
    expect(status([{ name: 'out', priority: 100, direction: 'Outbound', ports: '22', source: '*' }])).toBe('PASS');
  });

  it('reads an Allow with its protocol or ports missing as matching, a Deny with them missing as matching nothing', () => {
    expect(status([{ name: 'odd', priority: 100, ports: '22', source: '*' }], { patch: { odd: { protocol: undefined } } })).toBe('FAIL');
    expect(
      status(
        [
          { name: 'deny-odd', priority: 100, access: 'Deny', ports: '22', source: '*' },
          { name: 'allow-ssh', priority: 400, ports: '22', source: '*' },
        ],
        { patch: { 'deny-odd': { protocol: undefined } } },
      ),
    ).toBe('FAIL');
  });

  it('yields nothing for a subscription without network security groups', () => {
    expect(judge(control, { groups: collected('arm:GET Microsoft.Network/networkSecurityGroups', [], 'global') })).toEqual([]);
  });
});

import type { IpPermission } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { describeRule, ruleAdmitsTcpPort, tcpPortExposure } from './ingress.js';

const tcp = (from: number, to: number, cidrs: string[] = ['0.0.0.0/0']): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: from,
  ToPort: to,
  IpRanges: cidrs.map((CidrIp) => ({ CidrIp })),
});

describe('ruleAdmitsTcpPort', () => {
  it('counts TCP rules whose range includes the port, by name or number', () => {
    expect(ruleAdmitsTcpPort(tcp(22, 22), 22)).toBe(true);
    expect(ruleAdmitsTcpPort(tcp(0, 65535), 22)).toBe(true);
    expect(ruleAdmitsTcpPort(tcp(20, 23), 22)).toBe(true);
    expect(ruleAdmitsTcpPort({ ...tcp(22, 22), IpProtocol: '6' }, 22)).toBe(true);
    expect(ruleAdmitsTcpPort({ ...tcp(22, 22), IpProtocol: 'TCP' }, 22)).toBe(true);
    expect(ruleAdmitsTcpPort(tcp(23, 1024), 22)).toBe(false);
    expect(ruleAdmitsTcpPort(tcp(0, 21), 22)).toBe(false);
  });

  it('counts all-traffic rules, with absent or -1 ports', () => {
    expect(ruleAdmitsTcpPort({ IpProtocol: '-1' }, 22)).toBe(true);
    expect(ruleAdmitsTcpPort({ IpProtocol: '-1', FromPort: -1, ToPort: -1 }, 22)).toBe(true);
    expect(ruleAdmitsTcpPort({ IpProtocol: '-1' }, undefined)).toBe(true);
  });

  it('does not count UDP, ICMP or other protocols', () => {
    expect(ruleAdmitsTcpPort({ ...tcp(22, 22), IpProtocol: 'udp' }, 22)).toBe(false);
    expect(ruleAdmitsTcpPort({ ...tcp(22, 22), IpProtocol: '17' }, 22)).toBe(false);
    expect(ruleAdmitsTcpPort({ IpProtocol: 'icmp', FromPort: -1, ToPort: -1 }, 22)).toBe(false);
    expect(ruleAdmitsTcpPort({ IpProtocol: '47' }, 22)).toBe(false);
    expect(ruleAdmitsTcpPort({}, 22)).toBe(false);
  });

  it('with an unknown port, counts only rules that admit every TCP port', () => {
    expect(ruleAdmitsTcpPort(tcp(0, 65535), undefined)).toBe(true);
    expect(ruleAdmitsTcpPort(tcp(5432, 5432), undefined)).toBe(false);
    expect(ruleAdmitsTcpPort(tcp(1, 65535), undefined)).toBe(false);
  });

  it('reads a TCP rule without ports as all ports (the conservative reading)', () => {
    expect(ruleAdmitsTcpPort({ IpProtocol: 'tcp' }, 22)).toBe(true);
  });
});

describe('tcpPortExposure', () => {
  it('finds IPv4 and IPv6 whole-internet rules and quotes only the /0 rules', () => {
    const exposure = tcpPortExposure(
      [tcp(22, 22, ['10.0.0.0/8']), { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }, tcp(443, 443)],
      22,
    );
    expect(exposure).toMatchObject({ ipv4: false, ipv6: true, cidrs: ['10.0.0.0/8', '::/0'] });
    expect(exposure.rules).toHaveLength(2);
    expect(exposure.offending).toEqual([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }]);
  });

  it('pools CIDRs across rules: a split over two rules is the whole internet, and both rules are quoted', () => {
    const exposure = tcpPortExposure([tcp(22, 22, ['0.0.0.0/1']), { IpProtocol: '-1', IpRanges: [{ CidrIp: '128.0.0.0/1' }] }], 22);
    expect(exposure.ipv4).toBe(true);
    expect(exposure.offending).toHaveLength(2);
  });

  it('does not pool CIDRs of rules that do not reach the port', () => {
    const exposure = tcpPortExposure([tcp(22, 22, ['0.0.0.0/1']), tcp(80, 80, ['128.0.0.0/1'])], 22);
    expect(exposure.ipv4).toBe(false);
    expect(exposure.offending).toEqual([]);
  });

  it('does not count security-group references or prefix lists as the internet, but reports them', () => {
    const exposure = tcpPortExposure(
      [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: 'sg-bastion' }], PrefixListIds: [{ PrefixListId: 'pl-123' }] }],
      22,
    );
    expect(exposure).toMatchObject({ ipv4: false, ipv6: false, groupReferences: ['sg-bastion'], prefixLists: ['pl-123'] });
  });

  it('ignores malformed CIDRs and lists them', () => {
    const exposure = tcpPortExposure([tcp(22, 22, ['0.0.0.0/33', 'garbage', '10.0.0.0/8'])], 22);
    expect(exposure).toMatchObject({ ipv4: false, malformed: ['0.0.0.0/33', 'garbage'] });
  });

  it('handles a group with no rules', () => {
    expect(tcpPortExposure(undefined, 22)).toMatchObject({ ipv4: false, ipv6: false, rules: [], offending: [] });
  });
});

describe('describeRule', () => {
  it('names protocol, ports and sources', () => {
    expect(describeRule(tcp(22, 22))).toBe('tcp port 22 from 0.0.0.0/0');
    expect(describeRule(tcp(0, 65535, ['0.0.0.0/1', '128.0.0.0/1']))).toBe('tcp ports 0-65535 from 0.0.0.0/1, 128.0.0.0/1');
    expect(describeRule({ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] })).toBe('all traffic (IpProtocol -1) from ::/0');
    expect(describeRule({ IpProtocol: '6', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: 'sg-1' }] })).toBe('tcp port 22 from sg-1');
  });
});

import type { IpPermission } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import control from './ssh-not-open.js';
import { ACCOUNT, collected, judge, statuses } from '../../test/support/checks.js';
import type { NetworkInterfaceRecord, PrefixListRecord, SecurityGroupRecord } from '../../providers/aws/datasets.js';
import { affectedBy } from '../../core/change-events.js';
import { trailDetail } from '../../test/support/change-events.js';

const groups = (items: SecurityGroupRecord[]) => ({ securityGroups: collected('ec2:DescribeSecurityGroups', items, 'eu-west-1') });
const enis = (items: NetworkInterfaceRecord[]) => ({ networkInterfaces: collected('ec2:DescribeNetworkInterfaces', items, 'eu-west-1') });
const group = (IpPermissions: IpPermission[], GroupId = 'sg-1'): SecurityGroupRecord => ({ GroupId, GroupName: 'web', VpcId: 'vpc-1', OwnerId: ACCOUNT, IpPermissions });
const ssh = (cidrs: string[] = ['0.0.0.0/0'], v6: string[] = []): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  IpRanges: cidrs.map((CidrIp) => ({ CidrIp })),
  Ipv6Ranges: v6.map((CidrIpv6) => ({ CidrIpv6 })),
});
const eni = (extra: Partial<NetworkInterfaceRecord> = {}): NetworkInterfaceRecord => ({
  NetworkInterfaceId: 'eni-1',
  Groups: [{ GroupId: 'sg-1' }],
  Status: 'in-use',
  InterfaceType: 'interface',
  Attachment: { InstanceId: 'i-1' },
  ...extra,
});
const publicEni = eni({ Association: { PublicIp: '203.0.113.10' } });

/** Judges one group; `interfaces` 'unreadable' leaves the network-interface context out, as the engine does when it cannot be read. */
const one = (permissions: IpPermission[], interfaces: NetworkInterfaceRecord[] | 'unreadable' = [publicEni]) => {
  const results = judge(control, groups([group(permissions)]), { region: 'eu-west-1', context: interfaces === 'unreadable' ? {} : enis(interfaces) });
  expect(results).toHaveLength(1);
  const [result] = results;
  if (result === undefined) throw new Error('no result');
  return result;
};

describe('aws-ssh-not-open', () => {
  it('has the metadata the product table gives it', () => {
    expect(control).toMatchObject({ id: 'aws-ssh-not-open', area: 'ssh', severity: 'high', scope: 'region', hipaa: ['164.312(a)(1)', '164.312(e)(1)'] });
    expect(Object.keys(control.context)).toEqual(['networkInterfaces', 'prefixLists']);
  });

  it('fails 0.0.0.0/0 on TCP 22 at critical when attached to an interface with a public IPv4, quoting the rule and the interface', () => {
    const result = one([ssh()]);
    expect(result.status).toBe('FAIL');
    expect(result.severity).toBe('critical');
    expect(result.message).toContain('sg-1 (web)');
    expect(result.message).toContain('tcp port 22 from 0.0.0.0/0');
    expect(result.message).toContain('Exposed');
    expect(result.message).toContain('eni-1 (i-1, public IPv4 203.0.113.10)');
    expect(result.resource).toMatchObject({ uid: `arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/sg-1`, type: 'AWS::EC2::SecurityGroup', name: 'web' });
    expect(result.evidence).toEqual([
      { api: 'ec2:DescribeSecurityGroups', region: 'eu-west-1', readAt: expect.any(String), fields: { GroupId: 'sg-1', GroupName: 'web', VpcId: 'vpc-1', IpPermissions: [ssh()] } },
      {
        api: 'ec2:DescribeNetworkInterfaces',
        region: 'eu-west-1',
        readAt: expect.any(String),
        fields: {
          NetworkInterfaces: [
            { NetworkInterfaceId: 'eni-1', Status: 'in-use', InterfaceType: 'interface', Attachment: { InstanceId: 'i-1' }, Association: { PublicIp: '203.0.113.10' }, Ipv6Addresses: undefined },
          ],
        },
      },
    ]);
  });

  it('passes a group that admits SSH only from private ranges, saying from where', () => {
    const result = one([ssh(['10.0.0.0/8', '192.168.0.0/16'])]);
    expect(result.status).toBe('PASS');
    expect(result.message).toContain('10.0.0.0/8, 192.168.0.0/16');
    expect(result.message).toContain('not the whole internet');
    expect(result.evidence).toEqual([expect.objectContaining({ fields: expect.objectContaining({ IpPermissions: [ssh(['10.0.0.0/8', '192.168.0.0/16'])] }) })]);
  });

  it('passes a group with no rule admitting TCP 22', () => {
    const result = one([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
    expect(result.status).toBe('PASS');
    expect(result.message).toContain('no inbound rule admitting TCP 22');
    expect(result.evidence[0]?.fields).toMatchObject({ IpPermissions: [] });
  });

  it('passes a group with no rules at all', () => {
    expect(one([]).status).toBe('PASS');
    expect(judge(control, groups([{ GroupId: 'sg-empty' }]), { context: enis([]) })[0]?.status).toBe('PASS');
  });

  describe('which rules reach TCP 22', () => {
    it('counts all-traffic rules (IpProtocol -1) with absent or -1 ports', () => {
      expect(one([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]).status).toBe('FAIL');
      const result = one([{ IpProtocol: '-1', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('all traffic');
    });

    it('counts TCP ranges that include 22 and protocol number 6', () => {
      const range = one([{ IpProtocol: 'tcp', FromPort: 0, ToPort: 1024, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
      expect(range.status).toBe('FAIL');
      expect(range.message).toContain('tcp ports 0-1024');
      expect(one([{ ...ssh(), IpProtocol: '6' }]).status).toBe('FAIL');
    });

    it('does not count ranges that stop short of or start after 22', () => {
      expect(one([{ ...ssh(), FromPort: 23, ToPort: 65535 }]).status).toBe('PASS');
      expect(one([{ ...ssh(), FromPort: 0, ToPort: 21 }]).status).toBe('PASS');
    });

    it('does not count UDP 22 or ICMP from anywhere', () => {
      expect(one([{ ...ssh(), IpProtocol: 'udp' }]).status).toBe('PASS');
      expect(one([{ IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]).status).toBe('PASS');
      expect(one([{ IpProtocol: '47', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]).status).toBe('PASS');
    });
  });

  describe('what counts as the whole internet', () => {
    it('fails IPv6 ::/0', () => {
      const result = one([ssh([], ['::/0'])], [eni({ Ipv6Addresses: [{ Ipv6Address: '2001:db8::10' }] })]);
      expect(result.status).toBe('FAIL');
      expect(result.severity).toBe('critical');
      expect(result.message).toContain('IPv6');
      expect(result.message).toContain('2001:db8::10');
    });

    it('fails an IPv4 split over two CIDRs (0.0.0.0/1 + 128.0.0.0/1), even across two rules', () => {
      expect(one([ssh(['0.0.0.0/1', '128.0.0.0/1'])]).status).toBe('FAIL');
      const across = one([ssh(['0.0.0.0/1']), { IpProtocol: '-1', IpRanges: [{ CidrIp: '128.0.0.0/1' }] }]);
      expect(across.status).toBe('FAIL');
      expect(across.message).toContain('0.0.0.0/1');
      expect(across.message).toContain('128.0.0.0/1');
    });

    it('fails an IPv6 split (::/1 + 8000::/1)', () => {
      expect(one([ssh([], ['::/1', '8000::/1'])]).status).toBe('FAIL');
    });

    it('reads the whole IPv6 space however it is written', () => {
      expect(one([ssh([], ['0:0:0:0:0:0:0:0/0'])]).status).toBe('FAIL');
      expect(one([ssh([], ['::0/0'])]).status).toBe('FAIL');
    });

    it('passes a large range that is not the whole internet', () => {
      expect(one([ssh(['0.0.0.0/1'])]).status).toBe('PASS');
      expect(one([ssh(['10.0.0.0/10'])]).status).toBe('PASS');
      expect(one([ssh(['10.10.0.0/20'])]).status).toBe('PASS');
      expect(one([ssh([], ['2001:db8::/32'])]).status).toBe('PASS');
    });

    it('reads a non-canonical /0 (host bits set) as the whole internet', () => {
      expect(one([ssh(['10.0.0.1/0'])]).status).toBe('FAIL');
    });

    it('does not crash on a malformed CIDR: ignores it and says so', () => {
      const result = one([ssh(['0.0.0.0/33', 'not-a-cidr', '10.0.0.0/8'])]);
      expect(result.status).toBe('PASS');
      expect(result.message).toContain('Malformed CIDR(s) "0.0.0.0/33", "not-a-cidr"');
    });

    it('still fails when a malformed CIDR sits next to 0.0.0.0/0', () => {
      const result = one([ssh(['bogus', '0.0.0.0/0'])]);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('Malformed CIDR(s) "bogus"');
    });

    it('does not count referenced security groups as the internet; a prefix list whose entries were not read makes it ERROR, naming it', () => {
      const result = one([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: 'sg-bastion' }], PrefixListIds: [{ PrefixListId: 'pl-0abc' }] }]);
      expect(result.status).toBe('ERROR');
      expect(result.message).toContain('prefix list(s) pl-0abc on a rule admitting TCP 22 (their entries could not be read');
      const groupOnly = one([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: 'sg-bastion' }] }]);
      expect(groupOnly.status).toBe('PASS');
      expect(groupOnly.message).toContain('only from security group sg-bastion');
    });

    it('says a rule reaching 22 with no source admits no one, rather than "only from no source"', () => {
      const result = one([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [], Ipv6Ranges: [], UserIdGroupPairs: [], PrefixListIds: [] }]);
      expect(result.status).toBe('PASS');
      expect(result.message).toContain('name no source, so they admit no one');
    });

    it('does not mention prefix lists on rules that do not reach 22', () => {
      const result = one([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-web' }] }]);
      expect(result.message).not.toContain('pl-web');
    });
  });

  describe('prefix lists (DescribeManagedPrefixLists + GetManagedPrefixListEntries)', () => {
    // As the collector keeps them: DescribeManagedPrefixLists' fields, and for customer-managed lists the
    // entries GetManagedPrefixListEntries returned (Cidr, Description).
    const vendor: PrefixListRecord = {
      PrefixListId: 'pl-0a1b2c3d4e5f60001',
      PrefixListName: 'vendor-access',
      OwnerId: ACCOUNT,
      AddressFamily: 'IPv4',
      Entries: [
        { Cidr: '203.0.113.0/24', Description: 'Larkspur HQ' },
        { Cidr: '0.0.0.0/0', Description: 'vendor (temporary)' },
      ],
    };
    const halves: PrefixListRecord = { PrefixListId: 'pl-0a1b2c3d4e5f60002', PrefixListName: 'low-half', OwnerId: ACCOUNT, AddressFamily: 'IPv4', Entries: [{ Cidr: '0.0.0.0/1' }] };
    const office: PrefixListRecord = { PrefixListId: 'pl-0a1b2c3d4e5f60003', PrefixListName: 'office', OwnerId: ACCOUNT, AddressFamily: 'IPv4', Entries: [{ Cidr: '198.51.100.0/24' }] };
    const empty: PrefixListRecord = { PrefixListId: 'pl-0a1b2c3d4e5f60004', PrefixListName: 'unused', OwnerId: ACCOUNT, AddressFamily: 'IPv6', Entries: [] };
    // AWS-managed lists: owner AWS, a com.amazonaws.* name; the collector does not read their entries.
    const instanceConnect: PrefixListRecord = { PrefixListId: 'pl-0e4bcff02b13bef1e', PrefixListName: 'com.amazonaws.eu-west-1.ec2-instance-connect', OwnerId: 'AWS', AddressFamily: 'IPv4' };
    const lists = (...items: PrefixListRecord[]) => ({ prefixLists: collected('ec2:DescribeManagedPrefixLists', items, 'eu-west-1') });
    const viaList = (...ids: string[]): IpPermission => ({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: ids.map((PrefixListId) => ({ PrefixListId })) });
    const judgeWith = (permissions: IpPermission[], known: PrefixListRecord[]) => {
      const [result] = judge(control, groups([group(permissions)]), { region: 'eu-west-1', context: { ...enis([publicEni]), ...lists(...known) } });
      if (result === undefined) throw new Error('no result');
      return result;
    };

    it('fails a customer-managed list holding 0.0.0.0/0, quoting its entries in the message and the evidence', () => {
      const result = judgeWith([viaList(vendor.PrefixListId ?? '')], [vendor, instanceConnect]);
      expect(result.status).toBe('FAIL');
      expect(result.severity).toBe('critical');
      expect(result.message).toContain('admits the whole IPv4 internet to TCP 22: tcp port 22 from prefix list pl-0a1b2c3d4e5f60001 (vendor-access: 203.0.113.0/24, 0.0.0.0/0)');
      expect(result.evidence).toContainEqual(expect.objectContaining({ api: 'ec2:GetManagedPrefixListEntries', fields: { PrefixLists: [vendor] } }));
    });

    it('pools list entries with CIDRs on other rules: a list with one half and a rule with the other fail together', () => {
      const result = judgeWith([viaList(halves.PrefixListId ?? ''), ssh(['128.0.0.0/1'])], [halves]);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('prefix list pl-0a1b2c3d4e5f60002 (low-half: 0.0.0.0/1)');
      expect(result.message).toContain('128.0.0.0/1');
    });

    it('passes a list of office ranges, an empty list and an AWS-managed service list, describing each', () => {
      const result = judgeWith([viaList(office.PrefixListId ?? '', empty.PrefixListId ?? '', instanceConnect.PrefixListId ?? '')], [office, empty, instanceConnect]);
      expect(result.status).toBe('PASS');
      expect(result.message).toContain('prefix list pl-0a1b2c3d4e5f60003 (office: 198.51.100.0/24)');
      expect(result.message).toContain('prefix list pl-0a1b2c3d4e5f60004 (unused: no entries)');
      expect(result.message).toContain('prefix list pl-0e4bcff02b13bef1e (com.amazonaws.eu-west-1.ec2-instance-connect, AWS-managed service ranges)');
    });

    it('is ERROR for a list the region did not return (its entries are unknown), but FAIL when the group is open anyway', () => {
      const unknown = judgeWith([viaList('pl-0shared000000001')], [office]);
      expect(unknown.status).toBe('ERROR');
      expect(unknown.message).toContain('not among the prefix lists DescribeManagedPrefixLists returned');
      const open = judgeWith([viaList('pl-0shared000000001'), ssh()], [office]);
      expect(open.status).toBe('FAIL');
      expect(open.message).toContain('Also prefix list(s) pl-0shared000000001');
    });

    it('fails a list whose entries split IPv6 into halves', () => {
      const v6: PrefixListRecord = { PrefixListId: 'pl-0a1b2c3d4e5f60005', PrefixListName: 'v6', OwnerId: ACCOUNT, AddressFamily: 'IPv6', Entries: [{ Cidr: '::/1' }, { Cidr: '8000::/1' }] };
      const result = judgeWith([viaList(v6.PrefixListId ?? '')], [v6]);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('the whole IPv6 internet');
    });
  });

  describe('severity by attachment', () => {
    it('is medium for a group attached to no network interface (unused)', () => {
      const result = one([ssh()], [eni({ Groups: [{ GroupId: 'sg-other' }] })]);
      expect(result.status).toBe('FAIL');
      expect(result.severity).toBe('medium');
      expect(result.message).toContain('attached to no network interface');
      expect(result.evidence[1]?.fields).toEqual({ NetworkInterfaces: [] });
    });

    it('is high, saying "attachment unknown", when network interfaces could not be read', () => {
      const result = one([ssh()], 'unreadable');
      expect(result.status).toBe('FAIL');
      expect(result.severity).toBe('high');
      expect(result.message).toContain('Attachment unknown');
      expect(result.evidence).toHaveLength(1);
    });

    it('is high when attached only to interfaces without a public address', () => {
      const result = one([ssh()], [eni()]);
      expect(result.severity).toBe('high');
      expect(result.message).toContain('none in use with a public IPv4 address');
      expect(result.message).toContain('eni-1');
    });

    it('is high when only IPv4 is open and the interface has only IPv6 (the open family cannot reach it)', () => {
      const result = one([ssh()], [eni({ Ipv6Addresses: [{ Ipv6Address: '2001:db8::5' }] })]);
      expect(result.severity).toBe('high');
    });

    it('is high when only IPv6 is open and the interface has only a public IPv4', () => {
      expect(one([ssh([], ['::/0'])], [publicEni]).severity).toBe('high');
    });

    it('is critical when both families are open and the interface has either', () => {
      expect(one([ssh(['0.0.0.0/0'], ['::/0'])], [eni({ Ipv6Addresses: [{ Ipv6Address: '2001:db8::5' }] })]).severity).toBe('critical');
      expect(one([ssh(['0.0.0.0/0'], ['::/0'])], [publicEni]).severity).toBe('critical');
    });

    it('is critical for an Elastic IP on a secondary private address, and for a delegated IPv6 prefix', () => {
      const secondary = eni({ PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.5' }, { PrivateIpAddress: '10.0.0.6', Association: { PublicIp: '198.51.100.7' } }] });
      expect(one([ssh()], [secondary]).severity).toBe('critical');
      expect(one([ssh()], [secondary]).message).toContain('198.51.100.7');
      expect(one([ssh([], ['::/0'])], [eni({ Ipv6Prefixes: [{ Ipv6Prefix: '2001:db8:1::/80' }] })]).severity).toBe('critical');
    });

    it('is not critical for a detached interface (status available) holding a public address', () => {
      const result = one([ssh()], [eni({ Status: 'available', Attachment: undefined, Association: { PublicIp: '198.51.100.1' } })]);
      expect(result.severity).toBe('high');
      expect(result.message).toContain('detached');
    });

    it('names the exposed interfaces first and counts the rest', () => {
      const many = Array.from({ length: 8 }, (_, i) => eni({ NetworkInterfaceId: `eni-private-${i}` }));
      const result = one([ssh()], [...many, eni({ NetworkInterfaceId: 'eni-public', Association: { PublicIp: '203.0.113.99' } })]);
      expect(result.severity).toBe('critical');
      expect(result.message).toContain('eni-public');
      const listed = result.evidence[1]?.fields['NetworkInterfaces'] as Array<{ NetworkInterfaceId: string }>;
      expect(listed[0]?.NetworkInterfaceId).toBe('eni-public');
      expect(listed).toHaveLength(9);
    });
  });

  it('judges each group once, building the ARN from its owner', () => {
    const results = judge(
      control,
      groups([group([ssh()], 'sg-open'), group([ssh(['10.0.0.0/8'])], 'sg-closed'), { GroupId: 'sg-shared', OwnerId: '444455556666', IpPermissions: [] }]),
      { region: 'eu-west-1', context: enis([]) },
    );
    expect(statuses(results)).toEqual({ 'sg-open': 'FAIL', 'sg-closed': 'PASS', 'sg-shared': 'PASS' });
    expect(results[2]?.resource.uid).toBe('arn:aws:ec2:eu-west-1:444455556666:security-group/sg-shared');
  });
});

describe('aws-ssh-not-open change events', () => {
  it('re-reads the group a rule change names, in the request or only in the response', () => {
    expect(affectedBy(control, trailDetail('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', { groupId: 'sg-0a1' }))).toEqual({ resourceKind: 'ec2:security-group', resourceIds: ['sg-0a1'] });
    const byName = trailDetail('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', { groupName: 'web' }, { securityGroupRuleSet: { items: [{ groupId: 'sg-0b2' }, { groupId: 'sg-0b2' }] } });
    expect(affectedBy(control, byName)?.resourceIds).toEqual(['sg-0b2']);
    expect(affectedBy(control, trailDetail('ec2.amazonaws.com', 'ModifySecurityGroupRules', { ModifySecurityGroupRulesRequest: { GroupId: 'sg-0c3' } }))?.resourceIds).toEqual(['sg-0c3']);
    expect(affectedBy(control, trailDetail('ec2.amazonaws.com', 'RevokeSecurityGroupIngress', { groupId: 'sg-0d4' }))?.resourceIds).toEqual(['sg-0d4']);
    expect(affectedBy(control, trailDetail('ec2.amazonaws.com', 'ModifyNetworkInterfaceAttribute', { groupSet: { items: [{ groupId: 'sg-1' }, { groupId: 'sg-2' }] } }))?.resourceIds).toEqual(['sg-1', 'sg-2']);
  });

  it('re-reads the whole region for a prefix list change, and ignores calls that change nothing it judges', () => {
    expect(affectedBy(control, trailDetail('ec2.amazonaws.com', 'ModifyManagedPrefixList', { ModifyManagedPrefixListRequest: { PrefixListId: 'pl-1' } }))).toEqual({});
    expect(affectedBy(control, trailDetail('ec2.amazonaws.com', 'CreateVolume'))).toBeUndefined();
    expect(affectedBy(control, trailDetail('rds.amazonaws.com', 'AuthorizeSecurityGroupIngress', { groupId: 'sg-1' }))).toBeUndefined();
  });
});

import {
  DescribeManagedPrefixListsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRegionsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVolumesCommand,
  GetEbsEncryptionByDefaultCommand,
  GetManagedPrefixListEntriesCommand,
  paginateDescribeManagedPrefixLists,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroups,
  paginateDescribeVolumes,
  paginateGetManagedPrefixListEntries,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './server.js';
import { rejection, sandboxClients, type SandboxClients } from './testkit.js';
import { demoWorldPath, expandWorld, loadWorld, type World } from './world.js';

const PRODUCTION = '284716359042';
let demo: Sandbox;
let scale: Sandbox;
const SCALE: World = { generate: { seed: 11, accounts: 1, regions: ['us-east-1'], resources: 12 } };
let security: SandboxClients;
let production: (region: string) => SandboxClients;
const opened: SandboxClients[] = [];

async function pages<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of iterator) out.push(page);
  return out;
}

beforeAll(async () => {
  demo = await startSandbox({ world: loadWorld(demoWorldPath()) });
  scale = await startSandbox({ world: SCALE });
  security = sandboxClients(demo.url);
  const { Credentials } = await security.sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PRODUCTION}:role/WardAuditRole`, RoleSessionName: 'ec2-test', ExternalId: 'larkspur-ward-7f3a9c' }),
  );
  const credentials = { accessKeyId: Credentials?.AccessKeyId ?? '', secretAccessKey: Credentials?.SecretAccessKey ?? '', sessionToken: Credentials?.SessionToken ?? '' };
  production = (region) => {
    const clients = sandboxClients(demo.url, region, credentials);
    opened.push(clients);
    return clients;
  };
});

afterAll(async () => {
  security.destroy();
  for (const c of opened) c.destroy();
  await Promise.all([demo.close(), scale.close()]);
});

describe('EC2 (query protocol)', () => {
  it('DescribeRegions lists enabled regions, and with AllRegions the disabled opt-in ones too', async () => {
    const enabled = await security.ec2.send(new DescribeRegionsCommand({}));
    expect(enabled.Regions?.map((r) => r.RegionName)).toEqual(['eu-west-1', 'us-east-1', 'us-east-2', 'us-west-2']);
    expect(enabled.Regions?.[0]).toEqual({ RegionName: 'eu-west-1', Endpoint: 'ec2.eu-west-1.amazonaws.com', OptInStatus: 'opt-in-not-required' });
    const all = await security.ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
    expect(all.Regions?.find((r) => r.RegionName === 'ap-east-1')?.OptInStatus).toBe('not-opted-in');
    const filtered = await security.ec2.send(new DescribeRegionsCommand({ AllRegions: true, Filters: [{ Name: 'opt-in-status', Values: ['not-opted-in'] }] }));
    expect(filtered.Regions?.map((r) => r.RegionName)).toEqual(['ap-east-1']);
  });

  it('GetEbsEncryptionByDefault answers per account and region', async () => {
    expect((await production('us-east-1').ec2.send(new GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault).toBe(true);
    expect((await production('eu-west-1').ec2.send(new GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault).toBe(false);
  });

  it('DescribeVolumes returns the volume fields Ward reads, and filters', async () => {
    const ec2 = production('us-east-1').ec2;
    const { Volumes } = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'encrypted', Values: ['false'] }] }));
    expect(Volumes).toHaveLength(1);
    expect(Volumes?.[0]).toMatchObject({
      VolumeId: 'vol-0a1b2c3d4e5f60004',
      Encrypted: false,
      State: 'in-use',
      Size: 30,
      VolumeType: 'gp2',
      Attachments: [{ InstanceId: 'i-0f1e2d3c4b5a60004', State: 'attached', VolumeId: 'vol-0a1b2c3d4e5f60004' }],
      Tags: [{ Key: 'Name', Value: 'legacy-hl7-gateway' }],
    });
    expect(Volumes?.[0]?.KmsKeyId).toBeUndefined();
    const encrypted = await ec2.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0a1b2c3d4e5f60001'] }));
    expect(encrypted.Volumes?.[0]?.KmsKeyId).toMatch(/^arn:aws:kms:us-east-1:284716359042:key\//);
    const missing = await rejection(ec2.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0ffffffffffffffff'] })));
    expect(missing.name).toBe('InvalidVolume.NotFound');
  });

  it('DescribeSecurityGroups keeps every rule shape a scanner must handle', async () => {
    const { SecurityGroups } = await production('us-east-1').ec2.send(new DescribeSecurityGroupsCommand({}));
    const group = (name: string) => SecurityGroups?.find((g) => g.GroupName === name);
    expect(group('bastion-split')?.IpPermissions).toEqual([
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [], IpRanges: [{ CidrIp: '0.0.0.0/1' }, { CidrIp: '128.0.0.0/1' }], Ipv6Ranges: [], PrefixListIds: [] },
    ]);
    expect(group('app-ipv6-ssh')?.IpPermissions?.[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: 22, IpRanges: [], Ipv6Ranges: [{ CidrIpv6: '::/0', Description: 'ipv6 debugging' }] });
    const all = group('legacy-all-traffic')?.IpPermissions?.[0];
    expect(all?.IpProtocol).toBe('-1');
    expect(all?.FromPort).toBeUndefined();
    expect(all?.ToPort).toBeUndefined();
    expect(group('vpn-udp')?.IpPermissions?.[0]).toMatchObject({ IpProtocol: 'udp', FromPort: 22, ToPort: 22 });
    expect(group('default')?.IpPermissions?.[0]?.UserIdGroupPairs).toEqual([{ UserId: PRODUCTION, GroupId: 'sg-0d0d0d0d0d0d00001' }]);
    expect(group('web-alb')).toMatchObject({ GroupId: 'sg-0a0a0a0a0a0a00001', OwnerId: PRODUCTION, VpcId: 'vpc-0b22c0ffee5ec0002' });
    expect(group('web-alb')?.IpPermissionsEgress).toEqual([{ IpProtocol: '-1', UserIdGroupPairs: [], IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [] }]);
    const byName = await production('us-east-1').ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['db-*'] }] }));
    expect(byName.SecurityGroups?.map((g) => g.GroupName)).toEqual(['db-patients', 'db-analytics-public', 'db-reporting']);
  });

  it('DescribeManagedPrefixLists and GetManagedPrefixListEntries serve customer-managed and AWS-managed lists, paged', async () => {
    const ec2 = production('us-east-1').ec2;
    const { PrefixLists } = await ec2.send(new DescribeManagedPrefixListsCommand({}));
    expect(PrefixLists?.map((p) => [p.PrefixListName, p.OwnerId])).toEqual([
      ['vendor-access', PRODUCTION],
      ['partner-offices', PRODUCTION],
      ['com.amazonaws.us-east-1.ec2-instance-connect', 'AWS'],
    ]);
    expect(PrefixLists?.[0]).toEqual({
      PrefixListId: 'pl-0f0f0f0f0f0f00001',
      AddressFamily: 'IPv4',
      State: 'create-complete',
      PrefixListArn: `arn:aws:ec2:us-east-1:${PRODUCTION}:prefix-list/pl-0f0f0f0f0f0f00001`,
      PrefixListName: 'vendor-access',
      MaxEntries: 10,
      Version: 1,
      OwnerId: PRODUCTION,
    });
    expect(PrefixLists?.[2]?.PrefixListArn).toBe('arn:aws:ec2:us-east-1:aws:prefix-list/pl-0e4bcff02b13bef1e');
    expect(PrefixLists?.[2]?.MaxEntries).toBeUndefined();
    const listPages = await pages(paginateDescribeManagedPrefixLists({ client: ec2, pageSize: 2 }, {}));
    expect(listPages.map((p) => p.PrefixLists?.length)).toEqual([2, 1]);
    const entryPages = await pages(paginateGetManagedPrefixListEntries({ client: ec2, pageSize: 1 }, { PrefixListId: 'pl-0f0f0f0f0f0f00001' }));
    expect(entryPages.flatMap((p) => p.Entries ?? [])).toEqual([
      { Cidr: '203.0.113.0/24', Description: 'Larkspur HQ' },
      { Cidr: '0.0.0.0/0', Description: 'vendor support (temporary)' },
    ]);
    expect(entryPages).toHaveLength(2);
    const byName = await ec2.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'owner-id', Values: ['AWS'] }] }));
    expect(byName.PrefixLists?.map((p) => p.PrefixListId)).toEqual(['pl-0e4bcff02b13bef1e']);
    const missing = await rejection(ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-0000000000000dead' })));
    expect(missing.name).toBe('InvalidPrefixListID.NotFound');
    const range = await rejection(ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-0f0f0f0f0f0f00001', MaxResults: 101 })));
    expect(range.name).toBe('InvalidParameterValue');
    // A rule names a list by id, as DescribeSecurityGroups returns it.
    const { SecurityGroups } = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0a0a0a0a0a0a0000b'] }));
    expect(SecurityGroups?.[0]?.IpPermissions?.[0]?.PrefixListIds).toEqual([{ PrefixListId: 'pl-0f0f0f0f0f0f00002' }, { PrefixListId: 'pl-0e4bcff02b13bef1e' }]);
  });

  it('DescribeNetworkInterfaces shows public addresses, IPv6 and groups', async () => {
    const { NetworkInterfaces } = await production('us-east-1').ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: ['sg-0a0a0a0a0a0a00005'] }] }));
    expect(NetworkInterfaces).toHaveLength(1);
    expect(NetworkInterfaces?.[0]).toMatchObject({
      NetworkInterfaceId: 'eni-0c0c0c0c0c0c00004',
      Association: { PublicIp: '3.224.91.7' },
      Groups: [{ GroupId: 'sg-0a0a0a0a0a0a00005', GroupName: 'legacy-all-traffic' }],
      Attachment: { InstanceId: 'i-0f1e2d3c4b5a60004', Status: 'attached' },
      Status: 'in-use',
      InterfaceType: 'interface',
    });
    const dual = await production('us-east-1').ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ['eni-0c0c0c0c0c0c00005'] }));
    expect(dual.NetworkInterfaces?.[0]?.Ipv6Addresses).toEqual([{ Ipv6Address: '2600:1f18:4a3:6d00:8c2e:11ab:9f0:d1c4', IsPrimaryIpv6: false }]);
    expect(dual.NetworkInterfaces?.[0]?.Association).toBeUndefined();
  });

  it('paginates volumes, security groups and network interfaces past the first page', async () => {
    const clients = sandboxClients(scale.url);
    opened.push(clients);
    const client: EC2Client = clients.ec2;
    const volumePages = await pages(paginateDescribeVolumes({ client, pageSize: 5 }, {}));
    expect(volumePages.map((p) => p.Volumes?.length)).toEqual([5, 5, 2]);
    expect(volumePages[0]?.NextToken).toBeDefined();
    expect(new Set(volumePages.flatMap((p) => p.Volumes?.map((v) => v.VolumeId))).size).toBe(12);
    const groupPages = await pages(paginateDescribeSecurityGroups({ client, pageSize: 5 }, {}));
    expect(groupPages.map((p) => p.SecurityGroups?.length)).toEqual([5, 5, 2]);
    const eniPages = await pages(paginateDescribeNetworkInterfaces({ client, pageSize: 5 }, {}));
    expect(eniPages.map((p) => p.NetworkInterfaces?.length)).toEqual([5, 5, 2]);
    const served = (await client.send(new DescribeVolumesCommand({}))).Volumes?.map((v) => [v.VolumeId, v.Encrypted]);
    const written = expandWorld(SCALE).accounts?.[0]?.regions?.['us-east-1']?.volumes?.map((v) => [v.id, v.encrypted]);
    expect(served).toHaveLength(12);
    expect(served).toEqual(written);
  });

  it('rejects what EC2 rejects: MaxResults out of range, foreign tokens, ids with MaxResults, DryRun', async () => {
    const ec2 = production('us-east-1').ec2;
    const small = await rejection(ec2.send(new DescribeVolumesCommand({ MaxResults: 2 })));
    expect(small.name).toBe('InvalidParameterValue');
    expect(small.$metadata?.httpStatusCode).toBe(400);
    const token = await rejection(ec2.send(new DescribeVolumesCommand({ MaxResults: 5, NextToken: 'bm90LWEtdG9rZW4=' })));
    expect(token.name).toBe('InvalidPaginationToken');
    const combo = await rejection(ec2.send(new DescribeVolumesCommand({ MaxResults: 5, VolumeIds: ['vol-0a1b2c3d4e5f60001'] })));
    expect(combo.name).toBe('InvalidParameterCombination');
    const dry = await rejection(ec2.send(new DescribeVolumesCommand({ DryRun: true })));
    expect(dry.name).toBe('DryRunOperation');
  });
});

import {
  DescribeNetworkInterfacesResult$,
  DescribeSecurityGroupsResult$,
  DescribeVolumesResult$,
  GetEbsEncryptionByDefaultCommand,
  type EC2Client,
  paginateDescribeManagedPrefixLists,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroups,
  paginateDescribeVolumes,
  paginateGetManagedPrefixListEntries,
} from '@aws-sdk/client-ec2';
import { ebsDefaultEncryption, ec2NetworkInterfaces, ec2PrefixLists, ec2SecurityGroups, ec2Volumes, isAwsManagedPrefixList } from '../datasets.js';
import type { NetworkInterfaceRecord, PrefixListRecord, SecurityGroupRecord, VolumeRecord } from '../datasets.js';
import type { LeanList } from '../lean-xml.js';
import { guardPages } from '../../../core/limits.js';
import { chunks, fetcher, pick } from './fetcher.js';

const VOLUME_FIELDS = ['VolumeId', 'Encrypted', 'KmsKeyId', 'State', 'Size', 'VolumeType', 'AvailabilityZone', 'Attachments', 'Tags'] as const;
const GROUP_FIELDS = ['GroupId', 'GroupName', 'VpcId', 'OwnerId', 'IpPermissions', 'Tags'] as const;
const PREFIX_LIST_FIELDS = ['PrefixListId', 'PrefixListName', 'OwnerId', 'AddressFamily'] as const;
const INTERFACE_FIELDS = [
  'NetworkInterfaceId',
  'Groups',
  'Association',
  'PrivateIpAddresses',
  'Ipv6Addresses',
  'Ipv6Prefixes',
  'Attachment',
  'Status',
  'InterfaceType',
] as const;

/** The big lists, read lean (lean-xml.ts): only these fields of each item are built. */
export const EC2_LEAN_LISTS: readonly LeanList[] = [
  { output: DescribeVolumesResult$, list: 'Volumes', fields: VOLUME_FIELDS },
  { output: DescribeSecurityGroupsResult$, list: 'SecurityGroups', fields: GROUP_FIELDS },
  { output: DescribeNetworkInterfacesResult$, list: 'NetworkInterfaces', fields: INTERFACE_FIELDS },
];

type Filters = { Filters?: Array<{ Name: string; Values: string[] }> };

async function readVolumes(client: EC2Client, input: Filters): Promise<VolumeRecord[]> {
  const items: VolumeRecord[] = [];
  for await (const page of guardPages('ec2:DescribeVolumes', paginateDescribeVolumes({ client, pageSize: 500 }, input), (p) => p.NextToken)) {
    for (const volume of page.Volumes ?? []) items.push(pick(volume, VOLUME_FIELDS));
  }
  return items;
}

async function readGroups(client: EC2Client, input: Filters): Promise<SecurityGroupRecord[]> {
  const items: SecurityGroupRecord[] = [];
  for await (const page of guardPages('ec2:DescribeSecurityGroups', paginateDescribeSecurityGroups({ client, pageSize: 1000 }, input), (p) => p.NextToken)) {
    for (const group of page.SecurityGroups ?? []) items.push(pick(group, GROUP_FIELDS));
  }
  return items;
}

async function readInterfaces(client: EC2Client, input: Filters): Promise<NetworkInterfaceRecord[]> {
  const items: NetworkInterfaceRecord[] = [];
  for await (const page of guardPages('ec2:DescribeNetworkInterfaces', paginateDescribeNetworkInterfaces({ client, pageSize: 1000 }, input), (p) => p.NextToken)) {
    for (const eni of page.NetworkInterfaces ?? []) items.push(pick(eni, INTERFACE_FIELDS));
  }
  return items;
}

export const ec2Fetchers = [
  fetcher(
    ec2Volumes,
    async ({ clients, region }) => readVolumes(clients.ec2(region), {}),
    { 'ec2:volume': async ({ clients, region }, ids) => (await Promise.all(chunks(ids).map((part) => readVolumes(clients.ec2(region), { Filters: [{ Name: 'volume-id', Values: part }] })))).flat() },
  ),

  fetcher(ebsDefaultEncryption, async ({ clients, region }) => {
    const response = await clients.ec2(region).send(new GetEbsEncryptionByDefaultCommand({}));
    return [pick(response, ['EbsEncryptionByDefault'])];
  }),

  fetcher(
    ec2SecurityGroups,
    async ({ clients, region }) => readGroups(clients.ec2(region), {}),
    { 'ec2:security-group': async ({ clients, region }, ids) => (await Promise.all(chunks(ids).map((part) => readGroups(clients.ec2(region), { Filters: [{ Name: 'group-id', Values: part }] })))).flat() },
  ),

  fetcher(ec2PrefixLists, async ({ clients, region }) => {
    const client = clients.ec2(region);
    const items: PrefixListRecord[] = [];
    for await (const page of guardPages('ec2:DescribeManagedPrefixLists', paginateDescribeManagedPrefixLists({ client, pageSize: 100 }, {}), (p) => p.NextToken)) {
      for (const list of page.PrefixLists ?? []) {
        const record: PrefixListRecord = pick(list, PREFIX_LIST_FIELDS);
        if (list.PrefixListId !== undefined && !isAwsManagedPrefixList(list)) {
          const entries: NonNullable<PrefixListRecord['Entries']> = [];
          for await (const part of guardPages('ec2:GetManagedPrefixListEntries', paginateGetManagedPrefixListEntries({ client, pageSize: 100 }, { PrefixListId: list.PrefixListId }), (p) => p.NextToken)) {
            for (const entry of part.Entries ?? []) entries.push(pick(entry, ['Cidr', 'Description']));
          }
          record.Entries = entries;
        }
        items.push(record);
      }
    }
    return items;
  }),

  fetcher(
    ec2NetworkInterfaces,
    async ({ clients, region }) => readInterfaces(clients.ec2(region), {}),
    // The interfaces that carry the groups: what the group's severity depends on.
    { 'ec2:security-group': async ({ clients, region }, ids) => (await Promise.all(chunks(ids).map((part) => readInterfaces(clients.ec2(region), { Filters: [{ Name: 'group-id', Values: part }] })))).flat() },
  ),
];

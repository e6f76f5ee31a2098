import {
  GetEbsEncryptionByDefaultCommand,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroups,
  paginateDescribeVolumes,
} from '@aws-sdk/client-ec2';
import { ebsDefaultEncryption, ec2NetworkInterfaces, ec2SecurityGroups, ec2Volumes } from '../datasets.js';
import type { NetworkInterfaceRecord, SecurityGroupRecord, VolumeRecord } from '../datasets.js';
import { guardPages } from '../../../core/limits.js';
import { fetcher, pick } from './fetcher.js';

const VOLUME_FIELDS = ['VolumeId', 'Encrypted', 'KmsKeyId', 'State', 'Size', 'VolumeType', 'AvailabilityZone', 'Attachments', 'Tags'] as const;
const GROUP_FIELDS = ['GroupId', 'GroupName', 'VpcId', 'OwnerId', 'IpPermissions', 'Tags'] as const;
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

export const ec2Fetchers = [
  fetcher(ec2Volumes, async ({ clients, region }) => {
    const items: VolumeRecord[] = [];
    for await (const page of guardPages('ec2:DescribeVolumes', paginateDescribeVolumes({ client: clients.ec2(region), pageSize: 500 }, {}), (p) => p.NextToken)) {
      for (const volume of page.Volumes ?? []) items.push(pick(volume, VOLUME_FIELDS));
    }
    return items;
  }),

  fetcher(ebsDefaultEncryption, async ({ clients, region }) => {
    const response = await clients.ec2(region).send(new GetEbsEncryptionByDefaultCommand({}));
    return [pick(response, ['EbsEncryptionByDefault'])];
  }),

  fetcher(ec2SecurityGroups, async ({ clients, region }) => {
    const items: SecurityGroupRecord[] = [];
    for await (const page of guardPages('ec2:DescribeSecurityGroups', paginateDescribeSecurityGroups({ client: clients.ec2(region), pageSize: 1000 }, {}), (p) => p.NextToken)) {
      for (const group of page.SecurityGroups ?? []) items.push(pick(group, GROUP_FIELDS));
    }
    return items;
  }),

  fetcher(ec2NetworkInterfaces, async ({ clients, region }) => {
    const items: NetworkInterfaceRecord[] = [];
    for await (const page of guardPages('ec2:DescribeNetworkInterfaces', paginateDescribeNetworkInterfaces({ client: clients.ec2(region), pageSize: 1000 }, {}), (p) => p.NextToken)) {
      for (const eni of page.NetworkInterfaces ?? []) items.push(pick(eni, INTERFACE_FIELDS));
    }
    return items;
  }),
];

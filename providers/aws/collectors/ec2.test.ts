import { describe, expect, it } from 'vitest';
import {
  DescribeNetworkInterfacesCommand,
  DescribeRegionsCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVolumesCommand,
  GetEbsEncryptionByDefaultCommand,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { ebsDefaultEncryption, ec2NetworkInterfaces, ec2PrefixLists, ec2SecurityGroups, ec2Volumes } from '../datasets.js';
import { ACCOUNT, awsError, mockIdentity, openSession } from '../../../test/support/aws.js';
import { runScan } from '../../../core/engine.js';
import { awsPlan } from '../provider.js';
import ebsVolumeEncrypted from '../../../checks/aws/ebs-volume-encrypted.js';

describe('EC2 collectors', () => {
  it('reads every page of DescribeVolumes and keeps only the fields checks use', async () => {
    const { ec2 } = mockIdentity();
    ec2.on(DescribeVolumesCommand)
      .resolvesOnce({ Volumes: [{ VolumeId: 'vol-1', Encrypted: true, Iops: 3000 }], NextToken: 'page2' })
      .resolvesOnce({ Volumes: [{ VolumeId: 'vol-2', Encrypted: false }] });
    const session = await openSession();
    const items = await session.collect(ec2Volumes, 'eu-west-1');
    expect(items).toEqual([{ VolumeId: 'vol-1', Encrypted: true }, { VolumeId: 'vol-2', Encrypted: false }]);
    const calls = ec2.commandCalls(DescribeVolumesCommand);
    // The SDK paginator reuses one input object, so only the last call's token can be seen.
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.NextToken).toBe('page2');
    expect(calls[0]?.args[0].input.MaxResults).toBe(500);
  });

  it('reads every page of security groups and network interfaces', async () => {
    const { ec2 } = mockIdentity();
    ec2.on(DescribeSecurityGroupsCommand)
      .resolvesOnce({ SecurityGroups: [{ GroupId: 'sg-1' }], NextToken: 't' })
      .resolvesOnce({ SecurityGroups: [{ GroupId: 'sg-2' }] });
    ec2.on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1' }], NextToken: 't' })
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-2' }] });
    const session = await openSession();
    expect(await session.collect(ec2SecurityGroups, 'eu-west-1')).toEqual([{ GroupId: 'sg-1' }, { GroupId: 'sg-2' }]);
    expect(await session.collect(ec2NetworkInterfaces, 'eu-west-1')).toEqual([{ NetworkInterfaceId: 'eni-1' }, { NetworkInterfaceId: 'eni-2' }]);
  });

  it('reads every page of prefix lists and of each customer-managed list\'s entries, not AWS-managed lists\' entries', async () => {
    const { ec2 } = mockIdentity();
    ec2.on(DescribeManagedPrefixListsCommand)
      .resolvesOnce({
        PrefixLists: [
          { PrefixListId: 'pl-0a1', AddressFamily: 'IPv4', State: 'create-complete', PrefixListArn: `arn:aws:ec2:eu-west-1:${ACCOUNT}:prefix-list/pl-0a1`, PrefixListName: 'vendors', MaxEntries: 10, Version: 2, Tags: [], OwnerId: ACCOUNT },
        ],
        NextToken: 'lists2',
      })
      .resolvesOnce({
        PrefixLists: [{ PrefixListId: 'pl-6da54004', AddressFamily: 'IPv4', State: 'create-complete', PrefixListArn: 'arn:aws:ec2:eu-west-1:aws:prefix-list/pl-6da54004', PrefixListName: 'com.amazonaws.eu-west-1.s3', Tags: [], OwnerId: 'AWS' }],
      });
    ec2.on(GetManagedPrefixListEntriesCommand)
      .resolvesOnce({ Entries: [{ Cidr: '203.0.113.0/24', Description: 'HQ' }], NextToken: 'entries2' })
      .resolvesOnce({ Entries: [{ Cidr: '0.0.0.0/0' }] });
    const session = await openSession();
    expect(await session.collect(ec2PrefixLists, 'eu-west-1')).toEqual([
      { PrefixListId: 'pl-0a1', PrefixListName: 'vendors', OwnerId: ACCOUNT, AddressFamily: 'IPv4', Entries: [{ Cidr: '203.0.113.0/24', Description: 'HQ' }, { Cidr: '0.0.0.0/0' }] },
      { PrefixListId: 'pl-6da54004', PrefixListName: 'com.amazonaws.eu-west-1.s3', OwnerId: 'AWS', AddressFamily: 'IPv4' },
    ]);
    const entryCalls = ec2.commandCalls(GetManagedPrefixListEntriesCommand);
    expect(entryCalls).toHaveLength(2);
    expect(entryCalls.every((c) => c.args[0].input.PrefixListId === 'pl-0a1')).toBe(true);
    expect(entryCalls[1]?.args[0].input.NextToken).toBe('entries2');
    expect(ec2PrefixLists.actions).toEqual(['ec2:DescribeManagedPrefixLists', 'ec2:GetManagedPrefixListEntries']);
  });

  it('reads the region setting for encryption by default', async () => {
    const { ec2 } = mockIdentity();
    ec2.on(GetEbsEncryptionByDefaultCommand).resolves({ EbsEncryptionByDefault: false, SseType: 'sse-ebs' });
    const session = await openSession();
    expect(await session.collect(ebsDefaultEncryption, 'eu-west-1')).toEqual([{ EbsEncryptionByDefault: false }]);
  });

  it('lists only enabled regions, and the not-opted-in ones as disabled', async () => {
    const { ec2 } = mockIdentity();
    ec2.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'af-south-1', OptInStatus: 'not-opted-in' },
        { RegionName: 'me-south-1', OptInStatus: 'opted-in' },
      ],
    });
    const session = await openSession();
    expect(await session.regions(undefined)).toEqual({ enabled: ['me-south-1', 'us-east-1'], disabled: ['af-south-1'] });
    expect(await session.regions(['us-east-1', 'af-south-1'])).toEqual({ enabled: ['us-east-1'], disabled: ['af-south-1'] });
  });

  it('gives ERROR for the region where the call is denied and judges the others', async () => {
    const { ec2 } = mockIdentity(['eu-west-1', 'us-east-1']);
    ec2.on(DescribeVolumesCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region();
      if (region === 'eu-west-1') throw awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403);
      return { Volumes: [{ VolumeId: 'vol-us', Encrypted: true }] };
    });
    const plan = awsPlan([{ account: ACCOUNT }], { homeRegion: 'us-east-1', client: { maxAttempts: 1 } });
    const doc = await runScan({ plans: [plan], controls: [ebsVolumeEncrypted], thresholds: { minLogRetentionDays: 365 } });
    expect(doc.results.map((f) => [f.region, f.status])).toEqual([
      ['eu-west-1', 'ERROR'],
      ['us-east-1', 'PASS'],
    ]);
    expect(doc.coverage).toEqual([
      {
        provider: 'aws',
        account: ACCOUNT,
        region: 'eu-west-1',
        api: 'ec2:DescribeVolumes',
        code: 'UnauthorizedOperation',
        reason: 'You are not authorized to perform this operation.',
        controls: ['aws-ebs-volume-encrypted'],
      },
    ]);
  });

  it('yields nothing (and no error) for an account without volumes', async () => {
    const { ec2 } = mockIdentity(['eu-west-1']);
    ec2.on(DescribeVolumesCommand).resolves({});
    const plan = awsPlan([{ account: ACCOUNT }], { homeRegion: 'us-east-1', client: { maxAttempts: 1 } });
    const doc = await runScan({ plans: [plan], controls: [ebsVolumeEncrypted], thresholds: { minLogRetentionDays: 365 } });
    expect(doc.results).toEqual([]);
    expect(doc.coverage).toEqual([]);
    expect(doc.targets[0]?.regions).toEqual(['eu-west-1']);
  });
});

import { describe, expect, it } from 'vitest';
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudTrailTrails } from '../datasets.js';
import { awsError, mockIdentity, openSession } from '../../../test/support/aws.js';

const ORG_TRAIL = 'arn:aws:cloudtrail:us-east-1:999999999999:trail/org-trail';
const HOME_TRAIL = 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/local';

describe('CloudTrail collector', () => {
  it('lists shadow trails, reads each trail once in its home region and keeps per-trail failures', async () => {
    mockIdentity();
    const trail = mockClient(CloudTrailClient);
    trail.on(DescribeTrailsCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region();
      const org = { Name: 'org-trail', TrailARN: ORG_TRAIL, HomeRegion: 'us-east-1', IsMultiRegionTrail: true, IsOrganizationTrail: true };
      return { trailList: region === 'eu-west-1' ? [org, { Name: 'local', TrailARN: HOME_TRAIL, HomeRegion: 'eu-west-1', IsMultiRegionTrail: false }] : [org] };
    });
    trail.on(GetTrailStatusCommand, { Name: ORG_TRAIL }).rejects(awsError('TrailNotFoundException', 'Unknown trail', 400));
    trail.on(GetTrailStatusCommand, { Name: HOME_TRAIL }).resolves({ IsLogging: true, StartLoggingTime: new Date() });
    trail.on(GetEventSelectorsCommand).resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] });

    const session = await openSession();
    const eu = await session.collect(cloudTrailTrails, 'eu-west-1');
    const us = await session.collect(cloudTrailTrails, 'us-east-1');
    expect(us).toHaveLength(1);
    expect(eu).toEqual([
      {
        trail: { Name: 'org-trail', TrailARN: ORG_TRAIL, HomeRegion: 'us-east-1', IsMultiRegionTrail: true, IsOrganizationTrail: true },
        status: { ok: false, api: 'cloudtrail:GetTrailStatus', code: 'TrailNotFoundException', reason: 'Unknown trail' },
        selectors: expect.objectContaining({ ok: true, region: 'us-east-1', value: { EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] } }),
      },
      {
        trail: { Name: 'local', TrailARN: HOME_TRAIL, HomeRegion: 'eu-west-1', IsMultiRegionTrail: false },
        status: expect.objectContaining({ ok: true, region: 'eu-west-1', value: { IsLogging: true } }),
        selectors: expect.objectContaining({ ok: true }),
      },
    ]);
    // The organisation trail appears in both regions but its status is read once.
    expect(trail.commandCalls(GetTrailStatusCommand, { Name: ORG_TRAIL })).toHaveLength(1);
    expect(trail.commandCalls(DescribeTrailsCommand)[0]?.args[0].input.includeShadowTrails).toBe(true);
  });

  it('gives no trails for a region that has none', async () => {
    mockIdentity();
    mockClient(CloudTrailClient).on(DescribeTrailsCommand).resolves({ trailList: [] });
    const session = await openSession();
    expect(await session.collect(cloudTrailTrails, 'eu-west-1')).toEqual([]);
  });
});

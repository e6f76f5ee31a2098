import { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { cloudTrailTrails } from '../datasets.js';
import type { TrailDetail, TrailRecord, TrailSelectorsRecord, TrailStatusRecord } from '../datasets.js';
import { errorCode, errorMessage } from '../errors.js';
import type { FetchContext } from './fetcher.js';
import { fetcher, pick } from './fetcher.js';

const TRAIL_FIELDS = ['Name', 'TrailARN', 'HomeRegion', 'IsMultiRegionTrail', 'IsOrganizationTrail', 'IncludeGlobalServiceEvents', 'S3BucketName', 'HasCustomEventSelectors', 'HasInsightSelectors'] as const;

/** A failed detail read is kept with the trail, so the check can tell "not logging" from "could not see". */
async function readDetail<T>(api: string, region: string, read: () => Promise<T>): Promise<TrailDetail<T>> {
  try {
    const value = await read();
    return { ok: true, value, api, region, readAt: new Date().toISOString() };
  } catch (error) {
    return { ok: false, api, code: errorCode(error), reason: errorMessage(error) };
  }
}

/** Status and selectors are read once per trail, in its home region, however many regions list it. */
function trailDetails(ctx: FetchContext, trailArn: string, homeRegion: string) {
  return ctx.memo(`cloudtrail:${trailArn}`, async () => {
    const client = ctx.clients.cloudTrail(homeRegion);
    const [status, selectors] = await Promise.all([
      readDetail<TrailStatusRecord>('cloudtrail:GetTrailStatus', homeRegion, async () =>
        pick(await client.send(new GetTrailStatusCommand({ Name: trailArn })), ['IsLogging', 'LatestDeliveryError']),
      ),
      readDetail<TrailSelectorsRecord>('cloudtrail:GetEventSelectors', homeRegion, async () =>
        pick(await client.send(new GetEventSelectorsCommand({ TrailName: trailArn })), ['EventSelectors', 'AdvancedEventSelectors']),
      ),
    ]);
    return { status, selectors };
  });
}

export const cloudTrailFetchers = [
  fetcher(cloudTrailTrails, async (ctx) => {
    const { trailList } = await ctx.clients.cloudTrail(ctx.region).send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    const records: TrailRecord[] = [];
    for (const trail of trailList ?? []) {
      const arn = trail.TrailARN ?? trail.Name ?? '';
      const details = await trailDetails(ctx, arn, trail.HomeRegion ?? ctx.region);
      records.push({ trail: pick(trail, TRAIL_FIELDS), ...details });
    }
    return records;
  }),
];

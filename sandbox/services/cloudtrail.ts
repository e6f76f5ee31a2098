// CloudTrail (JSON 1.1): DescribeTrails (with shadow trails: multi-region trails homed elsewhere and
// the organisation's trails in member accounts), GetTrailStatus and GetEventSelectors by name (own
// trail, home region) or by ARN (any trail visible in the region).

import { boolField, stringField, type CallContext, type JsonHandler, type JsonObject } from '../context.js';
import { AwsError } from '../errors.js';
import type { TrailModel } from '../model.js';

function ownTrails(ctx: CallContext, accountId: string): TrailModel[] {
  const account = ctx.model.accounts.get(accountId);
  if (account === undefined) return [];
  return account.trails;
}

/** The trails DescribeTrails lists in the caller's region. */
function visibleTrails(ctx: CallContext, includeShadow: boolean): TrailModel[] {
  const region = ctx.region;
  const out = ownTrails(ctx, ctx.account.id).filter((t) => t.HomeRegion === region || (includeShadow && t.IsMultiRegionTrail));
  const orgId = ctx.account.organization;
  if (includeShadow && orgId !== undefined) {
    const management = ctx.model.organizations.get(orgId)?.managementAccount;
    if (management !== undefined && management !== ctx.account.id) {
      out.push(...ownTrails(ctx, management).filter((t) => t.IsOrganizationTrail && (t.HomeRegion === region || t.IsMultiRegionTrail)));
    }
  }
  return out;
}

function trailJson(t: TrailModel): JsonObject {
  const out: JsonObject = {
    Name: t.Name,
    S3BucketName: t.S3BucketName,
    IncludeGlobalServiceEvents: t.IncludeGlobalServiceEvents,
    IsMultiRegionTrail: t.IsMultiRegionTrail,
    HomeRegion: t.HomeRegion,
    TrailARN: t.TrailARN,
    LogFileValidationEnabled: t.LogFileValidationEnabled,
    HasCustomEventSelectors: t.HasCustomEventSelectors,
    HasInsightSelectors: t.HasInsightSelectors,
    IsOrganizationTrail: t.IsOrganizationTrail,
  };
  if (t.S3KeyPrefix !== undefined) out['S3KeyPrefix'] = t.S3KeyPrefix;
  if (t.CloudWatchLogsLogGroupArn !== undefined) out['CloudWatchLogsLogGroupArn'] = t.CloudWatchLogsLogGroupArn;
  if (t.CloudWatchLogsRoleArn !== undefined) out['CloudWatchLogsRoleArn'] = t.CloudWatchLogsRoleArn;
  if (t.KmsKeyId !== undefined) out['KmsKeyId'] = t.KmsKeyId;
  return out;
}

const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[a-zA-Z0-9._-]+$/;

export function findTrail(ctx: CallContext, nameOrArn: string | undefined): TrailModel {
  if (nameOrArn === undefined || nameOrArn === '') throw new AwsError('InvalidTrailNameException', 'Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).', 400);
  let trail: TrailModel | undefined;
  if (nameOrArn.startsWith('arn:')) {
    if (!TRAIL_ARN.test(nameOrArn)) throw new AwsError('CloudTrailARNInvalidException', `${nameOrArn} is not a valid trail ARN.`, 400);
    trail = visibleTrails(ctx, true).find((t) => t.TrailARN === nameOrArn);
  } else {
    if (!/^[a-zA-Z0-9._-]{3,128}$/.test(nameOrArn)) throw new AwsError('InvalidTrailNameException', 'Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).', 400);
    // By name, only the caller's own trail in its home region: a shadow copy needs the ARN.
    trail = ownTrails(ctx, ctx.account.id).find((t) => t.Name === nameOrArn && t.HomeRegion === ctx.region);
  }
  if (trail === undefined) throw new AwsError('TrailNotFoundException', `Unknown trail: ${nameOrArn} for the user: ${ctx.account.id}`, 400);
  return trail;
}

const describeTrails: JsonHandler = (ctx, body) => {
  const includeShadow = boolField('cloudtrail', body, 'includeShadowTrails') ?? true;
  const names = body['trailNameList'];
  let trails = visibleTrails(ctx, includeShadow);
  if (Array.isArray(names) && names.length > 0) {
    const wanted = new Set(names.map(String));
    trails = trails.filter((t) => wanted.has(t.Name) || wanted.has(t.TrailARN));
  }
  return { trailList: trails.map(trailJson) };
};

const seconds = (ms: number) => Math.floor(ms / 1000);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const getTrailStatus: JsonHandler = (ctx, body) => {
  const trail = findTrail(ctx, stringField('cloudtrail', body, 'Name'));
  const now = ctx.now.getTime();
  const started = now - 30 * 86_400_000;
  const lastDelivery = trail.logging ? now - 5 * 60_000 : now - 12 * 86_400_000;
  const out: JsonObject = {
    IsLogging: trail.logging,
    LatestDeliveryTime: seconds(lastDelivery),
    StartLoggingTime: seconds(started),
    LatestDeliveryAttemptTime: iso(lastDelivery),
    LatestNotificationAttemptTime: '',
    LatestNotificationAttemptSucceeded: '',
    LatestDeliveryAttemptSucceeded: trail.latestDeliveryError === undefined ? iso(lastDelivery) : '',
    TimeLoggingStarted: iso(started),
    TimeLoggingStopped: '',
  };
  if (!trail.logging) {
    const stopped = now - 12 * 86_400_000;
    out['StopLoggingTime'] = seconds(stopped);
    out['TimeLoggingStopped'] = iso(stopped);
  }
  if (trail.latestDeliveryError !== undefined) out['LatestDeliveryError'] = trail.latestDeliveryError;
  return out;
};

const getEventSelectors: JsonHandler = (ctx, body) => {
  const trail = findTrail(ctx, stringField('cloudtrail', body, 'TrailName'));
  const out: JsonObject = { TrailARN: trail.TrailARN };
  if (trail.AdvancedEventSelectors !== undefined) out['AdvancedEventSelectors'] = trail.AdvancedEventSelectors;
  else out['EventSelectors'] = trail.EventSelectors ?? [];
  return out;
};

export const CLOUDTRAIL_HANDLERS: Record<string, JsonHandler> = {
  DescribeTrails: describeTrails,
  GetTrailStatus: getTrailStatus,
  GetEventSelectors: getEventSelectors,
};

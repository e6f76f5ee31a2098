import type { AdvancedEventSelector, AdvancedFieldSelector, EventSelector } from '@aws-sdk/client-cloudtrail';
import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import type { Evidence } from '../../core/model.js';
import type { TrailRecord } from '../../providers/aws/datasets.js';
import { cloudTrailTrails } from '../../providers/aws/datasets.js';
import { accountSetting } from './support/resources.js';

interface DetailFailure {
  api: string;
  code: string;
  reason: string;
}

type Coverage = { covered: true; notes: string[] } | { covered: false; reason: string };

type Assessment =
  | { kind: 'qualifies'; notes: string[] }
  | { kind: 'fails'; reason: string }
  | { kind: 'unknown'; failures: DetailFailure[] }
  | { kind: 'not-applicable'; reason: string };

function isField(selector: AdvancedFieldSelector, name: string): boolean {
  return (selector.Field ?? '').toLowerCase() === name.toLowerCase();
}

function nonEmpty(values: string[] | undefined): values is string[] {
  return values !== undefined && values.length > 0;
}

/** Whether an event whose field has `value` passes this field selector (its operators are ANDed). */
function fieldMatches(selector: AdvancedFieldSelector, value: string): boolean {
  if (nonEmpty(selector.Equals) && !selector.Equals.includes(value)) return false;
  if (nonEmpty(selector.StartsWith) && !selector.StartsWith.some((p) => value.startsWith(p))) return false;
  if (nonEmpty(selector.EndsWith) && !selector.EndsWith.some((s) => value.endsWith(s))) return false;
  if (nonEmpty(selector.NotEquals) && selector.NotEquals.includes(value)) return false;
  if (nonEmpty(selector.NotStartsWith) && selector.NotStartsWith.some((p) => value.startsWith(p))) return false;
  if (nonEmpty(selector.NotEndsWith) && selector.NotEndsWith.some((s) => value.endsWith(s))) return false;
  return true;
}

function onlyNotEquals(selector: AdvancedFieldSelector): boolean {
  return (
    nonEmpty(selector.NotEquals) &&
    !nonEmpty(selector.Equals) &&
    !nonEmpty(selector.StartsWith) &&
    !nonEmpty(selector.EndsWith) &&
    !nonEmpty(selector.NotStartsWith) &&
    !nonEmpty(selector.NotEndsWith)
  );
}

function exclusionNotes(sources: string[]): string[] {
  const unique = [...new Set(sources)];
  return unique.length > 0 ? [`management events from ${unique.join(', ')} are excluded`] : [];
}

function conclude(read: boolean, write: boolean, exclusions: string[], onlyRead: string, onlyWrite: string, neither: string): Coverage {
  if (read && write) return { covered: true, notes: exclusionNotes(exclusions) };
  if (read) return { covered: false, reason: `logs only read management events (${onlyRead})` };
  if (write) return { covered: false, reason: `logs only write management events (${onlyWrite})` };
  return { covered: false, reason: neither };
}

/** Classic selectors are ORed: read and write may come from one `All` selector or from two. */
function classicCoverage(selectors: EventSelector[]): Coverage {
  let read = false;
  let write = false;
  const exclusions: string[] = [];
  for (const selector of selectors) {
    if (selector.IncludeManagementEvents === false) continue;
    const type = selector.ReadWriteType ?? 'All';
    if (type === 'All' || type === 'ReadOnly') read = true;
    if (type === 'All' || type === 'WriteOnly') write = true;
    exclusions.push(...(selector.ExcludeManagementEventSources ?? []));
  }
  return conclude(read, write, exclusions, 'ReadWriteType ReadOnly', 'ReadWriteType WriteOnly', 'management events are excluded (IncludeManagementEvents false)');
}

/** Advanced selectors are ORed too; within one, field selectors are ANDed. */
function advancedCoverage(selectors: AdvancedEventSelector[]): Coverage {
  let read = false;
  let write = false;
  const exclusions: string[] = [];
  const narrowed: string[] = [];
  let management = 0;
  for (const selector of selectors) {
    const fields = selector.FieldSelectors ?? [];
    const category = fields.filter((f) => isField(f, 'eventCategory'));
    if (category.length === 0 || !category.every((f) => fieldMatches(f, 'Management'))) continue;
    management += 1;
    const readOnly = fields.filter((f) => isField(f, 'readOnly'));
    const sides = ['true', 'false'].filter((value) => readOnly.every((f) => fieldMatches(f, value)));
    const excluded: string[] = [];
    let narrowing: string | undefined;
    for (const field of fields) {
      if (isField(field, 'eventCategory') || isField(field, 'readOnly')) continue;
      // eventSource NotEquals (kms.amazonaws.com, rdsdata.amazonaws.com) drops named sources only.
      if (isField(field, 'eventSource') && onlyNotEquals(field)) {
        excluded.push(...(field.NotEquals ?? []));
        continue;
      }
      narrowing = field.Field ?? '(unnamed field)';
      break;
    }
    if (narrowing !== undefined) {
      narrowed.push(`${selector.Name === undefined ? 'a management selector' : `selector "${selector.Name}"`} is narrowed by ${narrowing}`);
      continue;
    }
    if (sides.includes('true')) read = true;
    if (sides.includes('false')) write = true;
    exclusions.push(...excluded);
  }
  const neither =
    management === 0
      ? 'no advanced event selector selects management events (eventCategory Management)'
      : narrowed.length > 0
        ? `its management event selectors do not select all management events: ${narrowed.join('; ')}`
        : 'its management event selectors match neither read nor write events';
  return conclude(read, write, exclusions, 'readOnly true', 'readOnly false', neither);
}

function selectorCoverage(record: TrailRecord): Coverage | { unknown: DetailFailure } {
  const { selectors, trail } = record;
  if (!selectors.ok) {
    // Without custom selectors a trail logs all management events, read and write.
    if (trail.HasCustomEventSelectors === false) return { covered: true, notes: [] };
    return { unknown: { api: selectors.api, code: selectors.code, reason: selectors.reason } };
  }
  const advanced = selectors.value.AdvancedEventSelectors ?? [];
  if (advanced.length > 0) return advancedCoverage(advanced);
  const classic = selectors.value.EventSelectors ?? [];
  if (classic.length > 0) return classicCoverage(classic);
  if (trail.HasCustomEventSelectors === false) return { covered: true, notes: [] };
  return { covered: false, reason: 'GetEventSelectors returned no event selectors, so management event logging cannot be shown' };
}

/**
 * IAM, STS and CloudFront management events are delivered to one region of each partition (us-east-1 in
 * the commercial one), and only trails with IncludeGlobalServiceEvents record them there.
 */
const GLOBAL_SERVICE_EVENT_REGIONS: ReadonlySet<string> = new Set(['us-east-1', 'us-gov-west-1', 'cn-north-1']);

function recordsGlobalServiceEvents(record: TrailRecord): boolean {
  // A multi-region trail always includes them (CloudTrail refuses to turn them off on one).
  return record.trail.IsMultiRegionTrail === true || record.trail.IncludeGlobalServiceEvents === true;
}

function globalEventsGap(record: TrailRecord, region: string): string {
  const flag = record.trail.IncludeGlobalServiceEvents === undefined ? 'IncludeGlobalServiceEvents absent from DescribeTrails' : 'IncludeGlobalServiceEvents false';
  return `records ${region}'s own management events but not global service events (${flag}), so IAM, STS and CloudFront changes, which are delivered to ${region}, leave no record`;
}

function deliveryError(record: TrailRecord): string | undefined {
  const { status } = record;
  if (!status.ok) return undefined;
  const error = status.value.LatestDeliveryError;
  return error === undefined || error.trim() === '' ? undefined : error;
}

function deliveryFailure(record: TrailRecord, error: string): string {
  const bucket = record.trail.S3BucketName === undefined || record.trail.S3BucketName === '' ? 'its S3 bucket' : `S3 bucket ${record.trail.S3BucketName}`;
  return `logging, but its latest delivery to ${bucket} failed (LatestDeliveryError ${error}), so its log files are not being stored`;
}

function assess(record: TrailRecord, region: string): Assessment {
  const { trail, status } = record;
  if (trail.IsMultiRegionTrail !== true && trail.HomeRegion !== region) {
    return { kind: 'not-applicable', reason: `single-region trail homed in ${trail.HomeRegion ?? 'an unknown region'}, so it does not cover ${region}` };
  }
  const failures: DetailFailure[] = [];
  if (status.ok) {
    if (status.value.IsLogging === false) return { kind: 'fails', reason: 'not logging (IsLogging false)' };
    if (status.value.IsLogging !== true) return { kind: 'fails', reason: 'IsLogging absent from GetTrailStatus, so logging cannot be shown' };
    const error = deliveryError(record);
    if (error !== undefined) return { kind: 'fails', reason: deliveryFailure(record, error) };
  } else {
    failures.push({ api: status.api, code: status.code, reason: status.reason });
  }
  const coverage = selectorCoverage(record);
  if ('unknown' in coverage) failures.push(coverage.unknown);
  else if (!coverage.covered) return { kind: 'fails', reason: coverage.reason };
  if (GLOBAL_SERVICE_EVENT_REGIONS.has(region) && !recordsGlobalServiceEvents(record)) return { kind: 'fails', reason: globalEventsGap(record, region) };
  if (failures.length > 0) return { kind: 'unknown', failures };
  return { kind: 'qualifies', notes: 'covered' in coverage && coverage.covered ? coverage.notes : [] };
}

function trailName(record: TrailRecord): string {
  return record.trail.Name ?? record.trail.TrailARN ?? '(unnamed trail)';
}

function trailKind(record: TrailRecord): string {
  const { trail } = record;
  const kind = trail.IsMultiRegionTrail === true ? `multi-region, home ${trail.HomeRegion ?? 'unknown'}` : `single-region, ${trail.HomeRegion ?? 'home unknown'}`;
  return trail.IsOrganizationTrail === true ? `${kind}, organization trail` : kind;
}

/** What was read about one trail, one entry per API, failed reads first (they name the gap). */
function trailEvidence(record: TrailRecord, trails: Parameters<typeof evidenceFrom>[0]): { failed: Evidence[]; read: Evidence[] } {
  const { trail, status, selectors } = record;
  const failed: Evidence[] = [];
  const read: Evidence[] = [
    evidenceFrom(trails, {
      TrailARN: trail.TrailARN,
      Name: trail.Name,
      HomeRegion: trail.HomeRegion,
      IsMultiRegionTrail: trail.IsMultiRegionTrail,
      IsOrganizationTrail: trail.IsOrganizationTrail,
      IncludeGlobalServiceEvents: trail.IncludeGlobalServiceEvents,
      S3BucketName: trail.S3BucketName,
      HasCustomEventSelectors: trail.HasCustomEventSelectors,
    }),
  ];
  const failure = (api: string, code: string, reason: string): Evidence => ({
    api,
    region: trail.HomeRegion ?? trails.region,
    readAt: trails.readAt,
    fields: { TrailARN: trail.TrailARN, ErrorCode: code, ErrorMessage: reason },
  });
  if (status.ok) {
    read.push({ api: status.api, region: status.region, readAt: status.readAt, fields: { TrailARN: trail.TrailARN, IsLogging: status.value.IsLogging, LatestDeliveryError: status.value.LatestDeliveryError } });
  } else {
    failed.push(failure(status.api, status.code, status.reason));
  }
  if (selectors.ok) {
    const classic = selectors.value.EventSelectors;
    const advanced = selectors.value.AdvancedEventSelectors;
    read.push({
      api: selectors.api,
      region: selectors.region,
      readAt: selectors.readAt,
      fields: {
        TrailARN: trail.TrailARN,
        // Data resources can list hundreds of ARNs and do not bear on management events.
        EventSelectors: classic?.map((s) => ({ ReadWriteType: s.ReadWriteType, IncludeManagementEvents: s.IncludeManagementEvents, ExcludeManagementEventSources: s.ExcludeManagementEventSources })),
        AdvancedEventSelectors: advanced?.filter((s) => (s.FieldSelectors ?? []).some((f) => isField(f, 'eventCategory') && fieldMatches(f, 'Management'))),
      },
    });
  } else {
    failed.push(failure(selectors.api, selectors.code, selectors.reason));
  }
  return { failed, read };
}

export default defineControl({
  id: 'aws-cloudtrail-all-regions',
  provider: 'aws',
  area: 'audit',
  title: 'CloudTrail logs management events in every region, global ones in us-east-1',
  severity: 'high',
  hipaa: ['164.312(b)', '164.308(a)(1)(ii)(D)'],
  scope: 'region',
  changeEvents: {
    // Re-reads the event's region; the other regions a multi-region trail covers follow at the next scan.
    cloudTrail: { events: [{ source: 'cloudtrail.amazonaws.com', names: ['CreateTrail', 'DeleteTrail', 'UpdateTrail', 'StartLogging', 'StopLogging', 'PutEventSelectors'] }] },
  },
  description:
    'In every enabled region, at least one CloudTrail trail that applies to the region (a multi-region trail, an organization trail, or a trail homed there) must be logging and must record management events, both read and write. A trail whose latest delivery failed (GetTrailStatus LatestDeliveryError, e.g. NoSuchBucket, AccessDenied or a KMS error) stores nothing durable, so it does not count, even while logging. Global service events (IAM, STS and CloudFront, delivered to us-east-1) are judged as part of us-east-1\'s finding, not as a finding of their own: there a trail counts only if it also records them (IncludeGlobalServiceEvents true, which every multi-region trail has), so an account whose only trail is single-region in us-east-1 without them fails us-east-1. Without all this, API activity (who changed a security group or an IAM policy, read a secret, deleted a key) leaves no audit record.',
  remediation: {
    text: 'Create one multi-region trail (or an organization trail) with management events set to Read and Write, deliver it to an S3 bucket you protect, and keep it logging (`aws cloudtrail create-trail --is-multi-region-trail ...`, `aws cloudtrail start-logging`). Check its event selectors do not exclude read or write management events, that a single-region trail in us-east-1 includes global service events (`--include-global-service-events`), and that `aws cloudtrail get-trail-status` shows no LatestDeliveryError (fix the bucket, its policy or the KMS key policy).',
    url: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html',
  },
  reads: { trails: cloudTrailTrails },
  evaluate({ trails }, _context, ctx): Judgement[] {
    const resource = accountSetting('cloudtrail', ctx.account, ctx.region, 'region-coverage', 'AWS::CloudTrail::RegionCoverage');
    const seen = new Set<string>();
    const records = trails.items.filter((record) => {
      const key = record.trail.TrailARN ?? record.trail.Name ?? '';
      if (key !== '' && seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (records.length === 0) {
      return [
        {
          resource,
          status: 'FAIL',
          message: `No CloudTrail trail applies to ${ctx.region}: DescribeTrails (shadow trails included) returned no trail, so API activity in the region is not recorded.`,
          evidence: [evidenceFrom(trails, { trailList: [] })],
        },
      ];
    }

    const assessed = records.map((record) => ({ record, assessment: assess(record, ctx.region) }));
    const failedEvidence: Evidence[] = [];
    const readEvidence: Evidence[] = [];
    for (const { record } of assessed) {
      const { failed, read } = trailEvidence(record, trails);
      failedEvidence.push(...failed);
      readEvidence.push(...read);
    }

    const qualifying = assessed.flatMap(({ record, assessment }) => (assessment.kind === 'qualifies' ? [{ record, notes: assessment.notes }] : []));
    if (qualifying.length > 0) {
      const best = qualifying.find((q) => q.notes.length === 0) ?? qualifying[0];
      if (best !== undefined) {
        const notes = [...best.notes];
        for (const { record } of assessed) {
          const error = deliveryError(record);
          if (error !== undefined && assess(record, ctx.region).kind !== 'not-applicable') notes.push(`trail ${trailName(record)} is failing to deliver (LatestDeliveryError ${error})`);
        }
        const others = qualifying.length > 1 ? ` (${qualifying.length - 1} other trail(s) also qualify)` : '';
        const noteText = notes.length > 0 ? ` Note: ${notes.join('; ')}.` : '';
        const global = GLOBAL_SERVICE_EVENT_REGIONS.has(ctx.region) ? ', including the global service events (IAM, STS, CloudFront) delivered there,' : '';
        return [
          {
            resource,
            status: 'PASS',
            message: `CloudTrail trail ${trailName(best.record)} (${trailKind(best.record)}) is logging read and write management events${global} for ${ctx.region}${others}.${noteText}`,
            evidence: [...readEvidence, ...failedEvidence],
          },
        ];
      }
    }

    const explain = (record: TrailRecord, assessment: Assessment): string => {
      const label = `${trailName(record)} (${trailKind(record)})`;
      switch (assessment.kind) {
        case 'unknown':
          return `${label}: could not be read: ${assessment.failures.map((f) => `${f.api} failed (${f.code}: ${f.reason})`).join(', ')}`;
        case 'fails':
        case 'not-applicable':
          return `${label}: ${assessment.reason}`;
        default:
          return `${label}: qualifies`;
      }
    };
    const unknown = assessed.filter(({ assessment }) => assessment.kind === 'unknown');
    if (unknown.length > 0) {
      const rest = assessed.filter(({ assessment }) => assessment.kind !== 'unknown');
      const restText = rest.length > 0 ? ` Other trails: ${rest.map(({ record, assessment }) => explain(record, assessment)).join('; ')}.` : '';
      return [
        {
          resource,
          status: 'ERROR',
          message: `Could not assess CloudTrail coverage of ${ctx.region}: no trail was shown to log read and write management events, and ${unknown.map(({ record, assessment }) => explain(record, assessment)).join('; ')}.${restText}`,
          evidence: [...failedEvidence, ...readEvidence],
        },
      ];
    }
    return [
      {
        resource,
        status: 'FAIL',
        message: `No CloudTrail trail logs read and write management events in ${ctx.region}: ${assessed.map(({ record, assessment }) => explain(record, assessment)).join('; ')}.`,
        evidence: [...readEvidence, ...failedEvidence],
      },
    ];
  },
});

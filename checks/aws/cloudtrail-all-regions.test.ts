import type { AdvancedEventSelector, EventSelector } from '@aws-sdk/client-cloudtrail';
import { describe, expect, it } from 'vitest';
import control from './cloudtrail-all-regions.js';
import { ACCOUNT, READ_AT, collected, judge } from '../../test/support/checks.js';
import type { TrailDetail, TrailRecord, TrailSelectorsRecord, TrailStatusRecord } from '../../providers/aws/datasets.js';
import { affectedBy } from '../../core/change-events.js';
import { trailDetail } from '../../test/support/change-events.js';

const REGION = 'eu-west-1';
const STATUS_API = 'cloudtrail:GetTrailStatus';
const SELECTORS_API = 'cloudtrail:GetEventSelectors';

function ok<T>(api: string, value: T, region = 'us-east-1'): TrailDetail<T> {
  return { ok: true, value, api, region, readAt: READ_AT };
}
function failed<T>(api: string, code = 'TrailNotFoundException', reason = 'Unknown trail for the user'): TrailDetail<T> {
  return { ok: false, api, code, reason };
}

interface TrailOptions {
  multi?: boolean;
  home?: string;
  org?: boolean;
  custom?: boolean;
  /** IncludeGlobalServiceEvents; DescribeTrails always returns it (true unless turned off). */
  global?: boolean;
  status?: TrailDetail<TrailStatusRecord>;
  selectors?: TrailDetail<TrailSelectorsRecord>;
}

const ALL_MANAGEMENT: EventSelector = { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] };

function trail(name: string, options: TrailOptions = {}): TrailRecord {
  const home = options.home ?? 'us-east-1';
  return {
    trail: {
      Name: name,
      TrailARN: `arn:aws:cloudtrail:${home}:${ACCOUNT}:trail/${name}`,
      HomeRegion: home,
      IsMultiRegionTrail: options.multi ?? true,
      IsOrganizationTrail: options.org ?? false,
      IncludeGlobalServiceEvents: options.global ?? true,
      S3BucketName: 'trail-bucket',
      HasCustomEventSelectors: options.custom ?? false,
      HasInsightSelectors: false,
    },
    status: options.status ?? ok(STATUS_API, { IsLogging: true }, home),
    selectors: options.selectors ?? ok(SELECTORS_API, { EventSelectors: [ALL_MANAGEMENT] }, home),
  };
}

const classic = (...selectors: EventSelector[]) => ok<TrailSelectorsRecord>(SELECTORS_API, { EventSelectors: selectors });
const advanced = (...selectors: AdvancedEventSelector[]) => ok<TrailSelectorsRecord>(SELECTORS_API, { AdvancedEventSelectors: selectors });
const management = (...extra: AdvancedEventSelector['FieldSelectors'] & object): AdvancedEventSelector => ({
  Name: 'Management events',
  FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, ...extra],
});

function only(records: TrailRecord[], region = REGION) {
  const results = judge(control, { trails: collected('cloudtrail:DescribeTrails', records, region) }, { region });
  expect(results).toHaveLength(1);
  const [result] = results;
  if (result === undefined) throw new Error('no result');
  return result;
}

describe('aws-cloudtrail-all-regions', () => {
  it('has the metadata the product table gives it', () => {
    expect(control).toMatchObject({ id: 'aws-cloudtrail-all-regions', area: 'audit', severity: 'high', scope: 'region', hipaa: ['164.312(b)', '164.308(a)(1)(ii)(D)'] });
  });

  it('passes a region covered by a logging multi-region trail homed elsewhere', () => {
    const result = only([trail('main')]);
    expect(result.status).toBe('PASS');
    expect(result.message).toContain('main');
    expect(result.message).toContain('multi-region, home us-east-1');
    expect(result.message).toContain(REGION);
    expect(result.resource).toMatchObject({ uid: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:region-coverage`, type: 'AWS::CloudTrail::RegionCoverage' });
  });

  it('passes a single-region trail homed in this region', () => {
    expect(only([trail('local', { multi: false, home: REGION })]).status).toBe('PASS');
  });

  it('fails with "no trail" when DescribeTrails lists none', () => {
    const result = only([]);
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('No CloudTrail trail applies');
    expect(result.message).toContain('returned no trail');
  });

  it('fails when the only trail is single-region and homed elsewhere, saying so', () => {
    const result = only([trail('elsewhere', { multi: false, home: 'us-east-1' })]);
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('single-region trail homed in us-east-1');
  });

  it('fails when the trail is not logging', () => {
    const result = only([trail('stopped', { status: ok(STATUS_API, { IsLogging: false }) })]);
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('stopped');
    expect(result.message).toContain('not logging (IsLogging false)');
  });

  it('fails when IsLogging is absent from the status', () => {
    expect(only([trail('quiet', { status: ok(STATUS_API, {}) })]).message).toContain('IsLogging absent');
  });

  describe('classic event selectors', () => {
    it('fails write-only and read-only trails', () => {
      const write = only([trail('w', { custom: true, selectors: classic({ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }) })]);
      expect(write.status).toBe('FAIL');
      expect(write.message).toContain('only write management events (ReadWriteType WriteOnly)');
      const read = only([trail('r', { custom: true, selectors: classic({ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }) })]);
      expect(read.message).toContain('only read management events');
    });

    it('fails when management events are excluded', () => {
      const result = only([trail('data-only', { custom: true, selectors: classic({ ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }) })]);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('management events are excluded (IncludeManagementEvents false)');
    });

    it('reads absent ReadWriteType and IncludeManagementEvents as their defaults (All, true)', () => {
      expect(only([trail('defaults', { custom: true, selectors: classic({}) })]).status).toBe('PASS');
    });

    it('passes a read-only selector plus a write-only selector (selectors are ORed)', () => {
      const result = only([trail('split', { custom: true, selectors: classic({ ReadWriteType: 'ReadOnly' }, { ReadWriteType: 'WriteOnly' }) })]);
      expect(result.status).toBe('PASS');
    });

    it('passes but notes excluded management event sources', () => {
      const result = only([trail('nokms', { custom: true, selectors: classic({ ReadWriteType: 'All', ExcludeManagementEventSources: ['kms.amazonaws.com'] }) })]);
      expect(result.status).toBe('PASS');
      expect(result.message).toContain('kms.amazonaws.com');
    });
  });

  describe('advanced event selectors', () => {
    it('passes a management selector without readOnly', () => {
      expect(only([trail('adv', { custom: true, selectors: advanced(management()) })]).status).toBe('PASS');
    });

    it('fails a management selector restricted to readOnly true or false', () => {
      const read = only([trail('adv-read', { custom: true, selectors: advanced(management({ Field: 'readOnly', Equals: ['true'] })) })]);
      expect(read.status).toBe('FAIL');
      expect(read.message).toContain('only read management events (readOnly true)');
      const write = only([trail('adv-write', { custom: true, selectors: advanced(management({ Field: 'readOnly', Equals: ['false'] })) })]);
      expect(write.message).toContain('only write management events (readOnly false)');
    });

    it('reads readOnly NotEquals as the other side', () => {
      const result = only([trail('adv-not', { custom: true, selectors: advanced(management({ Field: 'readOnly', NotEquals: ['true'] })) })]);
      expect(result.message).toContain('only write management events');
    });

    it('passes two selectors that together cover readOnly true and false', () => {
      const result = only([
        trail('adv-both', { custom: true, selectors: advanced(management({ Field: 'readOnly', Equals: ['true'] }), management({ Field: 'readOnly', Equals: ['false'] })) }),
      ]);
      expect(result.status).toBe('PASS');
    });

    it('fails a trail whose advanced selectors only select data events', () => {
      const data: AdvancedEventSelector = { Name: 'S3', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] };
      const result = only([trail('data', { custom: true, selectors: advanced(data) })]);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('no advanced event selector selects management events');
    });

    it('passes, with a note, when eventSource NotEquals excludes KMS events', () => {
      const result = only([trail('adv-nokms', { custom: true, selectors: advanced(management({ Field: 'eventSource', NotEquals: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] })) })]);
      expect(result.status).toBe('PASS');
      expect(result.message).toContain('kms.amazonaws.com, rdsdata.amazonaws.com are excluded');
    });

    it('does not count a management selector narrowed to named event sources', () => {
      const result = only([trail('adv-iam', { custom: true, selectors: advanced(management({ Field: 'eventSource', Equals: ['iam.amazonaws.com'] })) })]);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('narrowed by eventSource');
    });
  });

  describe('default selectors and empty responses', () => {
    it('passes when selectors could not be read but HasCustomEventSelectors is false (default: all management events)', () => {
      expect(only([trail('default', { custom: false, selectors: failed(SELECTORS_API) })]).status).toBe('PASS');
    });

    it('passes when GetEventSelectors returned nothing and the trail has no custom selectors', () => {
      expect(only([trail('empty', { custom: false, selectors: ok(SELECTORS_API, {}) })]).status).toBe('PASS');
    });

    it('fails when GetEventSelectors returned nothing although the trail has custom selectors', () => {
      const result = only([trail('odd', { custom: true, selectors: ok(SELECTORS_API, {}) })]);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('returned no event selectors');
    });
  });

  describe('details that could not be read', () => {
    it('reports ERROR naming the trail and the failed API when no trail qualifies and one could not be read', () => {
      const result = only([trail('org', { org: true, status: failed(STATUS_API, 'TrailNotFoundException', 'Unknown trail') })]);
      expect(result.status).toBe('ERROR');
      expect(result.message).toContain('org');
      expect(result.message).toContain('organization trail');
      expect(result.message).toContain('cloudtrail:GetTrailStatus failed (TrailNotFoundException: Unknown trail)');
      // The engine files the coverage gap under the first evidence entry's API.
      expect(result.evidence[0]).toMatchObject({ api: STATUS_API, fields: { TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org`, ErrorCode: 'TrailNotFoundException' } });
    });

    it('reports ERROR when custom selectors could not be read, and explains the other trails', () => {
      const result = only([trail('custom', { custom: true, selectors: failed(SELECTORS_API, 'AccessDeniedException', 'denied') }), trail('stopped', { status: ok(STATUS_API, { IsLogging: false }) })]);
      expect(result.status).toBe('ERROR');
      expect(result.message).toContain('cloudtrail:GetEventSelectors failed (AccessDeniedException: denied)');
      expect(result.message).toContain('stopped');
      expect(result.message).toContain('not logging');
    });

    it('fails, not ERROR, when what could be read already disqualifies the trail', () => {
      const result = only([trail('known-off', { custom: true, status: ok(STATUS_API, { IsLogging: false }), selectors: failed(SELECTORS_API) })]);
      expect(result.status).toBe('FAIL');
      const wo = only([trail('known-wo', { custom: true, status: failed(STATUS_API), selectors: classic({ ReadWriteType: 'WriteOnly' }) })]);
      expect(wo.status).toBe('FAIL');
    });

    it('does not let an unreadable trail hold up a region another trail covers', () => {
      const result = only([trail('org', { status: failed(STATUS_API) }), trail('main')]);
      expect(result.status).toBe('PASS');
      expect(result.message).toContain('main');
    });

    it('ignores unreadable trails that do not apply to the region', () => {
      const result = only([trail('other', { multi: false, home: 'us-east-1', status: failed(STATUS_API) })]);
      expect(result.status).toBe('FAIL');
    });
  });

  it('explains every trail when none qualifies', () => {
    const result = only([
      trail('stopped', { status: ok(STATUS_API, { IsLogging: false }) }),
      trail('wo', { custom: true, selectors: classic({ ReadWriteType: 'WriteOnly' }) }),
      trail('local-us', { multi: false, home: 'us-east-1' }),
    ]);
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('stopped (multi-region, home us-east-1): not logging');
    expect(result.message).toContain('wo (multi-region, home us-east-1): logs only write management events');
    expect(result.message).toContain('local-us (single-region, us-east-1): single-region trail homed in us-east-1');
  });

  it('prefers a trail without exclusions when several qualify, and counts the others', () => {
    const result = only([trail('nokms', { custom: true, selectors: classic({ ExcludeManagementEventSources: ['kms.amazonaws.com'] }) }), trail('full')]);
    expect(result.message).toContain('full');
    expect(result.message).toContain('1 other trail(s) also qualify');
    expect(result.message).not.toContain('kms.amazonaws.com');
  });

  describe('delivery failing (GetTrailStatus LatestDeliveryError)', () => {
    // GetTrailStatus of a logging trail whose bucket was deleted: LatestDeliveryError carries the S3 error code.
    const noBucket = ok<TrailStatusRecord>(STATUS_API, { IsLogging: true, LatestDeliveryError: 'NoSuchBucket' });

    it('fails a region only a trail failing to deliver covers, with the error in the message and the evidence', () => {
      const result = only([trail('main', { status: noBucket })]);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('main (multi-region, home us-east-1): logging, but its latest delivery to S3 bucket trail-bucket failed (LatestDeliveryError NoSuchBucket)');
      expect(result.evidence).toContainEqual(expect.objectContaining({ api: STATUS_API, fields: expect.objectContaining({ LatestDeliveryError: 'NoSuchBucket' }) }));
    });

    it('fails KMS and access errors alike, and reads an empty LatestDeliveryError as none', () => {
      const kms = only([trail('kms', { status: ok(STATUS_API, { IsLogging: true, LatestDeliveryError: 'KMS.AccessDeniedException' }) })]);
      expect(kms.status).toBe('FAIL');
      expect(kms.message).toContain('KMS.AccessDeniedException');
      expect(only([trail('fine', { status: ok(STATUS_API, { IsLogging: true, LatestDeliveryError: '' }) })]).status).toBe('PASS');
    });

    it('passes a region another trail covers, noting the failing one', () => {
      const result = only([trail('broken', { status: noBucket }), trail('main')]);
      expect(result.status).toBe('PASS');
      expect(result.message).toContain('CloudTrail trail main');
      expect(result.message).toContain('trail broken is failing to deliver (LatestDeliveryError NoSuchBucket)');
    });

    it('is a known failure even when the selectors could not be read', () => {
      expect(only([trail('broken', { custom: true, status: noBucket, selectors: failed(SELECTORS_API) })]).status).toBe('FAIL');
    });
  });

  describe('global service events in us-east-1', () => {
    it('fails us-east-1 when its only trail is single-region there without global service events', () => {
      const result = only([trail('local', { multi: false, home: 'us-east-1', global: false })], 'us-east-1');
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain("local (single-region, us-east-1): records us-east-1's own management events but not global service events (IncludeGlobalServiceEvents false)");
      expect(result.message).toContain('IAM, STS and CloudFront');
      expect(result.evidence[0]?.fields).toMatchObject({ IncludeGlobalServiceEvents: false });
    });

    it('passes us-east-1 for a single-region trail with them, or any multi-region trail, saying so', () => {
      const local = only([trail('local', { multi: false, home: 'us-east-1', global: true })], 'us-east-1');
      expect(local.status).toBe('PASS');
      expect(local.message).toContain('including the global service events (IAM, STS, CloudFront) delivered there');
      expect(only([trail('main')], 'us-east-1').status).toBe('PASS');
    });

    it('does not ask other regions for them', () => {
      const result = only([trail('local', { multi: false, home: REGION, global: false })]);
      expect(result.status).toBe('PASS');
      expect(result.message).not.toContain('global service events');
    });

    it('reads an absent flag on a single-region trail as not shown', () => {
      const record = trail('odd', { multi: false, home: 'us-east-1' });
      delete record.trail.IncludeGlobalServiceEvents;
      expect(only([record], 'us-east-1').message).toContain('IncludeGlobalServiceEvents absent from DescribeTrails');
    });

    it('describes the judgement of global service events in the control (docs/controls.md)', () => {
      expect(control.description).toContain("judged as part of us-east-1's finding");
    });
  });

  it('gives evidence per trail and per API, with the API field names', () => {
    const result = only([trail('main')]);
    expect(result.evidence).toEqual([
      {
        api: 'cloudtrail:DescribeTrails',
        region: REGION,
        readAt: READ_AT,
        fields: {
          TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`,
          Name: 'main',
          HomeRegion: 'us-east-1',
          IsMultiRegionTrail: true,
          IsOrganizationTrail: false,
          IncludeGlobalServiceEvents: true,
          S3BucketName: 'trail-bucket',
          HasCustomEventSelectors: false,
        },
      },
      { api: STATUS_API, region: 'us-east-1', readAt: READ_AT, fields: { TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`, IsLogging: true, LatestDeliveryError: undefined } },
      {
        api: SELECTORS_API,
        region: 'us-east-1',
        readAt: READ_AT,
        fields: {
          TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`,
          EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, ExcludeManagementEventSources: undefined }],
          AdvancedEventSelectors: undefined,
        },
      },
    ]);
  });

  it('considers a trail listed twice once', () => {
    const result = only([trail('stopped', { status: ok(STATUS_API, { IsLogging: false }) }), trail('stopped', { status: ok(STATUS_API, { IsLogging: false }) })]);
    expect(result.message.match(/stopped \(/g)).toHaveLength(1);
  });
});

describe('aws-cloudtrail-all-regions change events', () => {
  it('re-reads the region when a trail stops, goes, or changes its selectors', () => {
    for (const name of ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors']) expect(affectedBy(control, trailDetail('cloudtrail.amazonaws.com', name, { name: 'main' }))).toEqual({});
    expect(affectedBy(control, trailDetail('cloudtrail.amazonaws.com', 'LookupEvents'))).toBeUndefined();
  });
});

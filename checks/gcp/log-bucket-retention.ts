import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import { lastSegment } from '../../providers/gcp/assets.js';
import { gcpLogBuckets } from '../../providers/gcp/datasets.js';
import { gcpResource, locationOf } from './support/resources.js';

/** What Cloud Logging applies when a bucket's retentionDays is 0 or unset. */
const DEFAULT_RETENTION_DAYS = 30;
/** The _Required bucket keeps Admin Activity, System Event and Access Transparency logs for 400 days; it cannot be changed. */
const REQUIRED_BUCKET = '_Required';

export default defineControl({
  id: 'gcp-log-bucket-retention',
  provider: 'gcp',
  area: 'retention',
  title: 'Cloud Logging buckets keep logs at least as long as the policy',
  severity: 'medium',
  hipaa: ['164.312(b)', '164.316(b)(2)(i)'],
  scope: 'account',
  // Designed, not wired yet (README: Change-driven scans).
  changeEvents: { assetFeed: { assetTypes: ['logging.googleapis.com/LogBucket'], contentType: 'RESOURCE' } },
  description:
    'Every Cloud Logging log bucket must keep logs for at least the configured minimum (minLogRetentionDays: 365 by default, 2190 days in the hipaa-6y profile). The _Default bucket keeps logs for 30 days unless changed, and a retentionDays of 0 or unset means that default. The _Required bucket keeps its logs for a fixed 400 days: below the threshold it is reported NOT_ASSESSABLE, since only a copy routed elsewhere by a sink (not read here) can keep those logs longer.',
  remediation: {
    text: 'Raise the bucket retention: `gcloud logging buckets update <bucket> --location=<location> --retention-days=<days>` (up to 3650). For logs that must outlive a bucket\'s limit, or the fixed 400 days of _Required, add a Log Router sink to a bucket or Cloud Storage bucket with a matching retention policy.',
    url: 'https://cloud.google.com/logging/docs/buckets#custom-retention',
  },
  reads: { buckets: gcpLogBuckets },
  evaluate({ buckets }, _context, ctx): Judgement[] {
    const min = ctx.thresholds.minLogRetentionDays;
    return buckets.items.map((bucket): Judgement => {
      const data = bucket.data;
      const bucketId = lastSegment(data.name) ?? lastSegment(bucket.asset.name) ?? '(unnamed bucket)';
      const resource = gcpResource(bucket.asset, bucketId);
      const region = locationOf(bucket.asset);
      const evidence = [evidenceFrom(buckets, { name: data.name, retentionDays: data.retentionDays, locked: data.locked, lifecycleState: data.lifecycleState })];
      const defaulted = data.retentionDays === undefined || data.retentionDays === 0;
      const days = defaulted ? DEFAULT_RETENTION_DAYS : (data.retentionDays ?? DEFAULT_RETENTION_DAYS);
      const label = `Log bucket ${bucketId} (${region})`;
      const kept = defaulted ? `${days} days (retentionDays ${data.retentionDays === undefined ? 'unset' : '0'}: the Cloud Logging default)` : `${days} days`;
      const state = data.lifecycleState !== undefined && data.lifecycleState !== 'ACTIVE' ? ` Its lifecycle state is ${data.lifecycleState}.` : '';

      if (days >= min) {
        return { resource, region, status: 'PASS', message: `${label} keeps logs for ${kept}, at least the ${min} days the policy requires.${state}`, evidence };
      }
      if (bucketId === REQUIRED_BUCKET) {
        return {
          resource,
          region,
          status: 'NOT_ASSESSABLE',
          message: `${label} keeps Admin Activity and System Event audit logs for a fixed ${kept}, fewer than the ${min}-day policy, and Google does not let it be changed. Whether these logs are kept longer depends on a Log Router sink that copies them to a bucket or Cloud Storage with a longer retention; Ward does not read sinks: check the project's Log Router.`,
          evidence,
        };
      }
      const lockedNote = data.locked === true ? ' The bucket is locked, so its retention cannot be shortened and it cannot be deleted; if raising it is refused, route its logs to a new bucket with the required retention.' : '';
      return {
        resource,
        region,
        status: 'FAIL',
        message: `${label} keeps logs for ${kept}, fewer than the ${min} days the policy requires (minLogRetentionDays) in project ${ctx.account}.${lockedNote}${state}`,
        evidence,
      };
    });
  },
});

import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import { logGroups } from '../../providers/aws/datasets.js';
import { idsAt } from '../../core/change-events.js';

const TYPE = 'AWS::Logs::LogGroup';

export default defineControl({
  id: 'aws-log-retention',
  provider: 'aws',
  area: 'retention',
  title: 'CloudWatch log groups keep events at least as long as the policy',
  severity: 'medium',
  hipaa: ['164.312(b)', '164.316(b)(2)(i)'],
  scope: 'region',
  changeEvents: {
    cloudTrail: {
      resourceKind: 'logs:log-group',
      events: [{ source: 'logs.amazonaws.com', names: ['CreateLogGroup', 'PutRetentionPolicy', 'DeleteRetentionPolicy', 'DeleteLogGroup'], resourceIds: idsAt('requestParameters.logGroupName') }],
    },
  },
  description:
    'Every CloudWatch Logs log group must keep its events for at least the configured minimum (minLogRetentionDays: 365 by default, 2190 days in the hipaa-6y profile). A log group without a retention setting never expires its events. Delivery-class log groups keep events for one day by design and forward them elsewhere, so their retention is judged at the destination.',
  remediation: {
    text: 'Set the log group retention to at least the policy minimum: `aws logs put-retention-policy --log-group-name <name> --retention-in-days <days>` (valid values include 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653), or export older events to S3 with a matching lifecycle rule.',
    url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention',
  },
  reads: { groups: logGroups },
  evaluate({ groups }, _context, ctx): Judgement[] {
    const min = ctx.thresholds.minLogRetentionDays;
    const arnPrefix = `arn:aws:logs:${ctx.region}:${ctx.account}:log-group:`;
    const results: Judgement[] = [];
    // A plain loop: this runs over every log group of a region, which can be 100,000.
    for (const group of groups.items) {
      const name = group.logGroupName ?? '(unnamed log group)';
      const arn = group.arn;
      const uid = arn === undefined ? arnPrefix + name : arn.endsWith(':*') ? arn.slice(0, -2) : arn;
      const resource = { id: name, uid, type: TYPE, name, tags: {} };
      const days = group.retentionInDays;
      const evidence = [evidenceFrom(groups, { logGroupName: group.logGroupName, retentionInDays: days, logGroupClass: group.logGroupClass })];
      let judgement: Judgement;
      if (group.logGroupClass === 'DELIVERY') {
        judgement = {
          resource,
          status: 'NOT_ASSESSABLE',
          message: `Log group ${name} is in the Delivery class: CloudWatch keeps its events for one day by design and delivers them to Amazon S3 or Data Firehose. Check retention at that destination (e.g. the S3 bucket's lifecycle rules) against the ${min}-day policy.`,
          evidence,
        };
      } else if (days === undefined) {
        judgement = { resource, status: 'PASS', message: `Log group ${name} never expires its events (no retention setting), which meets the ${min}-day policy.`, evidence };
      } else if (days < min) {
        judgement = { resource, status: 'FAIL', message: `Log group ${name} keeps events for ${days} days, fewer than the ${min} days the policy requires (minLogRetentionDays).`, evidence };
      } else {
        judgement = { resource, status: 'PASS', message: `Log group ${name} keeps events for ${days} days, at least the ${min} days the policy requires.`, evidence };
      }
      results.push(judgement);
    }
    return results;
  },
});

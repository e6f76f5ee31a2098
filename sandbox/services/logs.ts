// CloudWatch Logs (JSON 1.1): DescribeLogGroups in name order, with a name prefix or pattern, limit
// (1 to 50) and nextToken. A group without retentionInDays keeps its events forever.

import { intField, paginate, stringField, type JsonHandler, type JsonObject } from '../context.js';
import { validationError } from '../errors.js';
import type { LogGroupModel } from '../model.js';
import { regionOf } from '../model.js';

function groupJson(g: LogGroupModel): JsonObject {
  const out: JsonObject = {
    logGroupName: g.logGroupName,
    creationTime: g.creationTime,
    metricFilterCount: g.metricFilterCount,
    arn: g.arn,
    storedBytes: g.storedBytes,
    logGroupClass: g.logGroupClass,
    logGroupArn: g.logGroupArn,
  };
  if (g.retentionInDays !== undefined) out['retentionInDays'] = g.retentionInDays;
  if (g.kmsKeyId !== undefined) out['kmsKeyId'] = g.kmsKeyId;
  return out;
}

const describeLogGroups: JsonHandler = (ctx, body) => {
  const prefix = stringField('logs', body, 'logGroupNamePrefix');
  const pattern = stringField('logs', body, 'logGroupNamePattern');
  if (prefix !== undefined && pattern !== undefined) throw validationError('logs', 'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  const limit = intField('logs', body, 'limit');
  if (limit !== undefined && (limit < 1 || limit > 50)) {
    throw validationError('logs', `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value ${limit < 1 ? 'greater than or equal to 1' : 'less than or equal to 50'}`);
  }
  let groups = regionOf(ctx.account, ctx.region).logGroups;
  if (prefix !== undefined) groups = groups.filter((g) => g.logGroupName.startsWith(prefix));
  if (pattern !== undefined) groups = groups.filter((g) => g.logGroupName.toLowerCase().includes(pattern.toLowerCase()));
  const page = paginate(ctx, groups, stringField('logs', body, 'nextToken'), limit ?? 50);
  const out: JsonObject = { logGroups: page.items.map(groupJson) };
  if (page.next !== undefined) out['nextToken'] = page.next;
  return out;
};

export const LOGS_HANDLERS: Record<string, JsonHandler> = {
  DescribeLogGroups: describeLogGroups,
};

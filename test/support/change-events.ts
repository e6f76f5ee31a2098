// CloudTrail event details as EventBridge delivers them, for the controls' change-event tests.

import type { CloudTrailDetail } from '../../core/change-events.js';

export function trailDetail(eventSource: string, eventName: string, requestParameters?: unknown, responseElements?: unknown): CloudTrailDetail {
  return {
    eventSource,
    eventName,
    awsRegion: 'eu-west-1',
    ...(requestParameters === undefined ? {} : { requestParameters }),
    ...(responseElements === undefined ? {} : { responseElements }),
  };
}

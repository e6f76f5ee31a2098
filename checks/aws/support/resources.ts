// Helpers every AWS check uses to name resources the same way.

import type { ResourceRef } from '../../../core/model.js';
import { setOwn } from '../../../core/own.js';

interface AwsTag {
  Key?: string | undefined;
  Value?: string | undefined;
}

export function tagsOf(tags: readonly AwsTag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (tag.Key !== undefined) setOwn(out, tag.Key, tag.Value ?? '');
  }
  return out;
}

/** ARN for resources whose API response carries none (EC2). */
export function ec2Arn(region: string, account: string, kind: string, id: string): string {
  return `arn:aws:ec2:${region}:${account}:${kind}/${id}`;
}

export function awsResource(
  uid: string,
  id: string,
  type: string,
  tags: readonly AwsTag[] | undefined,
  name?: string,
): ResourceRef {
  const tagMap = tagsOf(tags);
  const resourceName = name ?? tagMap['Name'];
  return resourceName === undefined ? { id, uid, type, tags: tagMap } : { id, uid, type, name: resourceName, tags: tagMap };
}

/**
 * The account or a region setting as a resource, for controls judged on configuration, not on a
 * thing. The uid is ARN-shaped under the service that owns the setting.
 */
export function accountSetting(service: string, account: string, region: string, setting: string, type: string): ResourceRef {
  const uid = region === 'global' ? `arn:aws:${service}::${account}:${setting}` : `arn:aws:${service}:${region}:${account}:${setting}`;
  return { id: `${account}/${region}/${setting}`, uid, type, name: setting, tags: {} };
}

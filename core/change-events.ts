// Which cloud change events can turn a control's verdict, as each control declares them, and what is
// derived from those declarations: the event → control routes a change-driven scan follows, and the
// EventBridge event pattern the deployment subscribes to (deploy/generated/change-events.json), the
// way the IAM policy is derived from what the controls read.

import type { AnyControl } from './control.js';

/** Kinds of resource a change-driven scan can read one by one (providers/aws/collectors: `narrow`). */
export type ResourceKind = 'ec2:security-group' | 'ec2:volume' | 'rds:db-instance' | 'logs:log-group';

/** The `detail` of an EventBridge "AWS API Call via CloudTrail" event, as far as Ward reads it. */
export interface CloudTrailDetail {
  eventSource: string;
  eventName: string;
  awsRegion?: string;
  /** Set when the call failed: nothing changed. */
  errorCode?: string;
  requestParameters?: unknown;
  responseElements?: unknown;
}

export interface CloudTrailChange {
  /** The service's CloudTrail event source, e.g. `ec2.amazonaws.com`. */
  source: string;
  /** Management event names (API calls) of that source. */
  names: readonly string[];
  /**
   * The affected resources, as the `resource.id` the control gives them. Absent: the event names no
   * one resource (e.g. a prefix list many groups use), and the control's whole scope is re-read.
   */
  resourceIds?: (detail: CloudTrailDetail) => string[];
}

export interface ChangeEvents {
  /** AWS: CloudTrail management events, delivered by EventBridge (wired). */
  cloudTrail?: {
    /** What `resourceIds` name; required when any event has `resourceIds`. */
    resourceKind?: ResourceKind;
    events: readonly CloudTrailChange[];
  };
  /** Google Cloud (designed, not wired): Cloud Asset Inventory feed to Pub/Sub for these asset types. */
  assetFeed?: { assetTypes: readonly string[]; contentType: 'RESOURCE' | 'IAM_POLICY' };
  /** Azure (designed, not wired): Event Grid subscription events (ResourceWriteSuccess, ResourceDeleteSuccess) on these resource types. */
  eventGrid?: { resourceTypes: readonly string[] };
}

/** EventBridge's detail-type for CloudTrail-recorded API calls. */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The values at a dotted path; `*` walks every element of an array. */
function valuesAt(value: unknown, segments: readonly string[]): unknown[] {
  if (segments.length === 0) return [value];
  const [head, ...rest] = segments;
  if (head === '*') return Array.isArray(value) ? value.flatMap((item) => valuesAt(item, rest)) : [];
  if (!isObject(value) || head === undefined || !Object.prototype.hasOwnProperty.call(value, head)) return [];
  return valuesAt(value[head], rest);
}

/** Longest resource id Ward accepts from an event (ARNs and log group names included). */
const MAX_ID_LENGTH = 512;

/**
 * Resource ids found at any of the paths into the event detail, e.g.
 * `requestParameters.groupId` or `responseElements.securityGroupRuleSet.items.*.groupId`.
 */
export function idsAt(...paths: string[]): (detail: CloudTrailDetail) => string[] {
  const split = paths.map((p) => p.split('.'));
  return (detail) => {
    const found = split.flatMap((segments) => valuesAt(detail, segments));
    return [...new Set(found.filter((v): v is string => typeof v === 'string' && v !== '' && v.length <= MAX_ID_LENGTH))];
  };
}

/** Where one event leads: a control, and the resources to re-read (undefined: its whole scope). */
export interface ChangeRoute {
  control: AnyControl;
  resourceKind?: ResourceKind;
  resourceIds?: (detail: CloudTrailDetail) => string[];
}

export const routeKey = (source: string, name: string): string => `${source} ${name}`;

/** Event source and name → the controls it can change, derived from the controls' declarations. */
export function cloudTrailRoutes(controls: readonly AnyControl[]): Map<string, ChangeRoute[]> {
  const routes = new Map<string, ChangeRoute[]>();
  for (const control of controls) {
    const declared = control.changeEvents?.cloudTrail;
    if (declared === undefined) continue;
    for (const event of declared.events) {
      for (const name of event.names) {
        const route: ChangeRoute = {
          control,
          ...(declared.resourceKind === undefined || event.resourceIds === undefined ? {} : { resourceKind: declared.resourceKind, resourceIds: event.resourceIds }),
        };
        const key = routeKey(event.source, name);
        const list = routes.get(key);
        if (list === undefined) routes.set(key, [route]);
        else list.push(route);
      }
    }
  }
  return routes;
}

export interface EventPattern {
  source: string[];
  'detail-type': string[];
  detail: { eventSource: string[]; eventName: string[]; errorCode: Array<{ exists: false }> };
}

/**
 * The EventBridge pattern matching every declared event: `source` is `aws.<service>` for each event
 * source, and failed calls (with an errorCode) are left out, since they changed nothing.
 */
export function cloudTrailEventPattern(controls: readonly AnyControl[]): EventPattern {
  const sources = new Set<string>();
  const names = new Set<string>();
  for (const control of controls) {
    for (const event of control.changeEvents?.cloudTrail?.events ?? []) {
      sources.add(event.source);
      for (const name of event.names) names.add(name);
    }
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return {
    source: sorted(new Set([...sources].map((s) => `aws.${s.slice(0, s.indexOf('.'))}`))),
    'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
    detail: { eventSource: sorted(sources), eventName: sorted(names), errorCode: [{ exists: false }] },
  };
}

/** Problems with a control's change declaration, for the registry test; empty when it is sound. */
export function changeDeclarationProblems(control: AnyControl): string[] {
  const declared = control.changeEvents?.cloudTrail;
  if (declared === undefined) return [];
  const problems: string[] = [];
  if (control.provider !== 'aws') problems.push(`${control.id}: cloudTrail events are for AWS controls`);
  if (declared.events.length === 0) problems.push(`${control.id}: cloudTrail.events is empty`);
  for (const event of declared.events) {
    if (!/^[a-z0-9-]+\.amazonaws\.com$/.test(event.source)) problems.push(`${control.id}: event source ${event.source} is not <service>.amazonaws.com`);
    if (event.names.length === 0) problems.push(`${control.id}: ${event.source} lists no event name`);
    for (const name of event.names) if (!/^[A-Z][A-Za-z0-9]+$/.test(name)) problems.push(`${control.id}: ${name} is not an API operation name`);
    if (event.resourceIds !== undefined && declared.resourceKind === undefined) problems.push(`${control.id}: resourceIds without a resourceKind`);
  }
  return problems;
}

/**
 * What one event means for one control: undefined when it cannot change it; otherwise the resources
 * to re-read, or no `resourceIds` when its whole scope must be re-read (also when the event names none).
 */
export function affectedBy(control: AnyControl, detail: CloudTrailDetail): { resourceKind?: ResourceKind; resourceIds?: string[] } | undefined {
  const route = cloudTrailRoutes([control]).get(routeKey(detail.eventSource, detail.eventName))?.[0];
  if (route === undefined) return undefined;
  const ids = route.resourceIds?.(detail) ?? [];
  return route.resourceKind === undefined || ids.length === 0 ? {} : { resourceKind: route.resourceKind, resourceIds: ids };
}

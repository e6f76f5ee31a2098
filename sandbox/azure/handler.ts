// Azure Resource Manager, simulated: the reads Ward makes, answered from an AzureWorld with ARM's
// shapes — `{ value, nextLink }` pages whose nextLink is an absolute URL back to this server (from the
// Host header), `{"error":{"code","message"}}` failures (401, 403 AuthorizationFailed, 404, 429 with
// Retry-After, 5xx) and a required api-version. Read-only: any other method is refused.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateAzureSubscriptions } from './generate.js';
import type { AzureSubscriptionWorld, AzureWorld, AzureWorldResource } from './types.js';

export type * from './types.js';

const DEFAULT_PAGE_SIZE = 100;
const SANDBOX_PRINCIPAL = '00000000-0000-4000-8000-00000000ward';
const DIAGNOSTIC_SETTINGS_TYPE = 'microsoft.insights/diagnosticSettings';

interface WorldState {
  throttled: number;
  serverErrors: number;
  subscriptions: AzureSubscriptionWorld[];
  /** Per subscription (lower-cased id): resources by lower-cased id. */
  byId: Map<string, Map<string, AzureWorldResource>>;
}

const states = new WeakMap<AzureWorld, WorldState>();

function stateOf(world: AzureWorld): WorldState {
  let state = states.get(world);
  if (state === undefined) {
    const subscriptions = [...(world.subscriptions ?? []), ...(world.generate === undefined ? [] : generateAzureSubscriptions(world.generate))];
    const byId = new Map<string, Map<string, AzureWorldResource>>();
    for (const sub of subscriptions) {
      byId.set(sub.subscriptionId.toLowerCase(), new Map((sub.resources ?? []).map((r) => [r.id.toLowerCase(), r])));
    }
    state = { throttled: 0, serverErrors: 0, subscriptions, byId };
    states.set(world, state);
  }
  return state;
}

/** Forgets fault counters and the expanded world, e.g. between tests that reuse one world object. */
export function resetAzureWorld(world: AzureWorld): void {
  states.delete(world);
}

/** Parses an ARM id: its type (`Microsoft.Sql/servers/firewallRules`) and name (the last segment). */
export function parseResourceId(id: string): { type: string; name: string } | undefined {
  const segments = id.split('/').filter((s) => s !== '');
  const at = segments.map((s) => s.toLowerCase()).lastIndexOf('providers');
  if (at < 0) return undefined;
  const namespace = segments[at + 1];
  const rest = segments.slice(at + 2);
  if (namespace === undefined || rest.length < 2 || rest.length % 2 !== 0) return undefined;
  const types = rest.filter((_, i) => i % 2 === 0);
  return { type: `${namespace}/${types.join('/')}`, name: rest[rest.length - 1] ?? '' };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'x-ms-request-id': `sandbox-${Math.random().toString(16).slice(2, 10)}`,
    ...headers,
  });
  res.end(text);
}

function fail(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  send(res, status, { error: { code, message } }, headers);
}

function denied(res: ServerResponse, action: string, scope: string): void {
  fail(
    res,
    403,
    'AuthorizationFailed',
    `The client '${SANDBOX_PRINCIPAL}' with object id '${SANDBOX_PRINCIPAL}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** One page of `items` from `$skiptoken`, with an absolute nextLink back to this server. */
function page(req: IncomingMessage, url: URL, items: unknown[], world: AzureWorld): { value: unknown[]; nextLink?: string } {
  const top = Number.parseInt(url.searchParams.get('$top') ?? '', 10);
  const size = Math.max(1, Math.min(world.pageSize ?? DEFAULT_PAGE_SIZE, Number.isFinite(top) && top > 0 ? top : Number.POSITIVE_INFINITY));
  const start = Math.max(0, Number.parseInt(url.searchParams.get('$skiptoken') ?? '0', 10) || 0);
  const value = items.slice(start, start + size);
  if (start + size >= items.length) return { value };
  const params = new URLSearchParams(url.searchParams);
  params.set('$skiptoken', String(start + size));
  return { value, nextLink: `http://${req.headers.host ?? 'localhost'}${url.pathname}?${params.toString()}` };
}

function matches(pathContains: string | undefined, url: URL): boolean {
  return pathContains === undefined || (url.pathname + url.search).toLowerCase().includes(pathContains.toLowerCase());
}

/** The generic view a resource list returns: the envelope without `properties`. */
function listed(resource: AzureWorldResource): Record<string, unknown> {
  const parsed = parseResourceId(resource.id);
  const out: Record<string, unknown> = { id: resource.id, name: resource.name ?? parsed?.name, type: resource.type ?? parsed?.type };
  if (resource.location !== undefined) out['location'] = resource.location;
  if (resource.tags !== undefined) out['tags'] = resource.tags;
  if (resource.sku !== undefined) out['sku'] = resource.sku;
  if (resource.kind !== undefined) out['kind'] = resource.kind;
  if (resource.managedBy !== undefined) out['managedBy'] = resource.managedBy;
  return out;
}

function full(resource: AzureWorldResource): Record<string, unknown> {
  return { ...listed(resource), properties: resource.properties ?? {} };
}

function typeOf(resource: AzureWorldResource): string {
  return resource.type ?? parseResourceId(resource.id)?.type ?? '';
}

function subscriptionBody(sub: AzureSubscriptionWorld, world: AzureWorld): Record<string, unknown> {
  return {
    id: `/subscriptions/${sub.subscriptionId}`,
    authorizationSource: 'RoleBased',
    subscriptionId: sub.subscriptionId,
    tenantId: world.tenantId ?? '72f988bf-0000-4000-8000-000000000000',
    displayName: sub.displayName,
    state: sub.state ?? 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    ...(sub.tags === undefined ? {} : { tags: sub.tags }),
  };
}

/** `resourceType eq 'A' or resourceType eq 'B'`; undefined for a filter the sandbox does not understand. */
function typesInFilter(filter: string): string[] | undefined {
  const clauses = filter.split(/\s+or\s+/i).map((c) => c.trim());
  const types: string[] = [];
  for (const clause of clauses) {
    const m = /^resourceType\s+eq\s+'([^']+)'$/i.exec(clause);
    if (m?.[1] === undefined) return undefined;
    types.push(m[1]);
  }
  return types;
}

/**
 * Answers the request when its path is an ARM path (`/subscriptions…`) and returns true; returns false,
 * having written nothing, for any other path.
 */
export function handleAzureRequest(req: IncomingMessage, res: ServerResponse, _body: string, world: AzureWorld): boolean {
  // Prefixed rather than resolved, so a path starting with `//` stays a path.
  const url = new URL(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`);
  const segments = url.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  if (segments.length === 0 || !sameText(segments[0] ?? '', 'subscriptions')) return false;
  const state = stateOf(world);
  const faults = world.faults ?? {};

  if (req.method !== 'GET') {
    fail(res, 405, 'MethodNotAllowed', `The sandbox's Azure Resource Manager is read-only; ${req.method ?? 'this method'} is not supported.`);
    return true;
  }
  const auth = req.headers['authorization'];
  if (typeof auth !== 'string' || !/^Bearer\s+\S+/i.test(auth)) {
    fail(res, 401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing or is not a bearer token.");
    return true;
  }
  if (!url.searchParams.has('api-version')) {
    fail(res, 400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
    return true;
  }
  const throttle = faults.throttle;
  if (throttle !== undefined && state.throttled < throttle.calls && matches(throttle.pathContains, url)) {
    state.throttled += 1;
    fail(res, 429, 'TooManyRequests', 'The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00.', {
      'retry-after': String(throttle.retryAfterSeconds ?? 1),
    });
    return true;
  }
  const errors = faults.serverErrors;
  if (errors !== undefined && state.serverErrors < errors.calls && matches(errors.pathContains, url)) {
    state.serverErrors += 1;
    const status = errors.status ?? 500;
    fail(res, status, status === 503 ? 'ServiceUnavailable' : 'InternalServerError', 'Encountered internal server error. Diagnostic information: sandbox fault.');
    return true;
  }

  // GET /subscriptions
  if (segments.length === 1) {
    const visible = state.subscriptions.map((s) => subscriptionBody(s, world));
    send(res, 200, page(req, url, visible, world));
    return true;
  }

  const subscriptionId = segments[1] ?? '';
  const sub = state.subscriptions.find((s) => sameText(s.subscriptionId, subscriptionId));
  const scope = `/subscriptions/${subscriptionId}`;
  if (sub === undefined) {
    fail(res, 404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
    return true;
  }
  if ((faults.deniedSubscriptions ?? []).some((d) => sameText(d, sub.subscriptionId))) {
    denied(res, segments.length === 2 ? 'Microsoft.Resources/subscriptions/read' : 'Microsoft.Resources/subscriptions/resources/read', scope);
    return true;
  }
  const isDenied = (type: string): boolean => (faults.deniedTypes ?? []).some((d) => sameText(d, type));
  const rest = segments.slice(2);

  // GET /subscriptions/{id}
  if (rest.length === 0) {
    send(res, 200, subscriptionBody(sub, world));
    return true;
  }

  // GET /subscriptions/{id}/resources?$filter=resourceType eq '…'
  if (rest.length === 1 && sameText(rest[0] ?? '', 'resources')) {
    const filter = url.searchParams.get('$filter');
    const types = filter === null ? undefined : typesInFilter(filter);
    if (filter !== null && types === undefined) {
      fail(res, 400, 'InvalidFilterInQueryString', `Invalid $filter '${filter}' specified in the query string.`);
      return true;
    }
    const deniedType = types?.find(isDenied);
    if (deniedType !== undefined) {
      denied(res, `${deniedType}/read`, scope);
      return true;
    }
    const topLevel = (sub.resources ?? []).filter((r) => typeOf(r).split('/').length === 2);
    const selected = types === undefined ? topLevel : topLevel.filter((r) => types.some((t) => sameText(t, typeOf(r))));
    send(res, 200, page(req, url, selected.map(listed), world));
    return true;
  }

  // GET /subscriptions/{id}/providers/microsoft.insights/diagnosticSettings[/{name}]
  if (rest.length >= 3 && sameText(rest[0] ?? '', 'providers') && sameText(`${rest[1]}/${rest[2]}`, DIAGNOSTIC_SETTINGS_TYPE) && rest.length <= 4) {
    if (isDenied(DIAGNOSTIC_SETTINGS_TYPE)) {
      denied(res, 'Microsoft.Insights/DiagnosticSettings/Read', scope);
      return true;
    }
    const settings = (sub.diagnosticSettings ?? []).map((s) => ({
      id: `${scope}/providers/microsoft.insights/diagnosticSettings/${s.name}`,
      type: 'Microsoft.Insights/diagnosticSettings',
      name: s.name,
      location: 'global',
      properties: s.properties,
    }));
    if (rest.length === 3) {
      send(res, 200, page(req, url, settings, world));
      return true;
    }
    const one = settings.find((s) => sameText(s.name, rest[3] ?? ''));
    if (one === undefined) fail(res, 404, 'ResourceNotFound', `The diagnostic setting '${rest[3] ?? ''}' could not be found.`);
    else send(res, 200, one);
    return true;
  }

  // GET /subscriptions/{id}/providers/{ns}/{type}: every resource of the type, with its properties
  // (the resource provider's own list operation, e.g. Disks_List, NetworkSecurityGroups_ListAll).
  if (rest.length === 3 && sameText(rest[0] ?? '', 'providers')) {
    const type = `${rest[1] ?? ''}/${rest[2] ?? ''}`;
    if (isDenied(type)) {
      denied(res, `${type}/read`, scope);
      return true;
    }
    const ofType = (sub.resources ?? []).filter((r) => sameText(typeOf(r), type));
    send(res, 200, page(req, url, ofType.map(full), world));
    return true;
  }

  // GET /subscriptions/{id}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{childType}[/{childName}]]
  const resources = state.byId.get(sub.subscriptionId.toLowerCase()) ?? new Map<string, AzureWorldResource>();
  const path = `/${segments.join('/')}`;
  const parsed = parseResourceId(path);
  if (parsed !== undefined) {
    if (isDenied(parsed.type)) {
      denied(res, `${parsed.type}/read`, path);
      return true;
    }
    const resource = resources.get(path.toLowerCase());
    if (resource === undefined) {
      fail(res, 404, 'ResourceNotFound', `The Resource '${parsed.type}/${parsed.name}' under resource group '${segments[3] ?? ''}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
      return true;
    }
    send(res, 200, full(resource));
    return true;
  }
  // A collection of children: the parent's id plus one type segment.
  const parent = parseResourceId(`/${segments.slice(0, -1).join('/')}`);
  const childSegment = segments[segments.length - 1] ?? '';
  if (parent !== undefined) {
    const childType = `${parent.type}/${childSegment}`;
    if (isDenied(childType)) {
      denied(res, `${childType}/read`, path);
      return true;
    }
    const parentId = `/${segments.slice(0, -1).join('/')}`.toLowerCase();
    if (!resources.has(parentId)) {
      fail(res, 404, 'ResourceNotFound', `The Resource '${parent.type}/${parent.name}' under resource group '${segments[3] ?? ''}' was not found.`);
      return true;
    }
    const prefix = `${parentId}/${childSegment.toLowerCase()}/`;
    const children = [...resources.values()].filter((r) => r.id.toLowerCase().startsWith(prefix) && !r.id.slice(prefix.length).includes('/'));
    send(res, 200, page(req, url, children.map(full), world));
    return true;
  }
  fail(res, 400, 'InvalidResourceId', `The sandbox does not serve '${path}'.`);
  return true;
}

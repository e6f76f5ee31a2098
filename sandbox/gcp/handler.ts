// Cloud Asset Inventory (v1), simulated: the reads Ward makes, as the Node client's REST transport sends
// them, answered from a GcpWorld.
//
//   GET /v1/{projects|folders|organizations}/{id}/assets?assetTypes=…&assetTypes=…&contentType=1
//       &pageSize=…&pageToken=…&$alt=json%3Benum-encoding=int                           (listAssets)
//   GET /v1/{projects|folders|organizations}/{id}:searchAllResources?assetTypes=…&query=…
//       &pageSize=…&pageToken=…&$alt=json%3Benum-encoding=int                           (searchAllResources)
//
// with `Authorization: Bearer <token>`. Enums arrive as numbers (contentType 1 = RESOURCE, 2 = IAM_POLICY)
// or names; with `enum-encoding=int` enum fields in the response are numbers too. Pages follow
// `pageSize` (listAssets: default 100, at most 1000, more is INVALID_ARGUMENT; search: default 100,
// capped at 500) and carry an opaque `nextPageToken` bound to the request. Failures use Google's JSON
// error shape: `{"error":{"code":403,"message":…,"status":"PERMISSION_DENIED","details":[ErrorInfo]}}`.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { CRM, expandWorld, type ExpandedWorld, type SandboxAsset } from './assets.js';
import type { GcpFaultCount, GcpWorld } from './types.js';

export type * from './types.js';
export { generateGcpProjects } from './generate.js';

const LIST_DEFAULT_PAGE = 100;
const LIST_MAX_PAGE = 1000;
const SEARCH_DEFAULT_PAGE = 100;
const SEARCH_MAX_PAGE = 500;

/** google.cloud.asset.v1.ContentType. */
const CONTENT_TYPES: Record<string, number> = {
  CONTENT_TYPE_UNSPECIFIED: 0,
  RESOURCE: 1,
  IAM_POLICY: 2,
  ORG_POLICY: 4,
  ACCESS_POLICY: 5,
  OS_INVENTORY: 6,
  RELATIONSHIP: 7,
};
const PERMISSION_BY_CONTENT: Record<number, string> = {
  0: 'cloudasset.assets.listResource',
  1: 'cloudasset.assets.listResource',
  2: 'cloudasset.assets.listIamPolicy',
  4: 'cloudasset.assets.listOrgPolicy',
  5: 'cloudasset.assets.listAccessPolicy',
  6: 'cloudasset.assets.listOSInventories',
  7: 'cloudasset.assets.listResource',
};
/** google.iam.v1.AuditLogConfig.LogType. */
const LOG_TYPES: Record<string, number> = { LOG_TYPE_UNSPECIFIED: 0, ADMIN_READ: 1, DATA_WRITE: 2, DATA_READ: 3 };

const HTTP_STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
};

interface WorldState {
  exhausted: number;
  unavailable: number;
  expanded: ExpandedWorld;
}

const states = new WeakMap<GcpWorld, WorldState>();

function stateOf(world: GcpWorld): WorldState {
  let state = states.get(world);
  if (state === undefined) {
    state = { exhausted: 0, unavailable: 0, expanded: expandWorld(world) };
    states.set(world, state);
  }
  return state;
}

/** Forgets fault counters and the expanded world, e.g. between tests that reuse one world object. */
export function resetGcpWorld(world: GcpWorld): void {
  states.delete(world);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': String(Buffer.byteLength(text)), vary: 'X-Origin, Referer, Origin,Accept-Encoding' });
  res.end(text);
}

function fail(res: ServerResponse, status: string, message: string, details: unknown[] = []): void {
  const code = HTTP_STATUS[status] ?? 500;
  send(res, code, { error: { code, message, status, ...(details.length > 0 ? { details } : {}) } });
}

function errorInfo(reason: string, domain: string, metadata: Record<string, string>): unknown {
  return { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain, metadata };
}

function denied(res: ServerResponse, permission: string, resource: string): void {
  fail(res, 'PERMISSION_DENIED', `The caller does not have permission (${permission} on ${resource}).`, [
    errorInfo('IAM_PERMISSION_DENIED', 'cloudasset.googleapis.com', { permission, resource }),
  ]);
}

function exhausted(res: ServerResponse): void {
  fail(
    res,
    'RESOURCE_EXHAUSTED',
    "Quota exceeded for quota metric 'List Assets Requests' and limit 'List Assets Requests per minute' of service 'cloudasset.googleapis.com' for consumer 'project_number:000000000000'.",
    [
      errorInfo('RATE_LIMIT_EXCEEDED', 'googleapis.com', {
        service: 'cloudasset.googleapis.com',
        quota_metric: 'cloudasset.googleapis.com/list_assets_requests',
        quota_limit: 'ListAssetsRequestsPerMinutePerProject',
        consumer: 'projects/000000000000',
      }),
      { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Request a higher quota limit.', url: 'https://cloud.google.com/docs/quotas/help/request_increase' }] },
    ],
  );
}

/** Consumes one call of a counted fault when the request matches it. */
function trip(fault: GcpFaultCount | undefined, used: number, target: string): boolean {
  if (fault === undefined || used >= fault.calls) return false;
  return fault.matching === undefined || target.includes(fault.matching);
}

/** `projects/<id>` of a world project, by id or number, so a scope may name either. */
function canonicalScope(expanded: ExpandedWorld, scope: string): string | undefined {
  const [kind, id] = scope.split('/');
  if (kind === 'projects') {
    const project = expanded.projects.find((p) => p.projectId === id || p.projectNumber === id);
    return project === undefined ? undefined : `projects/${project.projectNumber}`;
  }
  const exists = expanded.assets.some((a) => a.name === CRM + scope);
  return exists ? scope : undefined;
}

function scopeDenied(world: GcpWorld, expanded: ExpandedWorld, scope: string): boolean {
  const wanted = canonicalScope(expanded, scope) ?? scope;
  return (world.faults?.deniedScopes ?? []).some((d) => d === scope || canonicalScope(expanded, d) === wanted);
}

function enumNumber(text: string | null, table: Record<string, number>): number | undefined {
  if (text === null || text === '') return 0;
  if (/^\d+$/.test(text)) return Number(text);
  return table[text];
}

/** listAssets' assetTypes are RE2 regular expressions matched against the whole type. */
function typeMatcher(patterns: string[]): ((type: string) => boolean) | string {
  if (patterns.length === 0) return () => true;
  const regexes: RegExp[] = [];
  for (const pattern of patterns) {
    try {
      regexes.push(new RegExp(`^(?:${pattern})$`));
    } catch {
      return `Invalid asset type "${pattern}".`;
    }
  }
  return (type) => regexes.some((r) => r.test(type));
}

function tokenFor(key: string, offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, k: createHash('sha256').update(key).digest('hex').slice(0, 16) })).toString('base64url');
}

function offsetFrom(token: string | null, key: string): number | undefined {
  if (token === null || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; k?: unknown };
    const expected = createHash('sha256').update(key).digest('hex').slice(0, 16);
    return typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 && parsed.k === expected ? parsed.o : undefined;
  } catch {
    return undefined;
  }
}

function withIntEnums(config: unknown, asInt: boolean): unknown {
  if (!asInt || config === undefined) return config;
  return (config as Array<{ service: string; auditLogConfigs?: Array<{ logType: string; exemptedMembers?: string[] }> }>).map((c) => ({
    ...c,
    ...(c.auditLogConfigs === undefined ? {} : { auditLogConfigs: c.auditLogConfigs.map((l) => ({ ...l, logType: LOG_TYPES[l.logType] ?? 0 })) }),
  }));
}

function assetJson(asset: SandboxAsset, contentType: number, readTime: string, asInt: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { name: asset.name, assetType: asset.assetType };
  if (contentType === 1) {
    out['resource'] = {
      version: 'v1',
      discoveryDocumentUri: asset.discovery.uri,
      discoveryName: asset.discovery.name,
      ...(asset.parent === undefined ? {} : { parent: asset.parent }),
      data: asset.data,
      ...(asset.location === undefined ? {} : { location: asset.location }),
    };
  }
  if (contentType === 2 && asset.iamPolicy !== undefined) {
    const { auditConfigs, ...rest } = asset.iamPolicy;
    out['iamPolicy'] = { ...rest, ...(auditConfigs === undefined ? {} : { auditConfigs: withIntEnums(auditConfigs, asInt) }) };
  }
  out['ancestors'] = asset.ancestors;
  out['updateTime'] = readTime;
  return out;
}

/** The assets under a scope: those that list the scope among their ancestors. */
function assetsUnder(expanded: ExpandedWorld, scope: string): SandboxAsset[] {
  return expanded.assets.filter((a) => a.ancestors.includes(scope));
}

function listAssets(res: ServerResponse, world: GcpWorld, expanded: ExpandedWorld, scope: string, query: URLSearchParams, readTime: string, asInt: boolean): void {
  const contentType = enumNumber(query.get('contentType'), CONTENT_TYPES);
  if (contentType === undefined || contentType === 3 || contentType > 7) {
    fail(res, 'INVALID_ARGUMENT', `Invalid value for contentType: "${query.get('contentType') ?? ''}".`);
    return;
  }
  const permission = PERMISSION_BY_CONTENT[contentType] ?? 'cloudasset.assets.listResource';
  if ((world.faults?.deniedPermissions ?? []).includes(permission)) {
    denied(res, permission, scope);
    return;
  }
  const pageSizeText = query.get('pageSize');
  const pageSize = pageSizeText === null || pageSizeText === '' || pageSizeText === '0' ? LIST_DEFAULT_PAGE : Number(pageSizeText);
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > LIST_MAX_PAGE) {
    fail(res, 'INVALID_ARGUMENT', `page_size must be between 0 and ${LIST_MAX_PAGE}, got ${pageSizeText ?? ''}.`);
    return;
  }
  const types = query.getAll('assetTypes');
  const matches = typeMatcher(types);
  if (typeof matches === 'string') {
    fail(res, 'INVALID_ARGUMENT', matches);
    return;
  }
  const canonical = canonicalScope(expanded, scope) ?? scope;
  let assets = assetsUnder(expanded, canonical).filter((a) => matches(a.assetType));
  // IAM_POLICY lists only the assets that have a policy; other content types the sandbox does not hold list nothing.
  if (contentType === 2) assets = assets.filter((a) => a.iamPolicy !== undefined);
  else if (contentType !== 0 && contentType !== 1) assets = [];
  const key = `list ${canonical} ${contentType} ${types.join(',')} ${pageSize}`;
  const offset = offsetFrom(query.get('pageToken'), key);
  if (offset === undefined) {
    fail(res, 'INVALID_ARGUMENT', 'Invalid page token: it does not belong to this request (same parent, asset types, content type and page size).');
    return;
  }
  const page = assets.slice(offset, offset + pageSize);
  const next = offset + pageSize < assets.length ? tokenFor(key, offset + pageSize) : undefined;
  send(res, 200, { readTime, assets: page.map((a) => assetJson(a, contentType, readTime, asInt)), ...(next === undefined ? {} : { nextPageToken: next }) });
}

/** A small subset of the search query language: `field:value` terms (AND) and free text. */
function searchFilter(query: string): (asset: SandboxAsset) => boolean {
  const terms = query.split(/\s+(?:AND\s+)?/).filter((t) => t !== '' && t !== 'AND');
  return (asset) =>
    terms.every((term) => {
      const [field, ...rest] = term.split(/[:=]/);
      const value = rest.join(':').replace(/^"|"$/g, '').toLowerCase();
      const has = (text: string | undefined) => text !== undefined && text.toLowerCase().includes(value);
      if (rest.length === 0) {
        const text = (field ?? '').replace(/^"|"$/g, '').toLowerCase();
        return [asset.name, asset.displayName, asset.location, asset.projectId].some((t) => t !== undefined && t.toLowerCase().includes(text));
      }
      switch (field) {
        case 'name':
          return has(asset.name);
        case 'displayName':
          return has(asset.displayName ?? String(asset.data['name'] ?? ''));
        case 'location':
          return has(asset.location);
        case 'state':
          return (asset.state ?? String(asset.data['status'] ?? asset.data['state'] ?? '')).toLowerCase() === value;
        case 'project':
          return asset.projectNumber === value || asset.projectId === value;
        default:
          return false;
      }
    });
}

function searchAllResources(res: ServerResponse, world: GcpWorld, expanded: ExpandedWorld, scope: string, query: URLSearchParams): void {
  const permission = 'cloudasset.assets.searchAllResources';
  if ((world.faults?.deniedPermissions ?? []).includes(permission)) {
    denied(res, permission, scope);
    return;
  }
  const sizeText = Number(query.get('pageSize') ?? '0');
  const pageSize = !Number.isFinite(sizeText) || sizeText <= 0 ? SEARCH_DEFAULT_PAGE : Math.min(SEARCH_MAX_PAGE, Math.floor(sizeText));
  const types = query.getAll('assetTypes');
  const matches = typeMatcher(types);
  if (typeof matches === 'string') {
    fail(res, 'INVALID_ARGUMENT', matches);
    return;
  }
  const text = query.get('query') ?? '';
  const canonical = canonicalScope(expanded, scope) ?? scope;
  const results = assetsUnder(expanded, canonical).filter((a) => matches(a.assetType) && searchFilter(text)(a));
  const key = `search ${canonical} ${types.join(',')} ${text} ${pageSize}`;
  const offset = offsetFrom(query.get('pageToken'), key);
  if (offset === undefined) {
    fail(res, 'INVALID_ARGUMENT', 'Invalid page token: it does not belong to this request.');
    return;
  }
  const page = results.slice(offset, offset + pageSize).map((a) => {
    const folders = a.ancestors.filter((x) => x.startsWith('folders/'));
    const organization = a.ancestors.find((x) => x.startsWith('organizations/'));
    const displayName = a.displayName ?? (typeof a.data['name'] === 'string' ? (a.data['name'].split('/').pop() ?? '') : '');
    return {
      name: a.assetType === 'cloudresourcemanager.googleapis.com/Project' && a.projectId !== undefined ? `${CRM}projects/${a.projectId}` : a.name,
      assetType: a.assetType,
      ...(a.projectNumber === undefined ? {} : { project: `projects/${a.projectNumber}` }),
      ...(folders.length > 0 ? { folders } : {}),
      ...(organization === undefined ? {} : { organization }),
      displayName,
      ...(a.location === undefined ? {} : { location: a.location }),
      ...(a.labels === undefined ? {} : { labels: a.labels }),
      ...(a.state === undefined ? {} : { state: a.state }),
      ...(a.assetType === 'cloudresourcemanager.googleapis.com/Project' && a.projectId !== undefined ? { additionalAttributes: { projectId: a.projectId } } : {}),
      ...(a.parent === undefined ? {} : { parentFullResourceName: a.parent }),
    };
  });
  const next = offset + pageSize < results.length ? tokenFor(key, offset + pageSize) : undefined;
  send(res, 200, { results: page, ...(next === undefined ? {} : { nextPageToken: next }) });
}

const PATH = /^\/v1\/(projects|folders|organizations)\/([^/:]+)(\/assets|:searchAllResources|[/:].*)?$/;

/**
 * Answers a Cloud Asset Inventory request from the world. Returns false, without writing anything, when
 * the path is not a Cloud Asset path (`/v1/{projects|folders|organizations}/…`).
 */
export function handleGcpRequest(req: IncomingMessage, res: ServerResponse, _body: string, world: GcpWorld): boolean {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const match = PATH.exec(url.pathname);
  if (match === null) return false;
  const scope = `${match[1] ?? ''}/${decodeURIComponent(match[2] ?? '')}`;
  const method = match[3] ?? '';
  const state = stateOf(world);
  const readTime = world.readTime ?? new Date().toISOString();

  if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) {
    fail(res, 'UNAUTHENTICATED', 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.', [
      errorInfo('CREDENTIALS_MISSING', 'googleapis.com', { service: 'cloudasset.googleapis.com', method: 'google.cloud.asset.v1.AssetService' }),
    ]);
    return true;
  }
  if (method !== '/assets' && method !== ':searchAllResources') {
    fail(res, 'NOT_FOUND', `Method not found: ${url.pathname}.`);
    return true;
  }
  if (req.method !== 'GET') {
    fail(res, 'UNIMPLEMENTED', `The sandbox Cloud Asset API is read-only: ${req.method ?? ''} ${url.pathname} is not supported.`);
    return true;
  }
  const target = `${url.pathname}?${url.searchParams.toString()}`;
  const decodedTarget = decodeURIComponent(target);
  if (trip(world.faults?.exhausted, state.exhausted, decodedTarget)) {
    state.exhausted += 1;
    exhausted(res);
    return true;
  }
  if (trip(world.faults?.unavailable, state.unavailable, decodedTarget)) {
    state.unavailable += 1;
    fail(res, 'UNAVAILABLE', 'The service is currently unavailable.');
    return true;
  }
  const permission = method === '/assets' ? (PERMISSION_BY_CONTENT[enumNumber(url.searchParams.get('contentType'), CONTENT_TYPES) ?? 1] ?? 'cloudasset.assets.listResource') : 'cloudasset.assets.searchAllResources';
  // A scope that does not exist answers PERMISSION_DENIED, as Google does, so existence does not leak.
  if (scopeDenied(world, state.expanded, scope) || canonicalScope(state.expanded, scope) === undefined) {
    denied(res, permission, scope);
    return true;
  }
  const asInt = (url.searchParams.get('$alt') ?? '').includes('enum-encoding=int');
  if (method === '/assets') listAssets(res, world, state.expanded, scope, url.searchParams, readTime, asInt);
  else searchAllResources(res, world, state.expanded, scope, url.searchParams);
  return true;
}

// The reads Ward makes against Azure Resource Manager for one subscription: list a resource type with
// its resources' properties (the provider's own list, every nextLink page), list a resource's children
// and the subscription's diagnostic settings (plain ARM GETs through the SDK client's pipeline: same
// auth, retries, bounds and metrics), and read the subscription itself.

import type { ResourceManagementClient } from '@azure/arm-resources';
import type { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import type { AzureClientSettings } from './clients.js';
import type { ArmResource, AzureResourceType, SubscriptionRecord } from './datasets.js';
import { AZURE_API_VERSIONS } from './datasets.js';
import { ArmError } from './errors.js';
import { PageGuard } from '../../core/limits.js';

interface ArmListPage {
  value?: unknown[];
  nextLink?: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function armResourceOf<P>(r: Record<string, unknown>, id: string): ArmResource<P> {
  const out: ArmResource<P> = { id };
  const text = (key: string) => (typeof r[key] === 'string' ? (r[key] as string) : undefined);
  const name = text('name');
  const type = text('type');
  const location = text('location');
  const kind = text('kind');
  if (name !== undefined) out.name = name;
  if (type !== undefined) out.type = type;
  if (location !== undefined) out.location = location;
  if (isRecord(r['tags'])) out.tags = r['tags'] as Record<string, string>;
  if (isRecord(r['sku'])) {
    const sku = r['sku'];
    out.sku = { ...(typeof sku['name'] === 'string' ? { name: sku['name'] } : {}), ...(typeof sku['tier'] === 'string' ? { tier: sku['tier'] } : {}) };
  }
  if (kind !== undefined) out.kind = kind;
  if (typeof r['managedBy'] === 'string') out.managedBy = r['managedBy'];
  if (isRecord(r['properties'])) out.properties = r['properties'] as P;
  return out;
}

function armErrorOf(status: number, body: unknown, bodyText: string | undefined): ArmError {
  const envelope = isRecord(body) && isRecord(body['error']) ? body['error'] : undefined;
  const code = typeof envelope?.['code'] === 'string' ? envelope['code'] : status === 429 ? 'TooManyRequests' : `HTTP${status}`;
  const message = typeof envelope?.['message'] === 'string' ? envelope['message'] : (bodyText ?? '').slice(0, 300) || `HTTP ${status}`;
  return new ArmError(code, message, status);
}

export class ArmReader {
  constructor(
    readonly subscriptionId: string,
    private readonly settings: AzureClientSettings,
    private readonly resources: ResourceManagementClient,
    private readonly subscriptions: SubscriptionClient,
  ) {}

  async subscription(): Promise<SubscriptionRecord> {
    const s = await this.subscriptions.subscriptions.get(this.subscriptionId);
    const record: SubscriptionRecord = { subscriptionId: s.subscriptionId ?? this.subscriptionId };
    if (s.id !== undefined) record.id = s.id;
    if (s.displayName !== undefined) record.displayName = s.displayName;
    if (s.state !== undefined) record.state = s.state;
    if (s.tenantId !== undefined) record.tenantId = s.tenantId;
    return record;
  }

  /**
   * Every resource of the type in the subscription with its properties (all pages): the resource
   * provider's own list (`/subscriptions/{id}/providers/{namespace}/{type}`, e.g. Disks_List,
   * NetworkSecurityGroups_ListAll), which carries the same `properties` as a GET of each resource —
   * one request per page instead of one per resource.
   */
  async listType<P>(type: AzureResourceType): Promise<Array<ArmResource<P>>> {
    const items = await this.listAll<unknown>(`/subscriptions/${encodeURIComponent(this.subscriptionId)}/providers/${type}`, AZURE_API_VERSIONS[type]);
    return items.filter(isRecord).flatMap((item) => (typeof item['id'] === 'string' ? [armResourceOf<P>(item, item['id'])] : []));
  }

  /** Every child of a resource, e.g. `{serverId}/firewallRules` (all pages). */
  async listChildren<T>(parentId: string, childType: AzureResourceType): Promise<T[]> {
    const segment = childType.split('/').pop() ?? childType;
    return this.listAll<T>(`${parentId.replace(/\/+$/, '')}/${segment}`, AZURE_API_VERSIONS[childType]);
  }

  /** The subscription's own diagnostic settings: where its activity log is exported. */
  async subscriptionDiagnosticSettings<T>(): Promise<T[]> {
    return this.listAll<T>(
      `/subscriptions/${encodeURIComponent(this.subscriptionId)}/providers/microsoft.insights/diagnosticSettings`,
      AZURE_API_VERSIONS['microsoft.insights/diagnosticSettings'],
    );
  }

  private async listAll<T>(path: string, apiVersion: string): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = `${this.settings.endpoint}${path}?api-version=${encodeURIComponent(apiVersion)}`;
    // The next link's host is checked by the pipeline (bounds.ts) before any token is sent.
    const guard = new PageGuard(`GET ${path}`);
    while (url !== undefined) {
      const body = (await this.get(url)) as ArmListPage;
      for (const item of body.value ?? []) items.push(item as T);
      const next = typeof body.nextLink === 'string' && body.nextLink !== '' ? body.nextLink : undefined;
      url = guard.next(next) ? next : undefined;
    }
    return items;
  }

  private async get(url: string): Promise<unknown> {
    const request = createPipelineRequest({ url, method: 'GET' });
    request.headers.set('Accept', 'application/json');
    if (this.settings.insecure) request.allowInsecureConnection = true;
    const response = await this.resources.pipeline.sendRequest(this.settings.httpClient, request);
    const body = parseJson(response.bodyAsText ?? undefined);
    if (response.status < 200 || response.status >= 300) throw armErrorOf(response.status, body, response.bodyAsText ?? undefined);
    if (!isRecord(body)) throw new ArmError('InvalidResponse', `expected a JSON object from ${url.split('?')[0] ?? url}`, response.status);
    return body;
  }
}

// The reads Ward makes against Azure Resource Manager for one subscription: list a resource type
// (Resources_List with a resourceType filter, every nextLink page), fetch each resource's full
// properties (Resources_GetById with the type's own API version), list a resource's children and the
// subscription's diagnostic settings (plain ARM GETs through the same pipeline: same auth, retries and
// metrics), and read the subscription itself.

import type { ResourceManagementClient } from '@azure/arm-resources';
import type { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import type { AzureClientSettings } from './clients.js';
import type { ArmResource, AzureResourceType, SubscriptionRecord } from './datasets.js';
import { AZURE_API_VERSIONS } from './datasets.js';
import { ArmError, isNotFound } from './errors.js';
import { guardPages, PageGuard } from '../../core/limits.js';

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

  /** IDs of every resource of the type in the subscription (all pages). */
  async listIds(type: AzureResourceType): Promise<string[]> {
    const ids: string[] = [];
    const pages = this.resources.resources.list({ filter: `resourceType eq '${type}'` }).byPage();
    // arm-resources 8 carries each page's nextLink as its continuationToken.
    for await (const page of guardPages('Resources_List', pages, (p) => p.continuationToken)) {
      for (const resource of page) if (resource.id !== undefined) ids.push(resource.id);
    }
    return ids;
  }

  /** The resource with its full `properties`, or undefined when it was deleted since it was listed. */
  async getById<P>(id: string, type: AzureResourceType): Promise<ArmResource<P> | undefined> {
    let r;
    try {
      // The SDK's path template is `/{resourceId}`: a leading slash would double.
      r = await this.resources.resources.getById(id.replace(/^\/+/, ''), AZURE_API_VERSIONS[type]);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const out: ArmResource<P> = { id: r.id ?? id };
    if (r.name !== undefined) out.name = r.name;
    if (r.type !== undefined) out.type = r.type;
    if (r.location !== undefined) out.location = r.location;
    if (r.tags !== undefined) out.tags = r.tags;
    if (r.sku !== undefined) out.sku = { ...(r.sku.name === undefined ? {} : { name: r.sku.name }), ...(r.sku.tier === undefined ? {} : { tier: r.sku.tier }) };
    if (r.kind !== undefined) out.kind = r.kind;
    if (r.managedBy !== undefined) out.managedBy = r.managedBy;
    if (r.properties !== undefined) out.properties = r.properties as P;
    return out;
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

import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import schema from './world.schema.json' with { type: 'json' };
import { AZURE_DEMO_WORLD, DEMO_SUBSCRIPTION_ID, azureDemoWorld } from './demo.js';
import { generateAzureSubscriptions } from './generate.js';
import { handleAzureRequest, parseResourceId, type AzureWorld } from './handler.js';
import { serveHandler, type HandlerServer } from '../../test/support/handler-server.js';

let world: AzureWorld = azureDemoWorld();
let server: HandlerServer;
let base: string;

beforeAll(async () => {
  server = await serveHandler((req, res, body) => handleAzureRequest(req, res, body, world));
  base = server.base;
});

afterAll(() => server.close());

const auth = { authorization: 'Bearer ward-placeholder-token' };
const S = `/subscriptions/${DEMO_SUBSCRIPTION_ID}`;

async function get(path: string, headers: Record<string, string> = auth): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(path.startsWith('http') ? path : `${base}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text }, headers: response.headers };
}

function useWorld(next: AzureWorld): void {
  world = next;
}

describe('sandbox Azure Resource Manager', () => {
  it('leaves paths that are not ARM to the caller', async () => {
    expect((await get('/')).body).toEqual({ text: 'not handled' });
    expect((await get('/?Action=DescribeRegions')).status).toBe(404);
  });

  it('requires a bearer token and an api-version, and is read-only', async () => {
    useWorld(azureDemoWorld());
    const noAuth = await get(`${S}?api-version=2022-12-01`, {});
    expect(noAuth.status).toBe(401);
    expect(noAuth.body).toMatchObject({ error: { code: 'AuthenticationFailed' } });
    const noVersion = await get(S);
    expect(noVersion.status).toBe(400);
    expect(noVersion.body).toMatchObject({ error: { code: 'MissingApiVersionParameter' } });
    const post = await fetch(`${base}${S}?api-version=2022-12-01`, { method: 'POST', headers: auth });
    expect(post.status).toBe(405);
  });

  it('lists and gets subscriptions', async () => {
    const list = await get('/subscriptions?api-version=2022-12-01');
    expect(list.body['value']).toEqual([expect.objectContaining({ subscriptionId: DEMO_SUBSCRIPTION_ID, displayName: 'ward-demo-clinic', state: 'Enabled' })]);
    const one = await get(`${S}?api-version=2022-12-01`);
    expect(one.body).toMatchObject({ id: S, subscriptionId: DEMO_SUBSCRIPTION_ID });
    const missing = await get('/subscriptions/00000000-0000-0000-0000-000000000000?api-version=2022-12-01');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'SubscriptionNotFound' } });
  });

  it('filters resources by type without properties and pages them with absolute nextLinks from the Host header', async () => {
    useWorld({ ...azureDemoWorld(), pageSize: 2 });
    const first = await get(`${S}/resources?api-version=2025-04-01&$filter=${encodeURIComponent("resourceType eq 'Microsoft.Network/networkSecurityGroups'")}`);
    const value = first.body['value'] as Array<Record<string, unknown>>;
    expect(value).toHaveLength(2);
    expect(value[0]).not.toHaveProperty('properties');
    expect(value[0]).toMatchObject({ type: 'Microsoft.Network/networkSecurityGroups', location: 'eastus' });
    const nextLink = first.body['nextLink'] as string;
    expect(nextLink.startsWith(`${base}${S}/resources?`)).toBe(true);
    const second = await get(nextLink);
    expect(second.body['value']).toHaveLength(2);
    expect(second.body['nextLink']).toBeUndefined();
    // $top below the page size wins; child types never appear in a resource list.
    const top = await get(`${S}/resources?api-version=2025-04-01&$top=1`);
    expect(top.body['value']).toHaveLength(1);
    const bad = await get(`${S}/resources?api-version=2025-04-01&$filter=${encodeURIComponent("name eq 'x'")}`);
    expect(bad.status).toBe(400);
  });

  it('serves a resource by id (case-insensitively) with its properties, its children, and 404 for the unknown', async () => {
    useWorld(azureDemoWorld());
    const id = `${S}/resourceGroups/rg-research/providers/Microsoft.Sql/servers/sql-research-export`;
    const server = await get(`${id.toLowerCase()}?api-version=2023-08-01`);
    expect(server.body).toMatchObject({ name: 'sql-research-export', properties: { publicNetworkAccess: 'Enabled' } });
    const rules = await get(`${id}/firewallRules?api-version=2023-08-01`);
    expect(rules.body['value']).toEqual([expect.objectContaining({ name: 'AllowAll', properties: { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' } })]);
    const doubleSlash = await get(`/${id}?api-version=2023-08-01`);
    expect(doubleSlash.status).toBe(200);
    const missing = await get(`${S}/resourceGroups/rg/providers/Microsoft.Compute/disks/nope?api-version=2024-03-02`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'ResourceNotFound' } });
  });

  it('lists the subscription diagnostic settings', async () => {
    const settings = await get(`${S}/providers/Microsoft.Insights/diagnosticSettings?api-version=2021-05-01-preview`);
    expect(settings.body['value']).toEqual([expect.objectContaining({ name: 'activity-to-law', properties: expect.objectContaining({ logs: expect.any(Array) }) })]);
  });

  it('answers 403 AuthorizationFailed for a denied type (lists, GETs and children) and a denied subscription', async () => {
    useWorld({ ...azureDemoWorld(), faults: { deniedTypes: ['microsoft.compute/disks', 'Microsoft.Sql/servers/firewallRules', 'microsoft.insights/diagnosticSettings'] } });
    const list = await get(`${S}/resources?api-version=2025-04-01&$filter=${encodeURIComponent("resourceType eq 'Microsoft.Compute/disks'")}`);
    expect(list.status).toBe(403);
    expect(list.body).toMatchObject({ error: { code: 'AuthorizationFailed', message: expect.stringContaining("'Microsoft.Compute/disks/read'") } });
    expect((await get(`${S}/resourceGroups/rg-analytics/providers/Microsoft.Compute/disks/analytics-scratch?api-version=2024-03-02`)).status).toBe(403);
    expect((await get(`${S}/resourceGroups/rg-research/providers/Microsoft.Sql/servers/sql-research-export/firewallRules?api-version=2023-08-01`)).status).toBe(403);
    expect((await get(`${S}/resourceGroups/rg-research/providers/Microsoft.Sql/servers/sql-research-export?api-version=2023-08-01`)).status).toBe(200);
    expect((await get(`${S}/providers/microsoft.insights/diagnosticSettings?api-version=2021-05-01-preview`)).status).toBe(403);
    useWorld({ ...azureDemoWorld(), faults: { deniedSubscriptions: [DEMO_SUBSCRIPTION_ID] } });
    expect((await get(`${S}?api-version=2022-12-01`)).status).toBe(403);
    expect((await get(`${S}/resources?api-version=2025-04-01`)).status).toBe(403);
  });

  it('throttles the first N matching calls with 429 and Retry-After, then serves them', async () => {
    useWorld({ ...azureDemoWorld(), faults: { throttle: { calls: 2, retryAfterSeconds: 3, pathContains: '/resources' } } });
    expect((await get(`${S}?api-version=2022-12-01`)).status).toBe(200);
    const first = await get(`${S}/resources?api-version=2025-04-01`);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.body).toMatchObject({ error: { code: 'TooManyRequests' } });
    expect((await get(`${S}/resources?api-version=2025-04-01`)).status).toBe(429);
    expect((await get(`${S}/resources?api-version=2025-04-01`)).status).toBe(200);
  });

  it('answers server errors for the first N calls', async () => {
    useWorld({ ...azureDemoWorld(), faults: { serverErrors: { calls: 1, status: 503 } } });
    const failed = await get(`${S}?api-version=2022-12-01`);
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ error: { code: 'ServiceUnavailable' } });
    expect((await get(`${S}?api-version=2022-12-01`)).status).toBe(200);
  });

  it('expands the generate section into seeded subscriptions', async () => {
    useWorld({ generate: { seed: 7, subscriptions: 3, resourcesPerSubscription: 5 } });
    const list = await get('/subscriptions?api-version=2022-12-01');
    const subs = list.body['value'] as Array<{ subscriptionId: string }>;
    expect(subs).toHaveLength(3);
    const resources = await get(`/subscriptions/${subs[0]?.subscriptionId ?? ''}/resources?api-version=2025-04-01`);
    expect(resources.body['value']).toHaveLength(5);
  });
});

describe('Azure world generator and schema', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const spec = { seed: 42, subscriptions: 4, resourcesPerSubscription: 25 };
    expect(generateAzureSubscriptions(spec)).toEqual(generateAzureSubscriptions(spec));
    expect(generateAzureSubscriptions(spec)[0]?.subscriptionId).not.toBe(generateAzureSubscriptions({ ...spec, seed: 43 })[0]?.subscriptionId);
    const subs = generateAzureSubscriptions(spec);
    for (const sub of subs) expect(sub.resources?.filter((r) => (r.type ?? '').split('/').length === 2)).toHaveLength(25);
  });

  it('validates the demo and a generated world under the sandbox Ajv settings, and rejects mistakes by path', () => {
    const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
    const validate = ajv.compile(schema);
    expect(validate(AZURE_DEMO_WORLD), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ subscriptions: generateAzureSubscriptions({ seed: 1, subscriptions: 2, resourcesPerSubscription: 30 }), faults: { throttle: { calls: 3 } } })).toBe(true);
    expect(validate({ generate: { seed: 1, subscriptions: 2, resourcesPerSubscription: 3 }, pageSize: 50 })).toBe(true);
    expect(validate({ subscriptions: [{ subscriptionId: 'x', displayName: 'y', resources: [{ id: 'not-an-id' }] }] })).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/subscriptions/0/resources/0/id');
    expect(validate({ faults: { throttle: { calls: 'many' } } })).toBe(false);
  });

  it('parses resource ids into type and name, children included', () => {
    expect(parseResourceId('/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/a/firewallRules/b')).toEqual({ type: 'Microsoft.Sql/servers/firewallRules', name: 'b' });
    expect(parseResourceId('/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/a/firewallRules')).toBeUndefined();
  });
});

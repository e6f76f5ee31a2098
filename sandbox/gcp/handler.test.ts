import { Ajv } from 'ajv';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import schema from './world.schema.json' with { type: 'json' };
import { DEMO_ORGANIZATION_ID, DEMO_PROJECT_ID, DEMO_PROJECT_NUMBER, demoGcpWorld } from './demo.js';
import { generateGcpProjects } from './generate.js';
import { handleGcpRequest, resetGcpWorld, type GcpWorld } from './handler.js';
import { serveHandler, type HandlerServer } from '../../test/support/handler-server.js';

let world: GcpWorld = demoGcpWorld();
let server: HandlerServer;
let base: string;

beforeAll(async () => {
  server = await serveHandler((req, res, body) => handleGcpRequest(req, res, body, world));
  base = server.base;
});

afterAll(() => server.close());

beforeEach(() => {
  world = demoGcpWorld();
});

const auth = { authorization: 'Bearer ward-placeholder-token' };
const P = `/v1/projects/${DEMO_PROJECT_ID}`;
const INT = '$alt=json%3Benum-encoding=int';

type Json = Record<string, unknown>;
interface Asset {
  name: string;
  assetType: string;
  ancestors: string[];
  resource?: { data: Json; location?: string; parent?: string };
  iamPolicy?: { auditConfigs?: Array<{ service: string; auditLogConfigs: Array<{ logType: unknown }> }> };
}

async function get(path: string, init: RequestInit = { headers: auth }): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? (JSON.parse(text) as Json) : { text } };
}

const assetsOf = (body: Json) => (body['assets'] ?? []) as Asset[];

describe('sandbox Cloud Asset API', () => {
  it('lists a project\'s assets of a type with their resource data, location and ancestors', async () => {
    const { status, body } = await get(`${P}/assets?assetTypes=compute.googleapis.com/Disk&contentType=1&${INT}`);
    expect(status).toBe(200);
    const disks = assetsOf(body);
    expect(disks.map((d) => d.name)).toContain(`//compute.googleapis.com/projects/${DEMO_PROJECT_ID}/zones/us-central1-a/disks/scratch-etl`);
    const regional = disks.find((d) => d.name.endsWith('/disks/ehr-db-replica'));
    expect(regional?.name).toBe(`//compute.googleapis.com/projects/${DEMO_PROJECT_ID}/regions/us-central1/disks/ehr-db-replica`);
    expect(regional?.resource?.location).toBe('us-central1');
    expect(regional?.ancestors).toEqual([`projects/${DEMO_PROJECT_NUMBER}`, 'folders/300000000007', `organizations/${DEMO_ORGANIZATION_ID}`]);
    expect(regional?.resource?.parent).toBe(`//cloudresourcemanager.googleapis.com/projects/${DEMO_PROJECT_NUMBER}`);
    expect(typeof body['readTime']).toBe('string');
  });

  it('accepts the project number as well as the id, and contentType by name', async () => {
    const byNumber = await get(`/v1/projects/${DEMO_PROJECT_NUMBER}/assets?assetTypes=sqladmin.googleapis.com/Instance&contentType=RESOURCE`);
    expect(assetsOf(byNumber.body)).toHaveLength(4);
  });

  it('pages by pageSize with opaque tokens bound to the request', async () => {
    const q = `assetTypes=compute.googleapis.com/Firewall&contentType=1&pageSize=3`;
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await get(`${P}/assets?${q}${token === undefined ? '' : `&pageToken=${token}`}`);
      expect(status).toBe(200);
      names.push(...assetsOf(body).map((a) => a.name));
      token = body['nextPageToken'] as string | undefined;
      pages += 1;
    } while (token !== undefined);
    expect(pages).toBe(3);
    expect(names).toHaveLength(8);
    expect(new Set(names).size).toBe(8);

    const first = await get(`${P}/assets?${q}`);
    const reused = await get(`${P}/assets?assetTypes=compute.googleapis.com/Disk&contentType=1&pageSize=3&pageToken=${String(first.body['nextPageToken'])}`);
    expect(reused.status).toBe(400);
    expect((reused.body['error'] as Json)['status']).toBe('INVALID_ARGUMENT');
    expect((await get(`${P}/assets?${q}&pageToken=garbage`)).status).toBe(400);
  });

  it('defaults to 100 per page and refuses more than 1000', async () => {
    expect((await get(`${P}/assets?pageSize=1001`)).status).toBe(400);
    world = { projects: generateGcpProjects({ seed: 3, projects: 1, resourcesPerProject: 150 }) };
    const pid = world.projects?.[0]?.projectId ?? '';
    const { body } = await get(`/v1/projects/${pid}/assets?contentType=1`);
    expect(assetsOf(body)).toHaveLength(100);
    expect(body['nextPageToken']).toBeDefined();
  });

  it('treats assetTypes as anchored regular expressions', async () => {
    const { body } = await get(`${P}/assets?assetTypes=compute.googleapis.com.*&contentType=1&pageSize=1000`);
    const types = new Set(assetsOf(body).map((a) => a.assetType));
    expect([...types].sort()).toEqual(['compute.googleapis.com/Disk', 'compute.googleapis.com/Firewall', 'compute.googleapis.com/Project']);
    expect((await get(`${P}/assets?assetTypes=(`)).status).toBe(400);
  });

  it('returns IAM policies with audit configs, log types as numbers when enum-encoding=int asks for it', async () => {
    const asInt = await get(`${P}/assets?assetTypes=cloudresourcemanager.googleapis.com/Project&contentType=2&${INT}`);
    const [project] = assetsOf(asInt.body);
    expect(project?.name).toBe(`//cloudresourcemanager.googleapis.com/projects/${DEMO_PROJECT_NUMBER}`);
    expect(project?.resource).toBeUndefined();
    expect(project?.iamPolicy?.auditConfigs?.[0]).toEqual({ service: 'allServices', auditLogConfigs: [{ logType: 2, exemptedMembers: [`serviceAccount:etl-loader@${DEMO_PROJECT_ID}.iam.gserviceaccount.com`] }] });
    const asNames = await get(`${P}/assets?assetTypes=cloudresourcemanager.googleapis.com/Project&contentType=IAM_POLICY`);
    expect(assetsOf(asNames.body)[0]?.iamPolicy?.auditConfigs?.[0]?.auditLogConfigs[0]?.logType).toBe('DATA_WRITE');
  });

  it('lists every project, folder and asset under an organisation, and organisation policies at the organisation', async () => {
    const { body } = await get(`/v1/organizations/${DEMO_ORGANIZATION_ID}/assets?assetTypes=cloudresourcemanager.googleapis.com/.*&contentType=1`);
    expect(assetsOf(body).map((a) => a.assetType).sort()).toEqual([
      'cloudresourcemanager.googleapis.com/Folder',
      'cloudresourcemanager.googleapis.com/Organization',
      'cloudresourcemanager.googleapis.com/Project',
    ]);
    const project = assetsOf(body).find((a) => a.assetType.endsWith('/Project'));
    expect(project?.resource?.data).toMatchObject({ projectId: DEMO_PROJECT_ID, projectNumber: DEMO_PROJECT_NUMBER, lifecycleState: 'ACTIVE', name: 'Ward demo: EHR' });
  });

  it('adds the _Default and _Required buckets every project has, with their defaults', async () => {
    world = { projects: [{ projectId: 'bare-project', projectNumber: '1234567' }] };
    const { body } = await get('/v1/projects/bare-project/assets?assetTypes=logging.googleapis.com/LogBucket&contentType=1');
    expect(assetsOf(body).map((a) => [a.name, a.resource?.data['retentionDays'], a.resource?.data['locked']])).toEqual([
      ['//logging.googleapis.com/projects/bare-project/locations/global/buckets/_Default', 30, undefined],
      ['//logging.googleapis.com/projects/bare-project/locations/global/buckets/_Required', 400, true],
    ]);
    const compute = await get('/v1/projects/bare-project/assets?assetTypes=compute.googleapis.com/Project&contentType=1');
    expect(assetsOf(compute.body)).toEqual([]);
  });

  it('derives Cloud SQL addresses from the IP configuration', async () => {
    const { body } = await get(`${P}/assets?assetTypes=sqladmin.googleapis.com/Instance&contentType=1`);
    const addresses = Object.fromEntries(assetsOf(body).map((a) => [a.resource?.data['name'], (a.resource?.data['ipAddresses'] as Array<{ type: string }> | undefined)?.map((i) => i.type)]));
    expect(addresses).toEqual({ 'analytics-db': ['PRIMARY'], 'ehr-primary': ['PRIVATE'], 'legacy-import': ['PRIVATE'], 'reporting-replica': ['PRIMARY'] });
  });

  it('searches resources under a scope with a small query language', async () => {
    const { status, body } = await get(`/v1/organizations/${DEMO_ORGANIZATION_ID}:searchAllResources?assetTypes=cloudresourcemanager.googleapis.com/Project&query=state:ACTIVE&${INT}`);
    expect(status).toBe(200);
    expect(body['results']).toEqual([
      expect.objectContaining({
        name: `//cloudresourcemanager.googleapis.com/projects/${DEMO_PROJECT_ID}`,
        project: `projects/${DEMO_PROJECT_NUMBER}`,
        displayName: 'Ward demo: EHR',
        state: 'ACTIVE',
        folders: ['folders/300000000007'],
        organization: `organizations/${DEMO_ORGANIZATION_ID}`,
        additionalAttributes: { projectId: DEMO_PROJECT_ID },
      }),
    ]);
    const disks = await get(`${P}:searchAllResources?assetTypes=compute.googleapis.com/Disk&query=location:us-central1-a&pageSize=1`);
    expect((disks.body['results'] as unknown[]).length).toBe(1);
    expect(disks.body['nextPageToken']).toBeDefined();
  });

  it('answers 401 without a bearer token', async () => {
    const { status, body } = await get(`${P}/assets`, { headers: {} });
    expect(status).toBe(401);
    expect((body['error'] as Json)['status']).toBe('UNAUTHENTICATED');
  });

  it('answers 403 PERMISSION_DENIED in Google\'s error shape for a denied scope, a denied permission or an unknown project', async () => {
    world = { ...demoGcpWorld(), faults: { deniedScopes: [`projects/${DEMO_PROJECT_NUMBER}`], deniedPermissions: ['cloudasset.assets.listIamPolicy'] } };
    const denied = await get(`${P}/assets?contentType=1`);
    expect(denied.status).toBe(403);
    expect(denied.body['error']).toEqual({
      code: 403,
      status: 'PERMISSION_DENIED',
      message: expect.stringContaining('cloudasset.assets.listResource'),
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'IAM_PERMISSION_DENIED',
          domain: 'cloudasset.googleapis.com',
          metadata: { permission: 'cloudasset.assets.listResource', resource: `projects/${DEMO_PROJECT_ID}` },
        },
      ],
    });
    const iam = await get(`/v1/organizations/${DEMO_ORGANIZATION_ID}/assets?contentType=2`);
    expect(iam.status).toBe(403);
    expect(((iam.body['error'] as Json)['details'] as Json[])[0]?.['metadata']).toMatchObject({ permission: 'cloudasset.assets.listIamPolicy' });
    expect((await get(`/v1/organizations/${DEMO_ORGANIZATION_ID}/assets?contentType=1`)).status).toBe(200);
    expect((await get('/v1/projects/no-such-project/assets')).status).toBe(403);
  });

  it('answers 429 RESOURCE_EXHAUSTED for the first N matching calls, then recovers', async () => {
    world = { ...demoGcpWorld(), faults: { exhausted: { calls: 2, matching: 'compute.googleapis.com/Disk' } } };
    const disk = `${P}/assets?assetTypes=compute.googleapis.com/Disk&contentType=1`;
    expect((await get(`${P}/assets?assetTypes=logging.googleapis.com/LogBucket`)).status).toBe(200);
    const first = await get(disk);
    expect(first.status).toBe(429);
    expect(first.body['error']).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED', details: [expect.objectContaining({ reason: 'RATE_LIMIT_EXCEEDED' }), expect.anything()] });
    expect((await get(disk)).status).toBe(429);
    expect((await get(disk)).status).toBe(200);
  });

  it('answers 503 UNAVAILABLE for the first N calls when asked', async () => {
    world = { ...demoGcpWorld(), faults: { unavailable: { calls: 1 } } };
    expect((await get(`${P}/assets`)).status).toBe(503);
    expect((await get(`${P}/assets`)).status).toBe(200);
  });

  it('is read-only, answers unknown Cloud Asset methods with 404, and leaves other paths alone', async () => {
    expect((await get(`${P}/assets`, { method: 'POST', headers: auth, body: '{}' })).status).toBe(501);
    expect((await get(`${P}:exportAssets`)).status).toBe(404);
    const other = await get('/v1/something-else');
    expect(other).toEqual({ status: 404, body: { text: 'not handled' } });
    expect((await get('/subscriptions/x')).body).toEqual({ text: 'not handled' });
  });

  it('forgets fault counters on reset', async () => {
    world = { ...demoGcpWorld(), faults: { unavailable: { calls: 1 } } };
    expect((await get(`${P}/assets`)).status).toBe(503);
    resetGcpWorld(world);
    expect((await get(`${P}/assets`)).status).toBe(503);
  });
});

describe('GcpWorld schema and generator', () => {
  const validate = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false }).compile(schema);

  it('accepts the demo world and a generated one, and rejects unknown keys and bad values', () => {
    expect(validate(demoGcpWorld()), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ generate: { seed: 1, projects: 2, resourcesPerProject: 5 }, faults: { deniedScopes: ['projects/x-project'], exhausted: { calls: 3 } } })).toBe(true);
    expect(validate({ projects: [{ projectId: 'Bad_Id', projectNumber: '1' }] })).toBe(false);
    expect(validate({ projects: [{ projectId: 'good-id', projectNumber: '1', disks: [{ name: 'd', size: 3 }] }] })).toBe(false);
    expect(validate({ faults: { deniedPermissions: ['compute.disks.get'] } })).toBe(false);
    expect(validate({ surprise: true })).toBe(false);
  });

  it('generates the same projects for the same seed, K resources each, under one organisation', () => {
    const a = generateGcpProjects({ seed: 7, projects: 3, resourcesPerProject: 20 });
    expect(generateGcpProjects({ seed: 7, projects: 3, resourcesPerProject: 20 })).toEqual(a);
    expect(generateGcpProjects({ seed: 8, projects: 3, resourcesPerProject: 20 })).not.toEqual(a);
    for (const project of a) {
      const count = (project.disks?.length ?? 0) + (project.firewalls?.length ?? 0) + (project.sqlInstances?.length ?? 0) + (project.logBuckets?.length ?? 1) - 1;
      expect(count).toBe(20);
      expect(project.parent).toBe('organizations/100000000001');
    }
    expect(validate({ projects: a })).toBe(true);
  });

  it('serves generated projects under their organisation', async () => {
    world = { generate: { seed: 11, projects: 4, resourcesPerProject: 3 } };
    const { body } = await get('/v1/organizations/100000000001/assets?assetTypes=cloudresourcemanager.googleapis.com/Project&contentType=1');
    expect(assetsOf(body)).toHaveLength(4);
  });
});

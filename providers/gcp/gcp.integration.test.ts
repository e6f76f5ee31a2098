// The Google Cloud provider end to end: the real @google-cloud/asset client, over plain HTTP with the
// placeholder token, against the sandbox's Cloud Asset handler, through the real engine and controls.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_CONTROLS } from '../../checks/index.js';
import { runScan } from '../../core/engine.js';
import { newApiMetrics, type ApiMetrics } from '../../core/metrics.js';
import type { Finding, ScanDocument } from '../../core/model.js';
import { DEMO_FOLDER_ID, DEMO_ORGANIZATION_ID, DEMO_PROJECT_ID, DEMO_PROJECT_NUMBER, demoGcpWorld } from '../../sandbox/gcp/demo.js';
import { handleGcpRequest } from '../../sandbox/gcp/handler.js';
import type { GcpWorld } from '../../sandbox/gcp/types.js';
import { PLACEHOLDER_TOKEN } from './client.js';
import { gcpPlan, type GcpPlanOptions } from './provider.js';

const GCP_CONTROLS = ALL_CONTROLS.filter((c) => c.provider === 'gcp');
const FAST_RETRY = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, timeoutMs: 5000 };

interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  status: number;
}

let server: Server | undefined;

afterEach(async () => {
  const s = server;
  server = undefined;
  if (s !== undefined) await new Promise((resolve) => s.close(resolve));
});

async function serve(world: GcpWorld): Promise<{ endpoint: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (!handleGcpRequest(req, res, body, world)) {
        res.statusCode = 404;
        res.end();
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, status: res.statusCode });
    });
  });
  const s = server;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, requests };
}

async function scan(world: GcpWorld, scopes: string[], extra: Partial<GcpPlanOptions> = {}): Promise<{ doc: ScanDocument; requests: Recorded[]; metrics: ApiMetrics }> {
  const { endpoint, requests } = await serve(world);
  const metrics = newApiMetrics();
  const plan = await gcpPlan({ scopes, endpoint, metrics, retry: FAST_RETRY, ...extra });
  const doc = await runScan({ plans: [plan], controls: GCP_CONTROLS, thresholds: { minLogRetentionDays: 365 } });
  return { doc, requests, metrics };
}

/** `control → resource id → status` for quick assertions. */
function verdicts(results: Finding[], controlId: string): Record<string, string> {
  return Object.fromEntries(results.filter((f) => f.controlId === controlId).map((f) => [f.resource.id, f.status]));
}

function one(results: Finding[], controlId: string, id: string): Finding {
  const found = results.find((f) => f.controlId === controlId && f.resource.id === id);
  if (found === undefined) throw new Error(`no ${controlId} result for ${id}`);
  return found;
}

describe('Google Cloud provider against the sandbox Cloud Asset API', () => {
  it('judges every control on the demo project, paging through small pages', async () => {
    const { doc, requests, metrics } = await scan(demoGcpWorld(), [`projects/${DEMO_PROJECT_ID}`], { pageSize: 2 });
    const r = doc.results;

    // Who scanned: over plain http nobody signed in, and the scan document says so rather than leaving it blank.
    const identity = { principal: 'sandbox (no credentials)', via: 'placeholder token to a plain-http endpoint (WARD_GCP_ENDPOINT)' };
    expect(doc.targets).toEqual([{ provider: 'gcp', account: DEMO_PROJECT_ID, name: 'Ward demo: EHR', identity, regions: ['global'], disabledRegions: [] }]);
    expect(doc.coverage).toEqual([]);

    expect(verdicts(r, 'gcp-disk-cmek')).toEqual({ 'ehr-db-data': 'PASS', 'ehr-app-boot': 'PASS', 'ehr-db-replica': 'PASS', 'imaging-cache': 'PASS', 'scratch-etl': 'FAIL' });
    expect(one(r, 'gcp-disk-cmek', 'scratch-etl')).toMatchObject({ region: 'us-central1-a', scope: 'global', severity: 'medium' });
    expect(one(r, 'gcp-disk-cmek', 'ehr-db-replica').region).toBe('us-central1');
    expect(one(r, 'gcp-disk-cmek', 'scratch-etl').message).toContain('Google-managed key');

    expect(verdicts(r, 'gcp-cloudsql-not-public')).toEqual({ 'ehr-primary': 'PASS', 'reporting-replica': 'FAIL', 'analytics-db': 'FAIL', 'legacy-import': 'PASS' });
    expect(one(r, 'gcp-cloudsql-not-public', 'reporting-replica')).toMatchObject({ severity: 'critical', region: 'us-central1' });
    expect(one(r, 'gcp-cloudsql-not-public', 'analytics-db')).toMatchObject({ severity: 'medium', region: 'us-east1' });
    expect(one(r, 'gcp-cloudsql-not-public', 'legacy-import').message).toContain('admit nothing without a public IP');

    expect(verdicts(r, 'gcp-ssh-not-open')).toEqual({
      'default-allow-internal': 'PASS',
      'allow-iap-ssh': 'PASS',
      'allow-https-lb': 'PASS',
      'legacy-bastion-ssh': 'FAIL',
      'default-allow-ssh': 'PASS',
      'egress-sftp-partner': 'PASS',
      'ehr-deny-ssh-internet': 'PASS',
      'ehr-ops-ssh': 'PASS',
    });
    expect(one(r, 'gcp-ssh-not-open', 'legacy-bastion-ssh')).toMatchObject({ severity: 'high', region: 'global' });
    expect(one(r, 'gcp-ssh-not-open', 'ehr-ops-ssh').message).toContain('ehr-deny-ssh-internet');

    expect(verdicts(r, 'gcp-oslogin-2fa')).toEqual({ [DEMO_PROJECT_ID]: 'FAIL', [`${DEMO_PROJECT_ID}/user-2-step-verification`]: 'NOT_ASSESSABLE' });

    const audit = one(r, 'gcp-data-access-audit-logs', DEMO_PROJECT_ID);
    expect(audit).toMatchObject({ status: 'FAIL', severity: 'high' });
    expect(audit.resource.uid).toBe(`//cloudresourcemanager.googleapis.com/projects/${DEMO_PROJECT_NUMBER}`);
    expect(audit.message).toContain('DATA_READ');
    expect(audit.message).toContain('storage.googleapis.com');

    expect(verdicts(r, 'gcp-log-bucket-retention')).toEqual({ _Default: 'FAIL', _Required: 'PASS', 'phi-audit-archive': 'PASS' });

    // Nothing passes that was not judged: every control produced results and none is an ERROR.
    for (const control of GCP_CONTROLS) expect(r.some((f) => f.controlId === control.id)).toBe(true);
    expect(r.filter((f) => f.status === 'ERROR')).toEqual([]);

    // Pages of two: the eight firewall rules took four listAssets pages, each after the first with a token.
    const firewallPages = requests.filter((q) => q.url.includes('compute.googleapis.com/Firewall'));
    expect(firewallPages).toHaveLength(4);
    expect(firewallPages.filter((q) => q.url.includes('pageToken='))).toHaveLength(3);
    expect(metrics.calls).toBe(requests.length);
    expect(metrics.attempts).toBe(requests.length);
  });

  it('sends what the REST transport sends: GET, repeated assetTypes, numeric contentType, int enums, the placeholder token', async () => {
    const { requests } = await scan(demoGcpWorld(), [`projects/${DEMO_PROJECT_ID}`]);
    const disk = requests.find((q) => q.url.includes('compute.googleapis.com/Disk'));
    expect(disk).toEqual({
      method: 'GET',
      url: `/v1/projects/${DEMO_PROJECT_ID}/assets?assetTypes=compute.googleapis.com/Disk&contentType=1&pageSize=1000&$alt=json%3Benum-encoding=int`,
      authorization: `Bearer ${PLACEHOLDER_TOKEN}`,
      status: 200,
    });
    expect(requests.some((q) => q.url.includes('contentType=2'))).toBe(true);
    expect(requests.every((q) => q.method === 'GET' && q.status === 200)).toBe(true);
  });

  it('turns a denied project into ERROR results for every control, never PASS', async () => {
    const world = { ...demoGcpWorld(), faults: { deniedScopes: [`projects/${DEMO_PROJECT_ID}`] } };
    const { doc } = await scan(world, [`projects/${DEMO_PROJECT_ID}`]);
    expect(doc.results).toHaveLength(GCP_CONTROLS.length);
    expect(doc.results.every((f) => f.status === 'ERROR' && f.region === '*')).toBe(true);
    expect(doc.results[0]?.message).toContain('PERMISSION_DENIED');
    expect(doc.coverage).toEqual([
      expect.objectContaining({ provider: 'gcp', account: DEMO_PROJECT_ID, code: 'PERMISSION_DENIED', api: 'cloudasset:ListAssets(cloudresourcemanager.googleapis.com/Project)' }),
    ]);
  });

  it('turns a denied organisation scope into ERROR results for the scope, never silence', async () => {
    const world = { ...demoGcpWorld(), faults: { deniedScopes: [`organizations/${DEMO_ORGANIZATION_ID}`] } };
    const { doc } = await scan(world, [`organizations/${DEMO_ORGANIZATION_ID}`]);
    expect(doc.targets.map((t) => t.account)).toEqual([`organizations/${DEMO_ORGANIZATION_ID}`]);
    expect(doc.results.map((f) => f.status)).toEqual(GCP_CONTROLS.map(() => 'ERROR'));
    expect(doc.results.some((f) => f.status === 'PASS')).toBe(false);
  });

  it('reports ERROR only for the controls whose read is denied (IAM policies), and judges the rest', async () => {
    const world = { ...demoGcpWorld(), faults: { deniedPermissions: ['cloudasset.assets.listIamPolicy'] } };
    const { doc } = await scan(world, [`projects/${DEMO_PROJECT_ID}`]);
    const errors = doc.results.filter((f) => f.status === 'ERROR');
    expect(errors.map((f) => f.controlId)).toEqual(['gcp-data-access-audit-logs']);
    expect(errors[0]?.message).toContain('cloudasset.assets.listIamPolicy');
    expect(doc.coverage).toEqual([expect.objectContaining({ code: 'PERMISSION_DENIED', controls: ['gcp-data-access-audit-logs'], region: 'global' })]);
    expect(doc.results.filter((f) => f.controlId === 'gcp-disk-cmek')).toHaveLength(5);
  });

  it('says ERROR, not FAIL, when the project lacks Data Access logs and the inherited policy cannot be read', async () => {
    const world = { ...demoGcpWorld(), faults: { deniedScopes: [`organizations/${DEMO_ORGANIZATION_ID}`] } };
    // Without the demo's exemption, which alone would make it a FAIL whatever the organisation says.
    for (const project of world.projects ?? []) project.auditConfigs = [{ service: 'allServices', auditLogConfigs: [{ logType: 'DATA_WRITE' }] }];
    const { doc } = await scan(world, [`projects/${DEMO_PROJECT_ID}`]);
    const audit = one(doc.results, 'gcp-data-access-audit-logs', DEMO_PROJECT_ID);
    expect(audit.status).toBe('ERROR');
    expect(audit.message).toContain(`organizations/${DEMO_ORGANIZATION_ID}`);
    expect(one(doc.results, 'gcp-disk-cmek', 'scratch-etl').status).toBe('FAIL');
  });

  it('fails the demo project for its exempted ETL account, naming it (CIS GCP 2.1)', async () => {
    const { doc } = await scan(demoGcpWorld(), [`projects/${DEMO_PROJECT_ID}`]);
    const audit = one(doc.results, 'gcp-data-access-audit-logs', DEMO_PROJECT_ID);
    expect(audit.status).toBe('FAIL');
    expect(audit.message).toContain(`DATA_WRITE exempts serviceAccount:etl-loader@${DEMO_PROJECT_ID}.iam.gserviceaccount.com at project ${DEMO_PROJECT_ID}`);
  });

  it('passes Data Access logs enabled once for the organisation, inherited by the project, and fails an organisation exemption', async () => {
    const world = demoGcpWorld();
    for (const project of world.projects ?? []) project.auditConfigs = [];
    world.organizations = [{ id: DEMO_ORGANIZATION_ID, auditConfigs: [{ service: 'allServices', auditLogConfigs: [{ logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }] }] }];
    const clean = one((await scan(world, [`projects/${DEMO_PROJECT_ID}`])).doc.results, 'gcp-data-access-audit-logs', DEMO_PROJECT_ID);
    expect(clean.status).toBe('PASS');
    expect(clean.message).toContain(`organizations/${DEMO_ORGANIZATION_ID}`);

    const other = demoGcpWorld();
    for (const project of other.projects ?? []) project.auditConfigs = [];
    other.organizations = [{ id: DEMO_ORGANIZATION_ID, auditConfigs: [{ service: 'allServices', auditLogConfigs: [{ logType: 'DATA_READ', exemptedMembers: ['user:etl@example-health.com'] }, { logType: 'DATA_WRITE' }] }] }];
    const exempting = one((await scan(other, [`projects/${DEMO_PROJECT_ID}`])).doc.results, 'gcp-data-access-audit-logs', DEMO_PROJECT_ID);
    expect(exempting.status).toBe('FAIL');
    expect(exempting.message).toContain(`DATA_READ exempts user:etl@example-health.com at organizations/${DEMO_ORGANIZATION_ID}`);
  });

  it('enumerates every active project under an organisation or folder, each its own target, with its own resources', async () => {
    const world = demoGcpWorld();
    world.folders = [...(world.folders ?? []), { id: '300000000099', displayName: 'research', parent: `organizations/${DEMO_ORGANIZATION_ID}` }];
    world.projects = [
      ...(world.projects ?? []),
      {
        projectId: 'research-sandbox',
        projectNumber: '555000111222',
        displayName: 'Research sandbox',
        parent: 'folders/300000000099',
        computeMetadata: [{ key: 'enable-oslogin', value: 'TRUE' }, { key: 'enable-oslogin-2fa', value: 'TRUE' }],
        auditConfigs: [{ service: 'allServices', auditLogConfigs: [{ logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }] }],
        disks: [{ name: 'notebook-disk', location: 'europe-west4-a' }],
        logBuckets: [{ name: '_Default', location: 'global', data: { retentionDays: 400 } }],
      },
      { projectId: 'old-pilot', projectNumber: '555000111333', parent: `organizations/${DEMO_ORGANIZATION_ID}`, lifecycleState: 'DELETE_REQUESTED', disks: [{ name: 'gone' }] },
    ];

    const org = await scan(world, [`organizations/${DEMO_ORGANIZATION_ID}`], { pageSize: 3 });
    expect(org.doc.targets.map((t) => [t.account, t.name])).toEqual([
      ['research-sandbox', 'Research sandbox'],
      [DEMO_PROJECT_ID, 'Ward demo: EHR'],
    ]);
    expect(org.doc.coverage).toEqual([]);
    const disks = org.doc.results.filter((f) => f.controlId === 'gcp-disk-cmek').map((f) => `${f.account}:${f.resource.id}:${f.status}`);
    expect(disks).toContain('research-sandbox:notebook-disk:FAIL');
    expect(disks.filter((d) => d.startsWith(`${DEMO_PROJECT_ID}:`))).toHaveLength(5);
    expect(disks.some((d) => d.includes('gone'))).toBe(false);
    expect(one(org.doc.results, 'gcp-oslogin-2fa', 'research-sandbox')).toMatchObject({ account: 'research-sandbox', status: 'PASS' });
    expect(one(org.doc.results, 'gcp-data-access-audit-logs', 'research-sandbox').status).toBe('PASS');
    expect(one(org.doc.results, 'gcp-data-access-audit-logs', DEMO_PROJECT_ID).status).toBe('FAIL');
    // One scope-wide read per asset type, not one per project: no request names a project.
    expect(org.requests.filter((q) => q.url.startsWith('/v1/projects/'))).toEqual([]);

    const folder = await scan(world, [`folders/${DEMO_FOLDER_ID}`, `projects/${DEMO_PROJECT_ID}`]);
    expect(folder.doc.targets.map((t) => t.account)).toEqual([DEMO_PROJECT_ID]);
  });

  it('accepts a project by number, and reads a project named twice (by id and by number) once', async () => {
    const { doc } = await scan(demoGcpWorld(), [`projects/${DEMO_PROJECT_NUMBER}`, `projects/${DEMO_PROJECT_ID}`]);
    expect(doc.targets.map((t) => t.account)).toEqual([DEMO_PROJECT_ID]);
    expect(doc.results.filter((f) => f.controlId === 'gcp-disk-cmek')).toHaveLength(5);
  });

  it('retries RESOURCE_EXHAUSTED with backoff, and reports ERROR when the quota stays exhausted', async () => {
    const recovered = await scan({ ...demoGcpWorld(), faults: { exhausted: { calls: 2 } } }, [`projects/${DEMO_PROJECT_ID}`]);
    expect(recovered.doc.coverage).toEqual([]);
    expect(recovered.metrics.throttled).toBe(2);
    expect(recovered.metrics.attempts).toBe(recovered.metrics.calls + 2);

    const exhausted = await scan({ ...demoGcpWorld(), faults: { exhausted: { calls: 1000, matching: 'compute.googleapis.com/Firewall' } } }, [`projects/${DEMO_PROJECT_ID}`]);
    const ssh = exhausted.doc.results.filter((f) => f.controlId === 'gcp-ssh-not-open');
    expect(ssh).toHaveLength(1);
    expect(ssh[0]).toMatchObject({ status: 'ERROR', region: 'global' });
    expect(ssh[0]?.message).toContain('RESOURCE_EXHAUSTED');
    expect(exhausted.doc.coverage).toEqual([
      expect.objectContaining({ code: 'RESOURCE_EXHAUSTED', controls: ['gcp-ssh-not-open'], reason: expect.stringMatching(/^still throttled after 3 attempts: Quota exceeded/) }),
    ]);
    expect(exhausted.doc.results.filter((f) => f.status === 'ERROR')).toHaveLength(1);
  });
});

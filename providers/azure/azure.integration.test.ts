// The Azure provider end to end: the real Azure SDK clients, over plain HTTP with a placeholder token,
// against the sandbox's Azure Resource Manager serving the demo world; the real engine and controls.

import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyControl } from '../../core/control.js';
import { runScan } from '../../core/engine.js';
import { UserError } from '../../core/errors.js';
import { newApiMetrics, type ApiMetrics } from '../../core/metrics.js';
import type { Finding, ScanDocument } from '../../core/model.js';
import activityLogExported from '../../checks/azure/activity-log-exported.js';
import databaseNotPublic from '../../checks/azure/database-not-public.js';
import diskCmek from '../../checks/azure/disk-cmek.js';
import logAnalyticsRetention from '../../checks/azure/log-analytics-retention.js';
import sshNotOpen from '../../checks/azure/ssh-not-open.js';
import userMfa from '../../checks/azure/user-mfa.js';
import { disk, firewallRule, sqlServer } from '../../sandbox/azure/builders.js';
import { DEMO_SUBSCRIPTION_ID, azureDemoWorld } from '../../sandbox/azure/demo.js';
import { handleAzureRequest, type AzureWorld } from '../../sandbox/azure/handler.js';
import { PLACEHOLDER_TOKEN } from './clients.js';
import { DEFAULT_RESOURCE_CONCURRENCY, azurePlan, type AzurePlanOptions } from './provider.js';

const CONTROLS: AnyControl[] = [diskCmek, databaseNotPublic, sshNotOpen, userMfa, activityLogExported, logAnalyticsRetention];
const FAST_RETRY = { maxRetries: 3, retryDelayInMs: 1, maxRetryDelayInMs: 5 };

interface Sandbox {
  endpoint: string;
  requests: Array<{ url: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

const open: Sandbox[] = [];

async function sandbox(world: AzureWorld, delayMs: (url: string) => number = () => 0): Promise<Sandbox> {
  const requests: Sandbox['requests'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
      const answer = () => {
        if (!handleAzureRequest(req, res, body, world)) {
          res.statusCode = 404;
          res.end();
        }
      };
      const delay = delayMs(req.url ?? '');
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const box: Sandbox = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  open.push(box);
  return box;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((box) => box.close()));
});

async function scan(world: AzureWorld, options: Partial<AzurePlanOptions> = {}, metrics: ApiMetrics = newApiMetrics()): Promise<{ doc: ScanDocument; box: Sandbox; metrics: ApiMetrics }> {
  const box = await sandbox(world);
  const plan = await azurePlan({ endpoint: box.endpoint, metrics, retry: FAST_RETRY, ...options });
  const doc = await runScan({ plans: [plan], controls: CONTROLS, thresholds: { minLogRetentionDays: 365 } });
  return { doc, box, metrics };
}

function verdicts(doc: ScanDocument, controlId: string, account = DEMO_SUBSCRIPTION_ID): Record<string, string> {
  return Object.fromEntries(doc.results.filter((f) => f.controlId === controlId && f.account === account).map((f) => [f.resource.id, f.status === 'FAIL' ? `FAIL ${f.severity}` : f.status]));
}

function find(doc: ScanDocument, controlId: string, resourceId: string): Finding {
  const finding = doc.results.find((f) => f.controlId === controlId && f.resource.id === resourceId);
  if (finding === undefined) throw new Error(`no ${controlId} finding for ${resourceId}`);
  return finding;
}

const DEMO_VERDICTS = {
  'azure-disk-cmek': { 'ehr-db-data': 'PASS', 'ehr-app-os': 'PASS', 'analytics-scratch': 'FAIL medium' },
  'azure-database-not-public': {
    'sql-ehr-prod': 'PASS',
    'sql-billing': 'FAIL medium',
    'sql-research-export': 'FAIL critical',
    'pg-patient-portal': 'PASS',
    'pg-reporting': 'FAIL medium',
    'mysql-scheduling': 'PASS',
  },
  'azure-ssh-not-open': { 'nsg-ehr-web': 'PASS', 'nsg-jumpbox': 'FAIL high', 'nsg-build-agents': 'PASS', 'nsg-legacy-app': 'PASS' },
  'azure-user-mfa': { [DEMO_SUBSCRIPTION_ID]: 'NOT_ASSESSABLE' },
  'azure-activity-log-exported': { [`${DEMO_SUBSCRIPTION_ID}/activity-log`]: 'FAIL high' },
  'azure-log-analytics-retention': { 'law-clinic-security': 'PASS', 'law-analytics-dev': 'FAIL medium' },
};

describe('Azure provider against the sandbox ARM (real SDK clients, plain http)', () => {
  it('scans the demo subscription: every control judged as the demo intends, with locations as regions', async () => {
    const { doc, box, metrics } = await scan(azureDemoWorld());
    for (const [controlId, expected] of Object.entries(DEMO_VERDICTS)) expect(verdicts(doc, controlId), controlId).toEqual(expected);
    expect(doc.coverage).toEqual([]);
    // Who scanned: over plain http nobody signed in, and the scan document says so rather than leaving it blank.
    const identity = { principal: 'sandbox (no credentials)', via: 'placeholder token to a plain-http endpoint (WARD_AZURE_ENDPOINT)' };
    expect(doc.targets).toEqual([{ provider: 'azure', account: DEMO_SUBSCRIPTION_ID, name: 'ward-demo-clinic', identity, regions: [], disabledRegions: [] }]);
    expect(find(doc, 'azure-ssh-not-open', 'nsg-jumpbox')).toMatchObject({ region: 'eastus', scope: 'global', account: DEMO_SUBSCRIPTION_ID });
    expect(find(doc, 'azure-database-not-public', 'sql-research-export').region).toBe('westus2');
    expect(find(doc, 'azure-user-mfa', DEMO_SUBSCRIPTION_ID).region).toBe('global');
    expect(find(doc, 'azure-ssh-not-open', 'nsg-legacy-app').message).toContain('overridden by higher-priority deny-ssh-internet');
    expect(find(doc, 'azure-database-not-public', 'sql-billing').message).toContain('0.0.0.0: any Azure service');
    // Every request carried the placeholder token; none went unauthenticated.
    expect(box.requests.length).toBeGreaterThan(0);
    expect(new Set(box.requests.map((r) => r.authorization))).toEqual(new Set([`Bearer ${PLACEHOLDER_TOKEN}`]));
    expect(metrics.attempts).toBe(box.requests.length);
    expect(metrics.throttled).toBe(0);
  });

  it('follows nextLink past the first page of every list', async () => {
    const world = { ...azureDemoWorld(), pageSize: 1 };
    const { doc, box } = await scan(world);
    for (const [controlId, expected] of Object.entries(DEMO_VERDICTS)) expect(verdicts(doc, controlId), controlId).toEqual(expected);
    const paged = box.requests.filter((r) => r.url.includes('skiptoken'));
    expect(paged.some((r) => r.url.includes('networkSecurityGroups') && r.url.includes('%24skiptoken=3'))).toBe(true);
    expect(paged.some((r) => r.url.includes('/firewallRules?'))).toBe(false); // one rule per server: one page
  });

  it('reads only the subscriptions it is given, and turns one it cannot open into ERROR for every control', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const { doc } = await scan(azureDemoWorld(), { subscriptions: [DEMO_SUBSCRIPTION_ID, missing] });
    const errors = doc.results.filter((f) => f.account === missing);
    expect(errors.map((f) => f.status)).toEqual(CONTROLS.map(() => 'ERROR'));
    expect(errors[0]?.message).toContain('SubscriptionNotFound');
    expect(doc.coverage).toEqual([expect.objectContaining({ account: missing, region: '*', code: 'SubscriptionNotFound' })]);
    expect(verdicts(doc, 'azure-disk-cmek')).toEqual(DEMO_VERDICTS['azure-disk-cmek']);
  });

  it('gives ERROR, never PASS, for a denied resource type, and keeps the other controls', async () => {
    const world = { ...azureDemoWorld(), faults: { deniedTypes: ['Microsoft.Compute/disks', 'microsoft.insights/diagnosticSettings'] } };
    const { doc } = await scan(world);
    for (const controlId of ['azure-disk-cmek', 'azure-activity-log-exported']) {
      const findings = doc.results.filter((f) => f.controlId === controlId);
      expect(findings.map((f) => f.status), controlId).toEqual(['ERROR']);
      expect(findings[0]?.message).toContain('AuthorizationFailed');
    }
    expect(doc.coverage.map((g) => [g.code, g.controls])).toEqual(
      expect.arrayContaining([
        ['AuthorizationFailed', ['azure-disk-cmek']],
        ['AuthorizationFailed', ['azure-activity-log-exported']],
      ]),
    );
    expect(verdicts(doc, 'azure-ssh-not-open')).toEqual(DEMO_VERDICTS['azure-ssh-not-open']);
  });

  it('gives ERROR for the servers whose firewall rules are denied, PASS still for the private ones', async () => {
    const world = { ...azureDemoWorld(), faults: { deniedTypes: ['Microsoft.Sql/servers/firewallRules'] } };
    const { doc } = await scan(world);
    expect(verdicts(doc, 'azure-database-not-public')).toEqual({ ...DEMO_VERDICTS['azure-database-not-public'], 'sql-billing': 'ERROR', 'sql-research-export': 'ERROR' });
    expect(find(doc, 'azure-database-not-public', 'sql-research-export').message).toContain('AuthorizationFailed');
    expect(doc.coverage.filter((g) => g.code === 'Incomplete')).toHaveLength(2);
  });

  it('gives ERROR for every control of a subscription whose reads are all denied', async () => {
    const world = { ...azureDemoWorld(), faults: { deniedSubscriptions: [DEMO_SUBSCRIPTION_ID] } };
    const { doc } = await scan(world);
    expect(doc.results.map((f) => f.status)).toEqual(CONTROLS.map(() => 'ERROR'));
    expect(doc.results.some((f) => f.status === 'PASS')).toBe(false);
  });

  it('retries 429 answers after Retry-After and then succeeds, counting the throttles', async () => {
    const world = { ...azureDemoWorld(), faults: { throttle: { calls: 3, retryAfterSeconds: 0 } } };
    const { doc, metrics, box } = await scan(world);
    for (const [controlId, expected] of Object.entries(DEMO_VERDICTS)) expect(verdicts(doc, controlId), controlId).toEqual(expected);
    expect(metrics.throttled).toBe(3);
    expect(metrics.attempts).toBe(box.requests.length);
    expect(metrics.attempts - metrics.calls).toBe(3);
  });

  it('reports a throttle that outlasts the retries as ERROR with the attempts it took', async () => {
    const world = { ...azureDemoWorld(), faults: { throttle: { calls: 1000, retryAfterSeconds: 0, pathContains: 'OperationalInsights' } } };
    const { doc } = await scan(world, { retry: { maxRetries: 2, retryDelayInMs: 1, maxRetryDelayInMs: 5 } });
    const [finding] = doc.results.filter((f) => f.controlId === 'azure-log-analytics-retention');
    expect(finding?.status).toBe('ERROR');
    expect(finding?.message).toContain('TooManyRequests');
    expect(finding?.message).toContain('still throttled after 3 attempts');
  });

  it('retries server errors (5xx) with backoff and then succeeds', async () => {
    const world = { ...azureDemoWorld(), faults: { serverErrors: { calls: 2, status: 500 } } };
    const { doc } = await scan(world);
    expect(verdicts(doc, 'azure-ssh-not-open')).toEqual(DEMO_VERDICTS['azure-ssh-not-open']);
    expect(doc.coverage).toEqual([]);
  });

  it('lists the subscriptions through WARD_AZURE_ENDPOINT when no endpoint is given', async () => {
    const box = await sandbox(azureDemoWorld());
    const previous = process.env['WARD_AZURE_ENDPOINT'];
    process.env['WARD_AZURE_ENDPOINT'] = `${box.endpoint}/`;
    try {
      const plan = await azurePlan({ retry: FAST_RETRY });
      expect(plan.targets.map((t) => [t.account, t.name])).toEqual([[DEMO_SUBSCRIPTION_ID, 'ward-demo-clinic']]);
    } finally {
      if (previous === undefined) delete process.env['WARD_AZURE_ENDPOINT'];
      else process.env['WARD_AZURE_ENDPOINT'] = previous;
    }
  });

  it("reads a type's resources with their properties in one request per page, never one GET per resource", async () => {
    const world = azureDemoWorld();
    const sub = world.subscriptions?.[0];
    for (let i = 0; i < 140; i += 1) sub?.resources?.push(disk(DEMO_SUBSCRIPTION_ID, 'rg-bulk', `bulk-${i}`, i % 2 === 0 ? 'customer' : 'platform'));
    const box = await sandbox(world);
    const plan = await azurePlan({ endpoint: box.endpoint, retry: FAST_RETRY });
    const doc = await runScan({ plans: [plan], controls: [diskCmek], thresholds: { minLogRetentionDays: 365 } });
    expect(doc.results).toHaveLength(143);
    expect(doc.results.filter((f) => f.resource.id.startsWith('bulk-') && f.status === 'PASS')).toHaveLength(70);
    const disks = box.requests.filter((r) => /\/providers\/Microsoft\.Compute\/disks/i.test(r.url));
    // 143 disks are two pages of 100; no request names one disk.
    expect(disks).toHaveLength(2);
    expect(disks.every((r) => !/\/disks\/[^/?]/i.test(r.url))).toBe(true);
  });

  it("reads at most 8 public servers' firewall rules of one dataset at once", async () => {
    const world = azureDemoWorld();
    const sub = world.subscriptions?.[0];
    for (let i = 0; i < 40; i += 1) {
      const server = sqlServer(DEMO_SUBSCRIPTION_ID, 'rg-bulk', `sql-${i}`, 'Enabled');
      sub?.resources?.push(server, firewallRule(server, 'office', '203.0.113.1', '203.0.113.1'));
    }
    let inFlight = 0;
    let peak = 0;
    const box = await sandbox(world, (url) => {
      if (!/\/sql-\d+\/firewallRules/i.test(url)) return 0;
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      setTimeout(() => (inFlight -= 1), 10);
      return 10;
    });
    const plan = await azurePlan({ endpoint: box.endpoint, retry: FAST_RETRY });
    const doc = await runScan({ plans: [plan], controls: [databaseNotPublic], thresholds: { minLogRetentionDays: 365 } });
    // Every bulk server was judged from its own firewall rules.
    expect(doc.results.filter((f) => /^sql-\d+$/.test(f.resource.id) && f.message.includes('office (203.0.113.1'))).toHaveLength(40);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(DEFAULT_RESOURCE_CONCURRENCY);
  });

  it('refuses to start without credentials, with one clear line naming the ways to sign in', async () => {
    const unavailable = Object.assign(new Error('DefaultAzureCredential: no credential'), { name: 'CredentialUnavailableError' });
    const credential = { getToken: () => Promise.reject(unavailable) };
    const attempt = azurePlan({ endpoint: 'https://management.azure.com', credential, subscriptions: [DEMO_SUBSCRIPTION_ID] });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(/az login.*AZURE_CLIENT_ID.*AZURE_TENANT_ID.*AZURE_CLIENT_SECRET.*managed identity/);
  });

  it('records the principal the bearer token names (app, object, tenant) over https, with the SDK bearer policy', async () => {
    const box = await sandbox(azureDemoWorld());
    const app = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    const object = '3b9c1d2e-5f6a-4b7c-8d9e-0f1a2b3c4d5e';
    const tenant = '7d2c2f4e-1b3a-4c5d-8e9f-0a1b2c3d4e5f';
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const jwt = `${part({ typ: 'JWT', alg: 'RS256' })}.${part({ aud: 'https://management.azure.com', appid: app, oid: object, tid: tenant, idtyp: 'app' })}.c2ln`;
    const credential = { getToken: async () => ({ token: jwt, expiresOnTimestamp: Date.now() + 3_600_000 }) };
    // The SDK sends to https://management.azure.com; the wire goes to the sandbox.
    const wire = createDefaultHttpClient();
    const httpClient: HttpClient = {
      sendRequest: (request) => {
        request.url = request.url.replace('https://management.azure.com', box.endpoint);
        request.allowInsecureConnection = true;
        return wire.sendRequest(request);
      },
    };
    const plan = await azurePlan({ endpoint: 'https://management.azure.com', credential, httpClient, retry: FAST_RETRY });
    const doc = await runScan({ plans: [plan], controls: CONTROLS, thresholds: { minLogRetentionDays: 365 } });
    expect(doc.coverage).toEqual([]);
    expect(doc.targets[0]?.identity).toEqual({ principal: `app ${app} (object ${object}, tenant ${tenant})`, via: 'the TokenCredential the caller supplied' });
    expect(new Set(box.requests.map((r) => r.authorization))).toEqual(new Set([`Bearer ${jwt}`]));
    expect(JSON.stringify(doc)).not.toContain(jwt);
  });
});

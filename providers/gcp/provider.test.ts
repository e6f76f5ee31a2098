import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.js';
import { structToJson, valueToJson } from './assets.js';
import { MISSING_CREDENTIALS_MESSAGE, parseEndpoint } from './client.js';
import { describeGcpFailure, RetriesExhausted } from './errors.js';
import { gcpPlan, parseScopes, splitScopes } from './provider.js';
import { demoGcpWorld, DEMO_PROJECT_ID } from '../../sandbox/gcp/demo.js';
import { handleGcpRequest } from '../../sandbox/gcp/handler.js';

const ENV_KEYS = ['GOOGLE_APPLICATION_CREDENTIALS', 'CLOUDSDK_CONFIG', 'METADATA_SERVER_DETECTION', 'WARD_GCP_ENDPOINT', 'WARD_GCP_SCOPES'] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
let server: Server | undefined;

afterEach(async () => {
  for (const key of ENV_KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  const s = server;
  server = undefined;
  if (s !== undefined) await new Promise((resolve) => s.close(resolve));
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  const s = server;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

async function openFirst(plan: Awaited<ReturnType<typeof gcpPlan>>) {
  const target = plan.targets[0];
  if (target === undefined) throw new Error('no target');
  return target.open();
}

describe('Google Cloud scopes', () => {
  it('parses projects, folders and organisations, dropping duplicates and blanks', () => {
    expect(parseScopes(['projects/ehr-prod', 'folders/123', 'organizations/456', 'projects/ehr-prod', ' projects/418309256145 '])).toEqual([
      { kind: 'projects', id: 'ehr-prod', name: 'projects/ehr-prod' },
      { kind: 'folders', id: '123', name: 'folders/123' },
      { kind: 'organizations', id: '456', name: 'organizations/456' },
      { kind: 'projects', id: '418309256145', name: 'projects/418309256145' },
    ]);
    expect(splitScopes(' projects/a, ,folders/1,')).toEqual(['projects/a', 'folders/1']);
    expect(splitScopes(undefined)).toEqual([]);
  });

  it('rejects anything else with a UserError that shows the accepted forms', () => {
    for (const bad of ['project/x', 'ehr-prod', 'organizations/', 'projects/a/b', 'billingAccounts/1']) {
      expect(() => parseScopes([bad]), bad).toThrow(UserError);
    }
    expect(() => parseScopes(['ehr-prod'])).toThrow(/projects\/<project id or number>, folders\/<folder number> or organizations\/<organization number>/);
  });

  it('needs at least one scope, from the options or WARD_GCP_SCOPES', async () => {
    delete process.env['WARD_GCP_SCOPES'];
    await expect(gcpPlan({ scopes: [], endpoint: 'http://127.0.0.1:9' })).rejects.toThrow(/WARD_GCP_SCOPES/);
  });

  it('takes the scopes and the endpoint from WARD_GCP_SCOPES and WARD_GCP_ENDPOINT when the options leave them out', async () => {
    const world = demoGcpWorld();
    const endpoint = await listen((req, res) => {
      req.resume();
      req.on('end', () => void handleGcpRequest(req, res, '', world));
    });
    process.env['WARD_GCP_ENDPOINT'] = endpoint;
    process.env['WARD_GCP_SCOPES'] = `projects/${DEMO_PROJECT_ID}`;
    const plan = await gcpPlan({ scopes: [] });
    expect(plan.targets.map((t) => t.account)).toEqual([DEMO_PROJECT_ID]);
    const opening = await openFirst(plan);
    expect(opening.ok && opening.session.name).toBe('Ward demo: EHR');
    if (opening.ok) opening.session.close();
  });
});

describe('the Cloud Asset endpoint', () => {
  it('accepts a bare http or https base URL', () => {
    expect(parseEndpoint('http://127.0.0.1:4566')).toEqual({ protocol: 'http', host: '127.0.0.1', port: 4566 });
    expect(parseEndpoint('http://sandbox/')).toEqual({ protocol: 'http', host: 'sandbox', port: 80 });
    expect(parseEndpoint('https://cloudasset.googleapis.com')).toEqual({ protocol: 'https', host: 'cloudasset.googleapis.com', port: 443 });
    expect(parseEndpoint('http://[::1]:8080')).toEqual({ protocol: 'http', host: '::1', port: 8080 });
  });

  it('rejects a path, a query, credentials or another scheme', () => {
    for (const bad of ['http://host:1/v1', 'http://host?x=1', 'ftp://host', 'http://user:pw@host', 'not a url']) {
      expect(() => parseEndpoint(bad), bad).toThrow(UserError);
    }
  });

  it('reports missing Application Default Credentials as a UserError with one clear line', async () => {
    delete process.env['GOOGLE_APPLICATION_CREDENTIALS'];
    process.env['CLOUDSDK_CONFIG'] = mkdtempSync(join(tmpdir(), 'ward-gcloud-'));
    process.env['METADATA_SERVER_DETECTION'] = 'none';
    const error = await gcpPlan({ scopes: ['projects/ehr-prod'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(MISSING_CREDENTIALS_MESSAGE);
    expect((error as Error).message).toContain('gcloud auth application-default login');
    expect((error as Error).message).toContain('GOOGLE_APPLICATION_CREDENTIALS');
    expect((error as Error).message).not.toContain('\n');
  });

  it('reports unusable credentials files as a UserError too', async () => {
    process.env['GOOGLE_APPLICATION_CREDENTIALS'] = join(tmpdir(), 'ward-no-such-key.json');
    process.env['METADATA_SERVER_DETECTION'] = 'none';
    await expect(gcpPlan({ scopes: ['projects/ehr-prod'], endpoint: 'https://cloudasset.googleapis.com' })).rejects.toThrow(UserError);
  });
});

describe('transport failures', () => {
  it('retries a refused connection as UNAVAILABLE and reports it when attempts run out', async () => {
    const endpoint = await listen(() => undefined);
    const s = server;
    server = undefined;
    await new Promise((resolve) => s?.close(resolve));
    const plan = await gcpPlan({ scopes: ['organizations/1'], endpoint, retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 } });
    const opening = await openFirst(plan);
    expect(opening.ok).toBe(false);
    if (!opening.ok) {
      expect(opening.failure.code).toBe('UNAVAILABLE');
      expect(opening.failure.reason).toMatch(/^still failing after 2 attempts: network error calling the Cloud Asset API/);
    }
  });

  it('gives up on an attempt that gets no answer in time (DEADLINE_EXCEEDED)', async () => {
    let attempts = 0;
    const endpoint = await listen((req) => {
      attempts += 1;
      req.resume();
    });
    const plan = await gcpPlan({ scopes: ['projects/slow-project'], endpoint, retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2, timeoutMs: 150 } });
    const opening = await openFirst(plan);
    expect(opening.ok).toBe(false);
    if (!opening.ok) expect(opening.failure).toMatchObject({ code: 'DEADLINE_EXCEEDED', reason: expect.stringContaining('within 150 ms') });
    expect(attempts).toBe(2);
  });

  it('does not retry a permanent error (PERMISSION_DENIED)', async () => {
    let attempts = 0;
    const endpoint = await listen((req, res) => {
      attempts += 1;
      req.resume();
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 403, status: 'PERMISSION_DENIED', message: 'The caller does not have permission' } }));
    });
    const plan = await gcpPlan({ scopes: ['projects/locked-project'], endpoint, retry: { maxAttempts: 5, initialDelayMs: 1 } });
    const opening = await openFirst(plan);
    expect(opening).toMatchObject({ ok: false, failure: { code: 'PERMISSION_DENIED', reason: 'The caller does not have permission' } });
    expect(attempts).toBe(1);
  });
});

describe('asset data', () => {
  it('turns the client\'s protobuf Struct back into the API\'s JSON', () => {
    const struct = {
      fields: {
        name: { stringValue: 'd', kind: 'stringValue' },
        sizeGb: { stringValue: '10', kind: 'stringValue' },
        priority: { numberValue: 1000, kind: 'numberValue' },
        disabled: { boolValue: false, kind: 'boolValue' },
        gone: { nullValue: 'NULL_VALUE' as const, kind: 'nullValue' },
        key: { structValue: { fields: { kmsKeyName: { stringValue: 'k', kind: 'stringValue' } } }, kind: 'structValue' },
        ranges: { listValue: { values: [{ stringValue: '0.0.0.0/0', kind: 'stringValue' }, { structValue: { fields: {} }, kind: 'structValue' }] }, kind: 'listValue' },
      },
    };
    expect(structToJson(struct)).toEqual({ name: 'd', sizeGb: '10', priority: 1000, disabled: false, gone: null, key: { kmsKeyName: 'k' }, ranges: ['0.0.0.0/0', {}] });
    expect(structToJson(undefined)).toEqual({});
    // Without the oneof marker, whichever field is set wins.
    expect(valueToJson({ boolValue: true })).toBe(true);
    expect(valueToJson({ numberValue: 0 })).toBe(0);
    expect(valueToJson({})).toBeNull();
  });
});

describe('describeGcpFailure', () => {
  it('names the gRPC status, the message and the missing permission', () => {
    const denied = Object.assign(new Error('The caller does not have permission'), { code: 7, errorInfoMetadata: { permission: 'cloudasset.assets.listResource' } });
    expect(describeGcpFailure(denied, 'api')).toEqual({ api: 'api', code: 'PERMISSION_DENIED', reason: 'The caller does not have permission (needs cloudasset.assets.listResource)' });
    expect(describeGcpFailure(Object.assign(new Error('7 PERMISSION_DENIED: nope'), { code: 7 }), 'api').reason).toBe('nope');
    expect(describeGcpFailure(Object.assign(new Error('x'), { code: 'ECONNRESET' }), 'api').code).toBe('ECONNRESET');
    expect(describeGcpFailure(new Error('boom'), 'api')).toEqual({ api: 'api', code: 'UNKNOWN', reason: 'boom' });
    expect(describeGcpFailure('weird', 'api').reason).toBe('weird');
  });

  it('says how many attempts a throttled call took, with the last error\'s status', () => {
    const throttled = Object.assign(new Error('Quota exceeded'), { code: 8 });
    expect(describeGcpFailure(new RetriesExhausted(8, throttled), 'api')).toEqual({ api: 'api', code: 'RESOURCE_EXHAUSTED', reason: 'still throttled after 8 attempts: Quota exceeded' });
    const down = Object.assign(new Error('down'), { code: 14 });
    expect(describeGcpFailure(new RetriesExhausted(3, down), 'api')).toMatchObject({ code: 'UNAVAILABLE', reason: 'still failing after 3 attempts: down' });
  });
});

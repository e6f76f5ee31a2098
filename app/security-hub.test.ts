// Security Hub import against the sandbox's wire-level stand-in (restJson1 BatchImportFindings),
// with the real SDK client: ASFF accepted, the same record updated across scans, batches of 100,
// throttling retried.

import { GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.js';
import { CONTROL_IDS } from '../checks/index.js';
import { sandboxEnv } from '../sandbox/env.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { asffProblem } from '../sandbox/services/securityhub.js';
import type { World } from '../sandbox/types.js';
import { finding, scanOf } from '../test/support/findings.js';
import { scanWorld } from '../test/support/sandbox.js';
import { openStore } from './store.js';
import { lifecycleAfter } from './scan-lifecycle.js';
import { importToSecurityHub } from './security-hub.js';
import { asffId } from '../reports/asff.js';

const ACCOUNT = '111122223333';
const config = parseConfig('organizationName: Clinic\naws:\n  regions: [us-east-1]\n', 'ward.config.yml', CONTROL_IDS);

function world(volumes: Array<{ id?: string; encrypted: boolean }>, extra: Partial<World> = {}): World {
  return {
    regions: { 'us-east-1': 'opt-in-not-required' },
    accounts: [{ id: ACCOUNT, name: 'clinic', current: true, iam: { root: { password: true, mfa: true } }, regions: { 'us-east-1': { ebsEncryptionByDefault: true, volumes } } }],
    ...extra,
  };
}

const running: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function hub(extra: Partial<World> = {}): Promise<Sandbox> {
  const s = await startSandbox({ world: world([], extra) });
  running.push(s);
  return s;
}

/** Runs `fn` with this process's AWS variables pointing at the sandbox (credentials, region). */
async function withSandboxEnv<T>(s: Sandbox, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, sandboxEnv(s.url));
  try {
    return await fn();
  } finally {
    process.env = saved;
  }
}

async function recordsIn(s: Sandbox): Promise<AwsSecurityFinding[]> {
  const client = new SecurityHubClient({ endpoint: s.url, region: 'us-east-1', credentials: { accessKeyId: sandboxEnv(s.url).AWS_ACCESS_KEY_ID, secretAccessKey: sandboxEnv(s.url).AWS_SECRET_ACCESS_KEY } });
  const out: AwsSecurityFinding[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new GetFindingsCommand({ MaxResults: 100, ...(token === undefined ? {} : { NextToken: token }) }));
    out.push(...(page.Findings ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  client.destroy();
  return out;
}

describe('Security Hub import', () => {
  it('imports every result as ASFF, and the next scan updates the same records: fixed → PASSED/RESOLVED, gone → ARCHIVED', async () => {
    const securityHub = await hub();
    const store = openStore(mkdtempSync(join(tmpdir(), 'ward-sh-')));
    const first = await scanWorld(world([{ id: 'vol-0123456789abcdef0', encrypted: false }, { id: 'vol-0123456789abcdef1', encrypted: false }]), config, { store, providers: ['aws'] });
    const firstImport = await withSandboxEnv(securityHub, async () => importToSecurityHub(first.scan, await lifecycleAfter(store, first.scan), { endpoint: securityHub.url }));
    expect(firstImport.failed).toEqual([]);
    expect(firstImport).toMatchObject({ account: ACCOUNT, region: 'us-east-1', imported: first.scan.results.length, calls: 1 });

    const volumes = first.scan.results.filter((f) => f.controlId === 'aws-ebs-volume-encrypted');
    expect(volumes.map((f) => f.status)).toEqual(['FAIL', 'FAIL']);
    const [kept, gone] = volumes;
    const afterFirst = await recordsIn(securityHub);
    expect(afterFirst).toHaveLength(first.scan.results.length);
    const keptRecord = afterFirst.find((r) => r.Id === asffId(kept!));
    expect(keptRecord).toMatchObject({ Compliance: { Status: 'FAILED', RelatedRequirements: kept!.hipaa.map((h) => `HIPAA ${h}`) }, Workflow: { Status: 'NEW' }, RecordState: 'ACTIVE', Severity: { Label: 'HIGH' }, AwsAccountId: ACCOUNT });
    expect(keptRecord?.Resources?.[0]).toMatchObject({ Type: 'AwsEc2Volume', Id: kept!.resource.uid, Region: 'us-east-1' });

    // The first volume is encrypted now and the second one deleted.
    const second = await scanWorld(world([{ id: 'vol-0123456789abcdef0', encrypted: true }]), config, { store, providers: ['aws'] });
    expect(second.scan.results.find((f) => f.id === kept!.id)?.status).toBe('PASS');
    const secondImport = await withSandboxEnv(securityHub, async () => importToSecurityHub(second.scan, await lifecycleAfter(store, second.scan), { endpoint: securityHub.url }));
    expect(secondImport.failed).toEqual([]);
    expect(secondImport.imported).toBe(second.scan.results.length + 1);

    const afterSecond = await recordsIn(securityHub);
    expect(afterSecond).toHaveLength(afterFirst.length);
    expect(afterSecond.find((r) => r.Id === asffId(kept!))).toMatchObject({
      Compliance: { Status: 'PASSED' },
      Workflow: { Status: 'RESOLVED' },
      RecordState: 'ACTIVE',
      CreatedAt: first.scan.finishedAt,
      UpdatedAt: second.scan.finishedAt,
    });
    expect(afterSecond.find((r) => r.Id === asffId(gone!))).toMatchObject({ Compliance: { Status: 'PASSED' }, Workflow: { Status: 'RESOLVED' }, RecordState: 'ARCHIVED', CreatedAt: first.scan.finishedAt });
  });

  it('sends at most 100 findings a call and rides out throttling with the SDK retry', async () => {
    const securityHub = await hub({ faults: [{ kind: 'throttle', api: 'securityhub:BatchImportFindings', count: 2 }] });
    const scan = scanOf(Array.from({ length: 250 }, (_, i) => finding(`vol-${i}`, i % 3 === 0 ? 'PASS' : 'FAIL')));
    const outcome = await withSandboxEnv(securityHub, () => importToSecurityHub(scan, new Map(), { endpoint: securityHub.url }));
    expect(outcome).toMatchObject({ imported: 250, calls: 3, failed: [] });
    expect(securityHub.stats.throttled).toBe(2);
    expect(securityHub.stats.byApi['securityhub:BatchImportFindings']).toBe(5);
    expect(await recordsIn(securityHub)).toHaveLength(250);
  });

  it('the stand-in refuses what Security Hub refuses', () => {
    const caller = { account: ACCOUNT, region: 'us-east-1' };
    const good = {
      SchemaVersion: '2018-10-08',
      Id: 'ward/x/1',
      ProductArn: `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`,
      GeneratorId: 'ward/x',
      AwsAccountId: ACCOUNT,
      Types: ['Software and Configuration Checks/Industry and Regulatory Standards/HIPAA Controls'],
      CreatedAt: '2026-11-01T00:00:00.000Z',
      UpdatedAt: '2026-11-01T00:00:00.000Z',
      Severity: { Label: 'HIGH' },
      Title: 't',
      Description: 'd',
      Resources: [{ Type: 'Other', Id: 'r' }],
    };
    expect(asffProblem(good, caller)).toBeUndefined();
    const { Title: _t, ...noTitle } = good;
    expect(asffProblem(noTitle, caller)).toMatch(/Title/);
    expect(asffProblem({ ...good, AwsAccountId: '444455556666' }, caller)).toMatch(/not the calling account/);
    expect(asffProblem({ ...good, Severity: { Label: 'SEVERE' } }, caller)).toMatch(/Severity.Label/);
    expect(asffProblem({ ...good, Types: ['HIPAA'] }, caller)).toMatch(/namespace/);
    expect(asffProblem({ ...good, Compliance: { Status: 'RESOLVED' } }, caller)).toMatch(/Compliance.Status/);
    expect(asffProblem({ ...good, ProductArn: `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/${ACCOUNT}/default` }, caller)).toMatch(/ProductArn/);
  });
});

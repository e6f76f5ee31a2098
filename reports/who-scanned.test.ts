// Who scanned, in the weekly evidence for every cloud: a Google Cloud project and an Azure subscription
// name the identity they were read as in report.json and in the PDF (read back with pdftotext), as AWS
// accounts do; the Azure principal is the one the token claims give.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_CONTROLS } from '../checks/index.js';
import type { Provider, ReadIdentity, ScanDocument } from '../core/model.js';
import { LocalBlobStore } from '../core/store/local.js';
import { ScanStore } from '../core/store/scans.js';
import { azurePrincipal } from '../providers/azure/identity.js';
import { makeFinding } from './fixtures.js';
import { buildWeeklyEvidence } from './weekly.js';

const WEEK = '2026-W47';
const NOW = new Date('2026-11-22T20:00:00Z');
const GCP_PROJECT = 'ehr-prod-4821';
const AZURE_SUBSCRIPTION = '3f1c6a52-7d4e-4b8a-9c1d-2e5f0a7b8c9d';
const GCP_IDENTITY: ReadIdentity = { principal: 'ward-scanner@ehr-prod-4821.iam.gserviceaccount.com', via: 'service account key (Application Default Credentials)' };
const APP = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const OBJECT = '3b9c1d2e-5f6a-4b7c-8d9e-0f1a2b3c4d5e';
const TENANT = '7d2c2f4e-1b3a-4c5d-8e9f-0a1b2c3d4e5f';

interface ReportJson {
  scope: { accounts: Array<{ provider: string; account: string; identity?: ReadIdentity }> };
  scans: Array<{ scanId: string; runner?: { kind: string; host?: string; user?: string } }>;
}

let report: ReportJson;
let text: string;
let azureIdentity: ReadIdentity;

/** A scan of one project or subscription with one failing result per control of its provider. */
function scanOf(provider: Provider, account: string, identity: ReadIdentity, at: string): ScanDocument {
  const controls = ALL_CONTROLS.filter((c) => c.provider === provider);
  return {
    schemaVersion: 1,
    scanId: `${at.replace(/[-:.]/g, '')}-${provider}`,
    startedAt: at,
    finishedAt: at,
    wardVersion: '0.1.0',
    thresholds: { minLogRetentionDays: 365 },
    controls: controls.map((c) => c.id),
    targets: [{ provider, account, identity, regions: provider === 'gcp' ? ['global'] : [], disabledRegions: [] }],
    coverage: [],
    results: controls.map((c, n) => ({ ...makeFinding(c, account, 'global', n, 'FAIL', c.severity, at), provider })),
    runner: { kind: 'host', host: 'ward-ci', user: 'auditor' },
  };
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-who-scanned-'));
  const store = new ScanStore(new LocalBlobStore(dir));
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = `${part({ alg: 'RS256' })}.${part({ appid: APP, oid: OBJECT, tid: TENANT, idtyp: 'app' })}.c2ln`;
  azureIdentity = { principal: azurePrincipal(token), via: 'DefaultAzureCredential' };
  await store.recordScan(scanOf('gcp', GCP_PROJECT, GCP_IDENTITY, '2026-11-18T10:00:00.000Z'));
  await store.recordScan(scanOf('azure', AZURE_SUBSCRIPTION, azureIdentity, '2026-11-18T11:00:00.000Z'));
  const out = await buildWeeklyEvidence(store, { week: WEEK, organization: 'Acme Health', mutes: [], now: NOW });
  report = JSON.parse(readFileSync(join(dir, out.keys.json), 'utf8')) as ReportJson;
  text = execFileSync('pdftotext', [join(dir, out.keys.pdf), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
});

describe('the weekly report names who read Google Cloud and Azure', () => {
  it('report.json: each project and subscription with the identity it was read as', () => {
    expect(azureIdentity.principal).toBe(`app ${APP} (object ${OBJECT}, tenant ${TENANT})`);
    const byAccount = Object.fromEntries(report.scope.accounts.map((a) => [`${a.provider}:${a.account}`, a.identity]));
    expect(byAccount).toEqual({ [`gcp:${GCP_PROJECT}`]: GCP_IDENTITY, [`azure:${AZURE_SUBSCRIPTION}`]: azureIdentity });
    expect(report.scans.map((s) => s.runner)).toEqual([
      { kind: 'host', host: 'ward-ci', user: 'auditor' },
      { kind: 'host', host: 'ward-ci', user: 'auditor' },
    ]);
  });

  it('report.pdf: the same, read back with pdftotext', () => {
    expect(text).toContain(`Read as ${GCP_IDENTITY.principal}, via ${GCP_IDENTITY.via}`);
    // The Azure line is long; the PDF may break it, never cut the ids out.
    expect(text).toContain(`Read as app ${APP}`);
    expect(text).toContain(`object ${OBJECT}`);
    expect(text).toContain(`tenant ${TENANT}), via DefaultAzureCredential`);
    expect(text).toContain('Ran on host ward-ci as auditor');
    expect(text).not.toContain('Read as: not recorded by this scan');
  });

  it('report.pdf: cells of several lines (an account and its name, a scan time and its id, a safeguard\'s controls) break lines, never show an escaped "\\n"', () => {
    expect(text).not.toContain('\\n');
    expect(text).toContain('2026-11-18 11:00 UTC 20261118T110000000Z-azure');
    expect(text).toMatch(/aws-rds-not-public aws-ssh-not-open azur ?e-database-not-public/);
  });
});

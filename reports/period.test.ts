// The audit-period report on a small hand-made history (daily scans, 1–20 March 2026, none on the
// 7th and 8th), checked against time-to-remediate figures worked out by hand, then its bundle.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/support/browser.js';
import { readZip } from '../test/support/zip.js';
import type { Finding, Severity } from '../core/model.js';
import { LocalBlobStore } from '../core/store/local.js';
import { ScanStore } from '../core/store/scans.js';
import { finding, scanOf } from '../test/support/findings.js';
import { CHECKSUMS_NAME, sha256Hex } from './bundle.js';
import { collectPeriodData, dayRanges, parsePeriod, percentile, type PeriodData } from './period.js';
import { buildPeriodEvidence, type PeriodEvidence } from './period-evidence.js';
import { verifyBundle } from './verify.js';
import { buildWeeklyEvidence } from './weekly.js';

const EBS = 'aws-ebs-volume-encrypted';
const RDS = 'aws-rds-storage-encrypted';
const NOW = new Date('2026-03-25T09:00:00Z');

/** Which days (of March) each resource fails; every other scanned day it passes. */
const FAILING: Array<{ id: string; control: string; severity: Severity; days: number[] }> = [
  { id: 'vol-a', control: EBS, severity: 'high', days: [1, 2, 3] }, // resolved on the 4th: 3 days
  { id: 'vol-b', control: EBS, severity: 'high', days: [2, 3, 4, 5, 6, 9, 10, 11] }, // resolved on the 12th: 10 days
  { id: 'vol-c', control: EBS, severity: 'critical', days: [3, 4, 10, 11, 12, 13, 14] }, // 3rd–5th, then reopened on the 10th, resolved on the 15th: 5 days
  { id: 'vol-e', control: EBS, severity: 'low', days: [1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 17] }, // resolved on the 18th: 17 days
  { id: 'vol-f', control: EBS, severity: 'high', days: [19, 20, 21] }, // resolved on the 22nd, after the period: open at its end
  { id: 'db-d', control: RDS, severity: 'medium', days: [6, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22] }, // open at the end
];
const SCANNED = [1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];

const at = (dayOfMarch: number) => `2026-03-${String(dayOfMarch).padStart(2, '0')}T12:00:00.000Z`;

function resultsOn(dayOfMarch: number): Finding[] {
  return FAILING.map((r) => finding(r.id, r.days.includes(dayOfMarch) ? 'FAIL' : 'PASS', { controlId: r.control, severity: r.severity, ...(r.control === RDS ? { area: 'databases' as const } : {}) }));
}

let store: ScanStore;
let dir: string;
let data: PeriodData;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ward-period-'));
  store = new ScanStore(new LocalBlobStore(dir));
  for (const d of SCANNED) await store.recordScan(scanOf(resultsOn(d), { at: at(d), controls: [EBS, RDS], scanId: `scan-${String(d).padStart(2, '0')}` }));
  data = await collectPeriodData(store, {
    period: parsePeriod('2026-03-01', '2026-03-20', NOW),
    organization: 'Acme',
    mutes: [
      { controls: [RDS], reason: 'Legacy database being migrated', owner: 'dba@example.com', expires: '2026-03-10', approvedBy: 'CISO', ticket: 'RISK-7' },
      { controls: [EBS], reason: 'Expired before the period began', owner: 'ops@example.com', expires: '2026-02-27' },
      { controls: [EBS], reason: 'Scratch volumes hold no PHI', owner: 'ops@example.com', expires: '2026-12-31' },
    ],
    now: NOW,
  });
});

describe('the audit period, worked out by hand', () => {
  it('times each remediation and gives mean and 90th percentile by severity', () => {
    const byId = new Map(data.remediated.map((r) => [r.resource, r]));
    expect(byId.get('vol-a')?.days).toBe(3);
    expect(byId.get('vol-b')?.days).toBe(10);
    // Reopened on the 10th, resolved on the 15th: its latest remediation.
    expect(byId.get('vol-c')).toMatchObject({ openedAt: at(10), resolvedAt: at(15), days: 5 });
    expect(byId.get('vol-e')?.days).toBe(17);
    expect(byId.has('vol-f')).toBe(false);
    const ttr = Object.fromEntries(data.ttr.map((t) => [t.severity, t]));
    expect(ttr['high']).toMatchObject({ remediated: 2, meanDays: 6.5, p90Days: 10, openAtEnd: 1 });
    expect(ttr['critical']).toMatchObject({ remediated: 1, meanDays: 5, p90Days: 5, openAtEnd: 0 });
    expect(ttr['low']).toMatchObject({ remediated: 1, meanDays: 17, p90Days: 17 });
    expect(ttr['medium']).toMatchObject({ remediated: 0, meanDays: null, p90Days: null, openAtEnd: 1 });
  });

  it('lists what was open at the end of the period with its age, even if resolved since', () => {
    expect(data.openAtEnd.map((o) => [o.resource, o.openedAt, o.ageDays])).toEqual([
      ['vol-f', at(19), 1.5], // 19 March 12:00 to 21 March 00:00
      ['db-d', at(6), 14.5],
    ]);
  });

  it('gives each control its share of account scans passed', () => {
    const ebs = data.controls.find((c) => c.controlId === EBS);
    const rds = data.controls.find((c) => c.controlId === RDS);
    // 18 scanned days in the period; EBS passed only on the 18th, RDS on the 1st to the 5th.
    expect(ebs).toMatchObject({ accountScans: 18, passed: 1, failed: 17, incomplete: 0 });
    expect(rds).toMatchObject({ accountScans: 18, passed: 5, failed: 13 });
    expect(rds?.share).toBeCloseTo(5 / 18, 10);
  });

  it('names every day without a completed scan, and the mutes in force during the period', () => {
    expect(data.daysWithoutScan).toEqual(['2026-03-07', '2026-03-08']);
    expect(dayRanges(data.daysWithoutScan)).toEqual(['2026-03-07–2026-03-08']);
    expect(data.mutes.map((m) => [m.index, m.status])).toEqual([
      [0, 'expired-during-period'],
      [2, 'in-force-at-end'],
    ]);
  });

  it('uses the nearest-rank percentile and refuses a period that has not started or runs backwards', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([], 90)).toBeNull();
    expect(() => parsePeriod('2026-04-01', '2026-04-30', NOW)).toThrow(/has not started yet/);
    expect(() => parsePeriod('2026-03-20', '2026-03-01', NOW)).toThrow(/before it starts/);
    expect(() => parsePeriod('2026-02-30', '2026-03-01', NOW)).toThrow(/Invalid --from/);
  });
});

describe('the period bundle', () => {
  let out: PeriodEvidence;
  let weeklyManifest: Buffer;
  beforeAll(async () => {
    const week = await buildWeeklyEvidence(store, { week: '2026-W10', organization: 'Acme', mutes: [], now: NOW });
    weeklyManifest = readFileSync(join(dir, week.keys.manifest));
    out = await buildPeriodEvidence(store, { from: '2026-03-01', to: '2026-03-20', organization: 'Acme', mutes: [], now: NOW });
  });

  it('lists the digests of the weekly manifests it covers, holds them, and verifies', async () => {
    const manifest = JSON.parse(readFileSync(join(dir, out.keys.manifest), 'utf8')) as { weeklyManifests: Array<{ week: string; sha256: string }>; weeksWithoutBundle: string[]; files: Array<{ path: string }> };
    expect(manifest.weeklyManifests).toEqual([{ week: '2026-W10', sha256: sha256Hex(weeklyManifest) }]);
    expect(manifest.weeksWithoutBundle).toEqual(['2026-W09', '2026-W11', '2026-W12']);
    expect(manifest.files.map((f) => f.path)).toEqual(['report.pdf', 'report.json', 'report.csv', 'report.html', 'weekly/2026-W10.manifest.json', 'verify.html', CHECKSUMS_NAME]);
    const result = await verifyBundle(join(dir, out.keys.bundle));
    expect(result.problems).toEqual([]);
    expect(result.notes.join('\n')).toContain('audit period 2026-03-01 to 2026-03-20');
  });

  it('writes the figures into report.json, report.csv and the PDF', () => {
    const json = JSON.parse(readFileSync(join(dir, out.keys.json), 'utf8')) as { kind: string; ttr: Array<{ severity: string; meanDays: number | null }>; daysWithoutScan: string[] };
    expect(json.kind).toBe('ward.period-report');
    expect(json.ttr.find((t) => t.severity === 'high')?.meanDays).toBe(6.5);
    expect(json.daysWithoutScan).toEqual(['2026-03-07', '2026-03-08']);
    const csv = readFileSync(join(dir, out.keys.csv), 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(1 + data.remediated.length + data.openAtEnd.length);
    const text = execFileSync('pdftotext', ['-layout', join(dir, out.keys.pdf), '-'], { encoding: 'utf8' });
    expect(text).toMatch(/High\s+2\s+6\.5\s+10\.0\s+1/);
    expect(text).toContain('2 day(s): 2026-03-07–2026-03-08.');
  });

  describe('report.html in the bundle, in Chromium', () => {
    let browser: Browser | undefined;
    afterAll(async () => {
      await browser?.close();
    });

    it('shows the period: pass share per control, time to remediate, open at end, and filters its findings', async () => {
      const entries = new Map(await readZip(join(dir, out.keys.bundle)));
      const shipped = entries.get('report.html');
      if (shipped === undefined) throw new Error('the period bundle has no report.html');
      expect(readFileSync(join(dir, 'reports/periods/2026-03-01_2026-03-20/report.html')).equals(shipped)).toBe(true);
      const path = join(dir, 'period-report.html');
      writeFileSync(path, shipped);
      browser = await launchChromium();
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(path).href);
      await page.waitForSelector('body[data-ready="true"]');
      const text = await page.locator('body').innerText();
      expect(text).toContain('Acme: HIPAA audit period 2026-03-01 to 2026-03-20');
      expect(await page.locator('#answer').innerText()).toMatch(/^18 scans of 1 account \(18 account scans\); 4 findings remediated, 2 open at the end of the period\./);
      const row = async (table: string, first: string) => (await page.locator(`#${table} tbody tr`, { has: page.locator('th', { hasText: first }) }).innerText()).split('\t').map((c) => c.trim());
      expect(await row('ttr', 'high')).toEqual(['high', '2', '6.5', '10.0', '1']);
      expect(await row('ttr', 'medium')).toEqual(['medium', '0', '—', '—', '1']);
      expect((await row('pass-share', EBS)).slice(4)).toEqual(['18', '1', '17', '0', '5.6 %']);
      expect((await row('pass-share', RDS)).slice(4)).toEqual(['18', '5', '13', '0', '27.8 %']);
      expect(await page.locator('#gaps').innerText()).toContain('2026-03-07, 2026-03-08');
      const resources = async () => page.locator('#findings tbody tr:not(.detail-row) td:nth-child(6)').allInnerTexts();
      expect((await resources()).sort()).toEqual(['db-d', 'vol-a', 'vol-b', 'vol-c', 'vol-e', 'vol-f']);
      await page.selectOption('#filter-lifecycle', 'open at end');
      expect((await resources()).sort()).toEqual(['db-d', 'vol-f']);
      await page.selectOption('#filter-lifecycle', 'remediated');
      await page.selectOption('#filter-severity', 'high');
      expect((await resources()).sort()).toEqual(['vol-a', 'vol-b']);
      await page.fill('#search', 'vol-b');
      await page.locator('#findings tbody button', { hasText: 'Details' }).click();
      const detail = await page.locator('.detail-row').innerText();
      expect(detail).toContain(`Resolved\n${at(12)}`);
      expect(detail).toContain('Days to remediate\n10');
      expect(errors).toEqual([]);
    }, 120_000);
  });
});

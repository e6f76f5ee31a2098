// A synthetic but realistic store for report tests and the report benchmark: several accounts scanned
// once a week (with lifecycle recorded), every registered AWS control, resources named in several
// scripts, a few errors, a not-assessable result, a coverage gap and muted findings. Deterministic.

import { ALL_CONTROLS } from '../checks/index.js';
import type { AnyControl } from '../core/control.js';
import { findingId, scopeResource } from '../core/ids.js';
import type { Finding, ScanDocument, Severity, Status } from '../core/model.js';
import type { MuteRule } from '../core/mutes.js';
import { ScanStore } from '../core/store/scans.js';
import { LocalBlobStore } from '../core/store/local.js';
import { recordScanSummary } from './summaries.js';
import { parseIsoWeek, shiftWeek } from './week.js';

export interface SampleOptions {
  /** The report week (the last one scanned). */
  week: string;
  accounts: number;
  /** Resources per control per account per scan. */
  resourcesPerControl: number;
  /** Weeks scanned, ending with `week`. */
  weeks: number;
  /** Share of resources failing, 0–1. */
  failRate?: number;
  /** Every n-th resource gets a name in another script (SAMPLE_NAMES, in turn); default 97. */
  namesEvery?: number;
  /**
   * Write scan summaries when recording: `all`, `history` (every week but the report week, as earlier
   * weekly reports leave them) or `none` (default: computed on first need).
   */
  recordSummaries?: 'all' | 'history' | 'none';
}

export const SAMPLE_MUTES: MuteRule[] = [
  {
    controls: ['aws-log-retention'],
    resources: ['*muted*'],
    reason: 'Archive log groups, exported to S3 with 7-year retention',
    owner: 'platform@example.com',
    expires: '2099-12-31',
    approvedBy: 'Security Officer J. Doe',
    ticket: 'RISK-142',
  },
  { controls: ['aws-ssh-not-open'], reason: 'Bastion migration finished', owner: 'ops@example.com', expires: '2020-01-31' },
];

/** Names in several scripts: resource names come from the scanned accounts, in any language. */
export const SAMPLE_NAMES = ['база-данных-прод', 'βάση-δεδομένων', '数据库-東京', 'قاعدة-البيانات', 'secret-🔒-vault', 'ボリューム', '환자-기록', 'ข้อมูล'];

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sampleAccount(i: number): string {
  return String(100000000000 + i * 7919).padStart(12, '0');
}

function resourceFor(control: AnyControl, account: string, region: string, n: number, every: number): { id: string; uid: string; type: string; name: string } {
  const special = n % every === 1 ? SAMPLE_NAMES[Math.floor(n / every) % SAMPLE_NAMES.length] : undefined;
  switch (control.area) {
    case 'volumes':
      return { id: `vol-${(n * 2654435761).toString(16).padStart(8, '0').slice(0, 8)}${n}`, uid: `arn:aws:ec2:${region}:${account}:volume/vol-${n}`, type: 'AWS::EC2::Volume', name: special ?? `data-volume-${n}` };
    case 'databases':
      return { id: `db-${n}`, uid: `arn:aws:rds:${region}:${account}:db:db-${n}`, type: 'AWS::RDS::DBInstance', name: special ?? `patients-db-${n}` };
    case 'ssh':
      return { id: `sg-${n.toString(16).padStart(8, '0')}`, uid: `arn:aws:ec2:${region}:${account}:security-group/sg-${n}`, type: 'AWS::EC2::SecurityGroup', name: special ?? `web-sg-${n}` };
    case 'mfa':
      return { id: `user-${n}`, uid: `arn:aws:iam::${account}:user/user-${n}`, type: 'AWS::IAM::User', name: special ?? `clinician.${n}` };
    case 'audit':
      return { id: `${account}/${region}`, uid: `arn:aws:cloudtrail:${region}:${account}:trail/${n}`, type: 'AWS::CloudTrail::Trail', name: special ?? `trail-${n}` };
    case 'retention': {
      const name = n % 41 === 3 ? `/archive/muted-${n}` : (special ?? `/aws/lambda/service-${n}`);
      return { id: name, uid: `arn:aws:logs:${region}:${account}:log-group:${name}`, type: 'AWS::Logs::LogGroup', name };
    }
  }
}

export function makeFinding(control: AnyControl, account: string, region: string, n: number, status: Status, severity: Severity, at: string, every = 97): Finding {
  const r = resourceFor(control, account, region, n, every);
  const global = control.scope === 'account';
  return {
    id: findingId(control.id, r.uid),
    controlId: control.id,
    area: control.area,
    provider: 'aws',
    account,
    region: global ? 'global' : region,
    scope: global ? 'global' : region,
    resource: { id: r.id, uid: r.uid, type: r.type, name: r.name, tags: { team: n % 2 === 0 ? 'clinical' : 'platform', 'data-class': 'phi' } },
    status,
    severity,
    title: control.title,
    message:
      status === 'PASS'
        ? `${r.name} meets the control.`
        : status === 'NOT_ASSESSABLE'
          ? `${r.name} is a Delivery-class log group: CloudWatch keeps its events one day and forwards them; check retention at the destination (the S3 bucket's lifecycle rules).`
          : `${r.name} does not meet "${control.title}": found in ${region} during the weekly scan (resource ${r.id}); see the evidence for the exact fields.`,
    remediation: control.remediation,
    hipaa: [...control.hipaa],
    evidence: [{ api: 'ec2:DescribeVolumes', region, readAt: at, fields: { VolumeId: r.id, Encrypted: status === 'PASS', KmsKeyId: null, Tags: [{ Key: 'team', Value: 'clinical' }] } }],
  };
}

/** One account's scan for one week. */
export function sampleScan(options: SampleOptions, accountIndex: number, weekOffset: number): ScanDocument {
  const week = shiftWeek(parseIsoWeek(options.week), -weekOffset);
  const finished = new Date(week.start.getTime() + 2 * 86_400_000 + accountIndex * 60_000 + 3_600_000);
  const at = finished.toISOString();
  const account = sampleAccount(accountIndex);
  const random = mulberry32(accountIndex * 1000 + 17);
  const failRate = options.failRate ?? 0.6;
  const controls = ALL_CONTROLS.filter((c) => c.provider === 'aws');
  const results: Finding[] = [];
  const coverage: ScanDocument['coverage'] = [];
  for (const control of controls) {
    for (let n = 0; n < options.resourcesPerControl; n += 1) {
      const region = REGIONS[n % REGIONS.length] ?? 'us-east-1';
      // A resource's fate drifts week to week: the newest weeks fix some and break others.
      const base = random();
      const drift = ((n * 31 + weekOffset * 17 + accountIndex) % 10) / 10;
      const failing = (base + drift * 0.15) % 1 < failRate - weekOffset * 0.02;
      let status: Status = failing ? 'FAIL' : 'PASS';
      let severity: Severity = control.severity;
      if (failing && control.area === 'databases' && n % 5 === 0) severity = 'critical';
      if (failing && n % 13 === 0) severity = 'low';
      if (control.id === 'aws-log-retention' && n % 37 === 7) status = 'NOT_ASSESSABLE';
      // Account 0 could not read CloudTrail in eu-west-1 in the report week: no verdicts there.
      if (accountIndex === 0 && weekOffset === 0 && control.area === 'audit' && region === 'eu-west-1') continue;
      const finding = makeFinding(control, account, region, n, status, severity, at, options.namesEvery);
      // Mutes as the scan pipeline applies them (rule 0 is in force, rule 1 expired long ago).
      if (finding.status === 'FAIL' && control.id === 'aws-log-retention' && (finding.resource.name ?? '').includes('muted')) {
        const rule = SAMPLE_MUTES[0];
        if (rule !== undefined) {
          finding.status = 'MUTED';
          finding.mute = { index: 0, reason: rule.reason, owner: rule.owner, expires: rule.expires, approvedBy: rule.approvedBy ?? '', ticket: rule.ticket ?? '' };
        }
      }
      results.push(finding);
    }
  }
  // The first account could not read CloudTrail in one region in the report week.
  if (accountIndex === 0 && weekOffset === 0) {
    const control = controls.find((c) => c.area === 'audit');
    if (control !== undefined) {
      const resource = scopeResource('aws', account, 'eu-west-1');
      results.push({
        ...makeFinding(control, account, 'eu-west-1', 0, 'ERROR', control.severity, at),
        id: findingId(control.id, resource.uid),
        resource,
        message: 'Could not assess: cloudtrail:DescribeTrails failed with AccessDeniedException (User is not authorized to perform cloudtrail:DescribeTrails).',
        evidence: [],
      });
      coverage.push({ provider: 'aws', account, region: 'eu-west-1', api: 'cloudtrail:DescribeTrails', controls: [control.id], code: 'AccessDeniedException', reason: 'User is not authorized to perform cloudtrail:DescribeTrails' });
    }
  }
  return {
    schemaVersion: 1,
    scanId: `${at.replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}-${account.slice(-4)}${String(weekOffset).padStart(2, '0')}`,
    startedAt: new Date(finished.getTime() - 300_000).toISOString(),
    finishedAt: at,
    wardVersion: '0.1.0',
    thresholds: { minLogRetentionDays: 365 },
    controls: controls.map((c) => c.id),
    targets: [{ provider: 'aws', account, name: accountIndex === 1 ? 'production' : `account-${accountIndex}`, regions: REGIONS, disabledRegions: ['ap-east-1'] }],
    coverage,
    results,
  };
}

/** Records the sample scans, oldest week first, into a local store in `dir`. */
export async function buildSampleStore(dir: string, options: SampleOptions): Promise<ScanStore> {
  const store = new ScanStore(new LocalBlobStore(dir));
  for (let offset = options.weeks - 1; offset >= 0; offset -= 1) {
    for (let a = 0; a < options.accounts; a += 1) {
      const scan = sampleScan(options, a, offset);
      await store.recordScan(scan);
      if (options.recordSummaries === 'all' || (options.recordSummaries === 'history' && offset > 0)) await recordScanSummary(store.blobs, scan);
    }
    // Alerts go out after each week's scans, as they would.
    await store.markDelivered(await store.pendingAlerts());
  }
  return store;
}

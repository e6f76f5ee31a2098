// Everything a weekly report says, gathered from the store in one pass: the week's scans (chosen by
// finishedAt), each account's posture (its last scan of the week), lifecycle changes inside the week,
// the HIPAA matrix, coverage, mutes and an 8-week trend from cached scan summaries.
//
// Memory: scan documents and account states are loaded one at a time and reduced to compact rows;
// full findings (with all their evidence) are only ever streamed (see `postureByAccount`).

import { ALL_CONTROLS } from '../checks/index.js';
import type { AnyControl } from '../core/control.js';
import { HIPAA_SAFEGUARDS } from '../core/hipaa.js';
import type { LifecycleState, TrackedFinding } from '../core/lifecycle.js';
import {
  AREAS,
  SEVERITIES,
  STATUSES,
  severityRank,
  type Area,
  type CoverageGap,
  type Finding,
  type MuteRef,
  type Provider,
  type ReadIdentity,
  type Remediation,
  type Severity,
  type Status,
  type Thresholds,
} from '../core/model.js';
import { DEFAULT_MUTE_LIMITS, muteExpired, muteMatches, muteShareWarning, type MuteRule } from '../core/mutes.js';
import type { AccountState, ScanStore } from '../core/store/scans.js';
import { WARD_VERSION } from '../core/version.js';
import { failingBySeverity, planPosture, selectResults, type PosturePlan } from './posture.js';
import { accountKeyOf, loadScanSummaries, type ScanSummary } from './summaries.js';
import { inWeek, shiftWeek, type IsoWeek } from './week.js';

export const TREND_WEEKS = 8;

/** A finding's lifecycle as stored, without the finding itself. */
export type Lifecycle = Omit<TrackedFinding, 'finding'>;

/** A finding reduced to what the PDF shows. */
export interface FindingRow {
  id: string;
  controlId: string;
  status: Status;
  severity: Severity;
  area: Area;
  provider: Provider;
  account: string;
  region: string;
  resource: string;
  /** The message and the evidence excerpt, kept off the JavaScript heap: read them with `rowText`. */
  text: TextRef;
  state?: LifecycleState;
  firstSeen?: string;
  mute?: MuteRef;
}

export type StatusCounts = Record<Status, number>;

/** Where a row's message and evidence excerpt are in the report's text arena. */
export interface TextRef {
  at: number;
  messageBytes: number;
  evidenceBytes: number;
}

const ARENA_CHUNK = 1 << 20;

/**
 * Row texts, UTF-8 in 1 MiB buffers outside the JavaScript heap. With 100,000 rows they are most of
 * the report's live data; kept on the heap, the garbage collector's headroom would double them.
 */
export class TextArena {
  private readonly chunks: Buffer[] = [];
  private used = ARENA_CHUNK;

  add(message: string, evidence: string): TextRef {
    const messageBytes = Buffer.byteLength(message, 'utf8');
    const evidenceBytes = Buffer.byteLength(evidence, 'utf8');
    const size = messageBytes + evidenceBytes;
    if (this.used + size > ARENA_CHUNK) {
      this.chunks.push(Buffer.allocUnsafe(Math.max(ARENA_CHUNK, size)));
      this.used = 0;
    }
    const index = this.chunks.length - 1;
    const chunk = this.chunks[index] as Buffer;
    const start = this.used;
    chunk.write(message, start, 'utf8');
    chunk.write(evidence, start + messageBytes, 'utf8');
    this.used += size;
    return { at: index * ARENA_CHUNK + start, messageBytes, evidenceBytes };
  }

  read(ref: TextRef): { message: string; evidence: string } {
    const chunk = this.chunks[Math.floor(ref.at / ARENA_CHUNK)];
    if (chunk === undefined) return { message: '', evidence: '' };
    const start = ref.at % ARENA_CHUNK;
    return {
      message: chunk.toString('utf8', start, start + ref.messageBytes),
      evidence: chunk.toString('utf8', start + ref.messageBytes, start + ref.messageBytes + ref.evidenceBytes),
    };
  }
}

export interface ControlRollup {
  id: string;
  title: string;
  provider: Provider;
  area: Area;
  severity: Severity;
  hipaa: string[];
  description: string;
  remediation: Remediation;
  /** Whether this control is in the registry (false: only known from stored results). */
  registered: boolean;
  counts: StatusCounts;
  /** FAIL then MUTED rows, worst first. */
  failing: FindingRow[];
}

export const HIPAA_STATUSES = ['NOT_MET', 'INCOMPLETE', 'MET_WITH_EXCEPTIONS', 'MET', 'NO_DATA'] as const;
export type HipaaStatus = (typeof HIPAA_STATUSES)[number];

export const HIPAA_STATUS_LABELS: Record<HipaaStatus, string> = {
  NOT_MET: 'Not met',
  INCOMPLETE: 'Incomplete',
  MET_WITH_EXCEPTIONS: 'Met (accepted risks)',
  MET: 'Met',
  NO_DATA: 'No data',
};

export interface HipaaRow {
  safeguard: string;
  title: string;
  controls: string[];
  pass: number;
  fail: number;
  muted: number;
  error: number;
  notAssessable: number;
  status: HipaaStatus;
}

export interface AccountRow {
  provider: Provider;
  account: string;
  name?: string;
  regions: string[];
  disabledRegions: string[];
  deferredRegions: string[];
  /** The account's last scan of the week. */
  scanId: string;
  scannedAt: string;
  /** Who read it in that scan, when recorded. */
  identity?: ReadIdentity;
}

export interface UnscannedAccount {
  provider: Provider;
  account: string;
  /** When its stored state was last advanced. */
  lastScannedAt: string;
}

export interface TrendPoint {
  week: string;
  start: string;
  end: string;
  /** Accounts scanned that week (0: no data). */
  accounts: number;
  scans: number;
  /** Open FAIL findings at the end of the week, per account from its last scan of that week; null without scans. */
  open: number | null;
  bySeverity: Record<Severity, number>;
}

export interface MuteRow {
  index: number;
  rule: MuteRule;
  status: 'in-force' | 'expired';
  /** Findings of this week's posture muted by this rule. */
  muted: number;
  /** For an expired rule: FAIL findings it would still match. */
  wouldMatch: number;
}

export interface RecordedMute {
  mute: MuteRef;
  muted: number;
  /** Why it is listed apart from the configured rules. */
  note: string;
}

export interface ReportTotals {
  results: StatusCounts;
  open: { total: number; bySeverity: Record<Severity, number>; byArea: Record<Area, number>; byAreaSeverity: Record<Area, Record<Severity, number>> };
  changes: { new: number; reopened: number; resolved: number };
}

export interface GapRow extends CoverageGap {
  scanId: string;
}

export interface ReportData {
  organization: string;
  week: IsoWeek;
  generatedAt: string;
  wardVersion: string;
  /** The instant mute expiry is judged at: generation time, or the week's end if earlier. */
  asOf: string;
  /** Generated before the week ended: the report covers the period so far. */
  inProgress: boolean;
  /** The week's scans, oldest first. */
  scans: ScanSummary[];
  plan: PosturePlan;
  accounts: AccountRow[];
  unscanned: UnscannedAccount[];
  controlsAssessed: string[];
  thresholds: Thresholds[];
  controls: ControlRollup[];
  totals: ReportTotals;
  hipaa: HipaaRow[];
  trend: TrendPoint[];
  gaps: GapRow[];
  errors: FindingRow[];
  notAssessable: FindingRow[];
  mutes: MuteRow[];
  recordedMutes: RecordedMute[];
  /** Set when mutes hide more than the configured share of the posture's failing findings. */
  muteWarning?: string;
  /** Findings resolved this week that the posture no longer lists (the resource is gone). */
  resolvedAbsent: ResolvedRef[];
  /** The rows' messages and evidence excerpts. */
  texts: TextArena;
}

export interface ResolvedRef {
  provider: Provider;
  account: string;
  id: string;
}

export interface CollectOptions {
  week: IsoWeek;
  organization: string;
  mutes: readonly MuteRule[];
  now: Date;
  /** muteLimits.warnShare: say loudly when mutes hide more than this share of failing findings. */
  muteWarnShare?: number;
}

const lifecycleKey = (provider: string, account: string, id: string): string => `${provider}:${account}|${id}`;

export function lifecycleOf(t: TrackedFinding): Lifecycle {
  return {
    state: t.state,
    firstSeen: t.firstSeen,
    lastSeen: t.lastSeen,
    changedAt: t.changedAt,
    ...(t.resolvedAt === undefined ? {} : { resolvedAt: t.resolvedAt }),
    ...(t.reopenedAt === undefined ? {} : { reopenedAt: t.reopenedAt }),
  };
}

export interface AccountPosture {
  scanId: string;
  provider: Provider;
  account: string;
  /** This account's selected results from that scan. */
  results: Finding[];
  /** The account's lifecycle, by finding id, from its stored state. */
  lifecycle: Map<string, Lifecycle>;
}

/** One account's lifecycle, by finding id, as its stored state has it (the state itself is let go). */
export async function accountLifecycle(store: ScanStore, provider: Provider, account: string): Promise<Map<string, Lifecycle>> {
  const state = await store.loadState(provider, account);
  return new Map((state?.tracked ?? []).map((t) => [t.finding.id, lifecycleOf(t)]));
}

/**
 * Replays the week's posture over the stored scan documents, one document at a time: each account's
 * selected results, with its lifecycle. The accounts' states are read (and reduced to their
 * lifecycle) before the scan document, so the two large documents are never in memory together.
 */
export async function* postureByAccount(store: ScanStore, plan: PosturePlan): AsyncGenerator<AccountPosture> {
  const seen = new Set<string>();
  for (const planned of plan.scans) {
    const lifecycles = new Map<string, Map<string, Lifecycle>>();
    for (const account of planned.accounts) lifecycles.set(account.key, await accountLifecycle(store, account.summary.provider, account.summary.account));
    const scan = await store.loadScan(planned.scanId);
    if (scan === undefined) throw new Error(`scan ${planned.scanId} disappeared from the store while the report was being written`);
    const groups = new Map<string, Finding[]>();
    for (const finding of selectResults(planned, scan.results, seen)) {
      const key = accountKeyOf(finding.provider, finding.account);
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = []));
      group.push(finding);
    }
    for (const account of planned.accounts) {
      const { provider, account: id } = account.summary;
      yield { scanId: planned.scanId, provider, account: id, results: groups.get(account.key) ?? [], lifecycle: lifecycles.get(account.key) ?? new Map() };
    }
  }
}

function zeroStatuses(): StatusCounts {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;
}

function zeroSeverities(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}

const cap = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return String(value);
  }
}

/** A field naming the resource or its container (GroupId, VpcId, logGroupName, TrailARN…), not judging it. */
const IDENTITY_FIELD = /(Id|Identifier|Name|ARN|Arn)$|^(id|name)$/;
const KEY_FIELD = /Kms|Key/;
/** Deciding fields are shown whole up to this many characters (report.json always has them whole). */
export const DECIDING_EVIDENCE_MAX = 2000;
const CONTEXT_VALUE_MAX = 80;

function isContextField(key: string, value: unknown): boolean {
  return typeof value === 'string' && IDENTITY_FIELD.test(key) && !KEY_FIELD.test(key);
}

/**
 * One line of evidence: the call, where and when, then the fields that decided the verdict, first and
 * whole (an SG's IpPermissions, a volume's Encrypted), then the fields that only name the resource,
 * shortened. A PDF wraps the line; it is never cut inside the deciding fields below DECIDING_EVIDENCE_MAX.
 */
export function evidenceExcerpt(f: Finding): string {
  const first = f.evidence[0];
  if (first === undefined) return '';
  const entries = Object.entries(first.fields).filter(([, v]) => v !== undefined);
  const deciding = entries.filter(([k, v]) => !isContextField(k, v)).map(([k, v]) => `${k}=${valueText(v)}`);
  const context = entries.filter(([k, v]) => isContextField(k, v)).map(([k, v]) => `${k}=${cap(valueText(v), CONTEXT_VALUE_MAX)}`);
  let decided = deciding.join(', ');
  if (decided.length > DECIDING_EVIDENCE_MAX) decided = `${decided.slice(0, DECIDING_EVIDENCE_MAX - 1)}… (whole in report.json)`;
  const more = f.evidence.length > 1 ? ` (+${f.evidence.length - 1} more call${f.evidence.length > 2 ? 's' : ''} in report.json)` : '';
  const fields = [decided, context.join(', ')].filter((t) => t !== '').join(' · ');
  return `${first.api} @ ${first.region}, read ${first.readAt.slice(0, 16).replace('T', ' ')}: ${fields}${more}`;
}

export function resourceLabel(f: Finding): string {
  if (f.resource.type === 'Scope') return f.scope === '*' ? `whole account ${f.account}` : `${f.account} / ${f.scope}`;
  return f.resource.name !== undefined && f.resource.name !== '' ? f.resource.name : f.resource.id;
}

/** Repeated values (control ids, accounts, regions, timestamps) kept once in memory. */
class Interner {
  private readonly strings = new Map<string, string>();
  private readonly mutes = new Map<string, MuteRef>();

  s<T extends string>(value: T): T {
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    this.strings.set(value, value);
    return value;
  }

  mute(value: MuteRef): MuteRef {
    const key = `${value.index}|${value.expires}|${value.owner}|${value.reason}|${value.approvedBy ?? ''}|${value.ticket ?? ''}`;
    const known = this.mutes.get(key);
    if (known !== undefined) return known;
    this.mutes.set(key, value);
    return value;
  }
}

/** A row's message and evidence excerpt. */
export function rowText(data: Pick<ReportData, 'texts'>, row: FindingRow): { message: string; evidence: string } {
  return data.texts.read(row.text);
}

function rowOf(f: Finding, lifecycle: Lifecycle | undefined, intern: Interner, texts: TextArena): FindingRow {
  return {
    id: f.id,
    controlId: intern.s(f.controlId),
    status: intern.s(f.status),
    severity: intern.s(f.severity),
    area: intern.s(f.area),
    provider: intern.s(f.provider),
    account: intern.s(f.account),
    region: intern.s(f.region),
    resource: cap(resourceLabel(f), 200),
    // What the PDF shows: two lines of message; the evidence with its deciding fields whole.
    text: texts.add(cap(f.message, 320), evidenceExcerpt(f)),
    ...(lifecycle === undefined ? {} : { state: intern.s(lifecycle.state), firstSeen: intern.s(lifecycle.firstSeen) }),
    ...(f.mute === undefined ? {} : { mute: intern.mute(f.mute) }),
  };
}

function controlMeta(control: AnyControl): Omit<ControlRollup, 'counts' | 'failing'> {
  return {
    id: control.id,
    title: control.title,
    provider: control.provider,
    area: control.area,
    severity: control.severity,
    hipaa: [...control.hipaa],
    description: control.description,
    remediation: control.remediation,
    registered: true,
  };
}

/** Rows worst first: FAIL before MUTED, then severity, account, resource. */
export function compareRows(a: FindingRow, b: FindingRow): number {
  return (
    (a.status === 'FAIL' ? 0 : 1) - (b.status === 'FAIL' ? 0 : 1) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    a.provider.localeCompare(b.provider) ||
    a.account.localeCompare(b.account) ||
    a.region.localeCompare(b.region) ||
    a.resource.localeCompare(b.resource) ||
    a.id.localeCompare(b.id)
  );
}

export function hipaaStatus(row: Pick<HipaaRow, 'pass' | 'fail' | 'muted' | 'error' | 'notAssessable'>): HipaaStatus {
  if (row.fail > 0) return 'NOT_MET';
  if (row.error > 0 || row.notAssessable > 0) return 'INCOMPLETE';
  if (row.muted > 0) return 'MET_WITH_EXCEPTIONS';
  if (row.pass > 0) return 'MET';
  return 'NO_DATA';
}

function trendFor(summaries: readonly ScanSummary[], week: IsoWeek): TrendPoint[] {
  const points: TrendPoint[] = [];
  for (let i = TREND_WEEKS - 1; i >= 0; i -= 1) {
    const w = shiftWeek(week, -i);
    const inside = summaries.filter((s) => inWeek(w, s.finishedAt));
    const plan = planPosture(inside);
    const bySeverity = failingBySeverity(plan);
    const open = SEVERITIES.reduce((n, s) => n + bySeverity[s], 0);
    points.push({
      week: w.id,
      start: w.start.toISOString(),
      end: w.end.toISOString(),
      accounts: plan.latest.size,
      scans: inside.length,
      open: inside.length === 0 ? null : open,
      bySeverity,
    });
  }
  return points;
}

function sameMute(a: MuteRef, rule: MuteRule | undefined): boolean {
  return rule !== undefined && a.reason === rule.reason && a.owner === rule.owner && a.expires === rule.expires && a.approvedBy === rule.approvedBy && a.ticket === rule.ticket;
}

export async function collectReportData(store: ScanStore, options: CollectOptions): Promise<ReportData> {
  const { week } = options;
  const asOf = new Date(Math.min(options.now.getTime(), week.end.getTime() - 1));
  const summaries = await loadScanSummaries(store);
  const scans = summaries.filter((s) => inWeek(week, s.finishedAt));
  const plan = planPosture(scans);

  // Lifecycle changes this week, one account state at a time (scanned accounts' states are read with
  // their posture, below).
  const changes = { new: 0, reopened: 0, resolved: 0 };
  const unscanned: UnscannedAccount[] = [];
  const resolvedThisWeek = new Map<string, ResolvedRef>();
  const counted = new Set<string>();
  const countChanges = (provider: Provider, account: string, lifecycle: ReadonlyMap<string, Lifecycle>): void => {
    const key = accountKeyOf(provider, account);
    if (counted.has(key)) return;
    counted.add(key);
    for (const [id, l] of lifecycle) {
      if (inWeek(week, l.firstSeen)) changes.new += 1;
      if (inWeek(week, l.reopenedAt)) changes.reopened += 1;
      if (inWeek(week, l.resolvedAt)) {
        changes.resolved += 1;
        if (l.state === 'resolved') resolvedThisWeek.set(lifecycleKey(provider, account, id), { provider, account, id });
      }
    }
  };
  for (const key of await store.blobs.list('state/')) {
    const match = /^state\/([^/]+)\/(.+)\.json$/.exec(key);
    if (match === null || plan.latest.has(`${match[1]}:${match[2]}`)) continue;
    const text = await store.blobs.read(key);
    if (text === undefined) continue;
    const state = JSON.parse(text) as AccountState;
    unscanned.push({ provider: state.provider, account: state.account, lastScannedAt: state.updatedAt });
    countChanges(state.provider, state.account, new Map(state.tracked.map((t) => [t.finding.id, lifecycleOf(t)])));
  }

  // Controls: the registry's, plus any only known from stored results.
  const controls = new Map<string, ControlRollup>();
  for (const c of ALL_CONTROLS) controls.set(c.id, { ...controlMeta(c), counts: zeroStatuses(), failing: [] });
  const rollup = (f: Finding): ControlRollup => {
    let c = controls.get(f.controlId);
    if (c === undefined) {
      c = {
        id: f.controlId,
        title: f.title,
        provider: f.provider,
        area: f.area,
        severity: f.severity,
        hipaa: [...f.hipaa],
        description: '',
        remediation: f.remediation,
        registered: false,
        counts: zeroStatuses(),
        failing: [],
      };
      controls.set(f.controlId, c);
    }
    return c;
  };

  const totals: ReportTotals = {
    results: zeroStatuses(),
    open: {
      total: 0,
      bySeverity: zeroSeverities(),
      byArea: Object.fromEntries(AREAS.map((a) => [a, 0])) as Record<Area, number>,
      byAreaSeverity: Object.fromEntries(AREAS.map((a) => [a, zeroSeverities()])) as Record<Area, Record<Severity, number>>,
    },
    changes,
  };
  const errors: FindingRow[] = [];
  const notAssessable: FindingRow[] = [];
  const gaps: GapRow[] = [];
  const thresholds = new Map<string, Thresholds>();
  const controlsAssessed = new Set<string>();
  const rules = options.mutes;
  const mutedBy = new Map<number, number>();
  const recorded = new Map<string, RecordedMute>();
  const expiredRules = rules.map((rule, index) => ({ rule, index })).filter(({ rule }) => muteExpired(rule, asOf));
  const wouldMatch = new Map<number, number>();
  const intern = new Interner();
  const texts = new TextArena();
  const scanned = new Set<string>();
  const byId = new Map(scans.map((s) => [s.scanId, s]));

  for await (const part of postureByAccount(store, plan)) {
    countChanges(part.provider, part.account, part.lifecycle);
    if (!scanned.has(part.scanId)) {
      scanned.add(part.scanId);
      const summary = byId.get(part.scanId);
      if (summary !== undefined) {
        thresholds.set(JSON.stringify(summary.thresholds), summary.thresholds);
        for (const id of summary.controls) controlsAssessed.add(id);
      }
    }
    for (const f of part.results) {
      resolvedThisWeek.delete(lifecycleKey(f.provider, f.account, f.id));
      const life = part.lifecycle.get(f.id);
      const control = rollup(f);
      control.counts[f.status] += 1;
      totals.results[f.status] += 1;
      switch (f.status) {
        case 'FAIL':
          totals.open.total += 1;
          totals.open.bySeverity[f.severity] += 1;
          totals.open.byArea[f.area] += 1;
          totals.open.byAreaSeverity[f.area][f.severity] += 1;
          control.failing.push(rowOf(f, life, intern, texts));
          for (const { rule, index } of expiredRules) if (muteMatches(rule, f)) wouldMatch.set(index, (wouldMatch.get(index) ?? 0) + 1);
          break;
        case 'MUTED': {
          control.failing.push(rowOf(f, life, intern, texts));
          if (f.mute !== undefined) {
            if (sameMute(f.mute, rules[f.mute.index])) mutedBy.set(f.mute.index, (mutedBy.get(f.mute.index) ?? 0) + 1);
            else {
              const k = JSON.stringify(f.mute);
              const r = recorded.get(k) ?? {
                mute: f.mute,
                muted: 0,
                note: rules[f.mute.index] === undefined ? 'applied at scan time; no longer in the configuration' : 'applied at scan time; the configuration has since changed',
              };
              r.muted += 1;
              recorded.set(k, r);
            }
          }
          break;
        }
        case 'ERROR':
          errors.push(rowOf(f, life, intern, texts));
          break;
        case 'NOT_ASSESSABLE':
          notAssessable.push(rowOf(f, life, intern, texts));
          break;
        default:
          break;
      }
    }
  }
  // Coverage gaps: per scan, in scopes no later scan of the week judged again.
  for (const planned of plan.scans) {
    const summary = byId.get(planned.scanId);
    if (summary === undefined || summary.coverageGaps === 0) continue;
    const scan = await store.loadScan(planned.scanId);
    for (const gap of scan?.coverage ?? []) {
      const account = planned.accounts.find((a) => a.summary.provider === gap.provider && a.summary.account === gap.account);
      if (account !== undefined && !account.excluded.has(gap.region)) gaps.push({ ...gap, scanId: planned.scanId });
    }
  }
  for (const c of controls.values()) c.failing.sort(compareRows);
  const byWhere = (a: FindingRow, b: FindingRow) => a.provider.localeCompare(b.provider) || a.account.localeCompare(b.account) || a.region.localeCompare(b.region) || a.controlId.localeCompare(b.controlId);
  errors.sort(byWhere);
  notAssessable.sort(byWhere);

  // Resolved this week and absent from the posture: the resource is gone.
  const resolvedAbsent: ReportData['resolvedAbsent'] = [...resolvedThisWeek.values()];

  // HIPAA matrix: every safeguard some control refers to, its controls derived from the registry.
  const ordered = [...controls.values()].sort((a, b) => a.id.localeCompare(b.id));
  const hipaa: HipaaRow[] = [];
  for (const [safeguard, title] of Object.entries(HIPAA_SAFEGUARDS)) {
    const mapped = ordered.filter((c) => c.hipaa.includes(safeguard));
    if (mapped.length === 0) continue;
    const sum = (status: Status) => mapped.reduce((n, c) => n + c.counts[status], 0);
    const row = { pass: sum('PASS'), fail: sum('FAIL'), muted: sum('MUTED'), error: sum('ERROR'), notAssessable: sum('NOT_ASSESSABLE') };
    hipaa.push({ safeguard, title, controls: mapped.map((c) => c.id), ...row, status: hipaaStatus(row) });
  }

  const accounts: AccountRow[] = [...plan.latest.values()]
    .map(({ scan, account }) => ({
      provider: account.provider,
      account: account.account,
      ...(account.name === undefined ? {} : { name: account.name }),
      regions: account.regions,
      disabledRegions: account.disabledRegions,
      deferredRegions: account.deferredRegions,
      scanId: scan.scanId,
      scannedAt: scan.finishedAt,
      ...(account.identity === undefined ? {} : { identity: account.identity }),
    }))
    .sort((a, b) => a.provider.localeCompare(b.provider) || a.account.localeCompare(b.account));

  const mutes: MuteRow[] = rules.map((rule, index) => ({
    index,
    rule,
    status: muteExpired(rule, asOf) ? 'expired' : 'in-force',
    muted: mutedBy.get(index) ?? 0,
    wouldMatch: wouldMatch.get(index) ?? 0,
  }));

  return {
    organization: options.organization,
    week,
    generatedAt: options.now.toISOString(),
    wardVersion: WARD_VERSION,
    asOf: asOf.toISOString(),
    inProgress: options.now.getTime() < week.end.getTime(),
    scans,
    plan,
    accounts,
    unscanned: unscanned.sort((a, b) => a.provider.localeCompare(b.provider) || a.account.localeCompare(b.account)),
    controlsAssessed: [...controlsAssessed].sort(),
    thresholds: [...thresholds.values()],
    controls: orderControls([...controls.values()]),
    totals,
    hipaa,
    trend: trendFor(summaries, week),
    gaps,
    errors,
    notAssessable,
    mutes,
    recordedMutes: [...recorded.values()],
    ...muteWarningOf(totals.results, options.muteWarnShare),
    resolvedAbsent,
    texts,
  };
}

function muteWarningOf(results: StatusCounts, warnShare: number | undefined): { muteWarning?: string } {
  const warning = muteShareWarning({ muted: results.MUTED, failing: results.MUTED + results.FAIL }, warnShare ?? DEFAULT_MUTE_LIMITS.warnShare);
  return warning === undefined ? {} : { muteWarning: warning };
}

/** Controls with open findings first (worst first), then the rest by id. */
function orderControls(controls: ControlRollup[]): ControlRollup[] {
  // Rows are sorted FAIL first, worst first: the first row tells the control's worst open finding.
  const worst = (c: ControlRollup) => {
    const first = c.failing[0];
    return first !== undefined && first.status === 'FAIL' ? severityRank(first.severity) : -1;
  };
  return controls.sort((a, b) => {
    const wa = worst(a);
    const wb = worst(b);
    return wb - wa || b.counts.FAIL - a.counts.FAIL || b.counts.MUTED - a.counts.MUTED || a.id.localeCompare(b.id);
  });
}

// The scan engine: the one piece of code the CLI, `sls invoke local` and Lambda all run. It asks a
// provider for targets, collects exactly the datasets the enabled controls read (each once per
// scope, under one concurrency bound), runs the pure checks and turns what it could not read into
// ERROR results and coverage gaps — never into silence.

import pLimit from 'p-limit';
import type { ResourceKind } from './change-events.js';
import type { AnyControl, Collected, DatasetDef, EvaluationContext, Judgement } from './control.js';
import { datasetsOf } from './control.js';
import { findingId, newScanId, scopeResource } from './ids.js';
import type { CoverageGap, Finding, Provider, ReadIdentity, ScanDocument, ScannedTarget, Thresholds } from './model.js';
import { severityRank } from './model.js';
import { limitErrorOf, readLimits, withReadDeadline } from './limits.js';
import { WARD_VERSION } from './version.js';

export const GLOBAL_REGION = 'global';
/** Region of an ERROR result that covers every region of an account. */
export const ALL_REGIONS = '*';

export interface RegionList {
  enabled: string[];
  disabled: string[];
}

/** A failure to read, as the provider classified it. */
export interface ReadFailure {
  api: string;
  code: string;
  reason: string;
}

/** One account, project or subscription, opened and ready to be read. */
export interface TargetSession {
  provider: Provider;
  account: string;
  name?: string;
  /** The call that lists the account's regions, for the coverage entry when it fails. */
  regionsApi: string;
  /** Who the cloud sees reading it, when the provider can tell. */
  readonly identity?: ReadIdentity;
  /** The regions to scan: enabled ones within `selection` (when given), and the disabled rest. */
  regions(selection: readonly string[] | undefined): Promise<RegionList>;
  /** Every item of the dataset in the region (`global` for account-scoped datasets), or throws. */
  collect(dataset: DatasetDef<unknown>, region: string): Promise<unknown[]>;
  /**
   * A change-driven scan: only the dataset's items that concern these resources, or undefined when the
   * dataset cannot be narrowed by that kind of id (the caller then reads it whole).
   */
  collectResources?(dataset: DatasetDef<unknown>, region: string, kind: ResourceKind, ids: readonly string[]): Promise<unknown[]> | undefined;
  /** Turns a thrown error into a read failure for the coverage list. */
  describeFailure(error: unknown, api: string): ReadFailure;
  close(): void;
}

export type TargetOpening =
  | { ok: true; session: TargetSession }
  | { ok: false; provider: Provider; account: string; name?: string; failure: ReadFailure };

/** What a provider contributes to a scan: its targets, opened lazily so fan-out stays bounded. */
export interface ProviderPlan {
  provider: Provider;
  targets: Array<{ account: string; name?: string; open(): Promise<TargetOpening> }>;
}

export interface ScanProgress {
  targetsDone: number;
  targetsTotal: number;
  regionsDone: number;
  regionsTotal: number;
}

export interface ScanOptions {
  plans: ProviderPlan[];
  controls: readonly AnyControl[];
  thresholds: Thresholds;
  regions?: readonly string[];
  /** Dataset reads in flight at once, across every target and region. */
  concurrency?: number;
  /** Targets opened at once. */
  targetConcurrency?: number;
  onProgress?: (progress: ScanProgress) => void;
  now?: () => Date;
  /**
   * Asked before each read starts; once it answers false (a Lambda running out of time), regions
   * not yet read are deferred: listed in the target's `deferredRegions`, judged by a later part.
   */
  keepGoing?: () => boolean;
  /** A continuation part: account-wide controls were judged by the first part. */
  skipAccountScope?: boolean;
  /** One read (a dataset in a scope, all pages and retries; also opening a target, listing its regions). Default: readLimits(). */
  readDeadlineMs?: number;
}

/** A provider's classification, unless one of Ward's own bounds stopped the read (core/limits.ts). */
export function failureOf(session: Pick<TargetSession, 'describeFailure'>, error: unknown, api: string): ReadFailure {
  const limit = limitErrorOf(error);
  return limit === undefined ? session.describeFailure(error, api) : { api, code: limit.code, reason: limit.reason };
}

type DatasetState = { ok: true; collected: Collected<unknown> } | { ok: false; failure: ReadFailure } | { ok: false; deferred: true };

/** A target that could not be opened (or its regions listed): one ERROR per control, and its gap. */
interface UnopenedTarget {
  target: ScannedTarget;
  findings: Finding[];
  gaps: CoverageGap[];
}

export function buildFinding(control: AnyControl, judgement: Judgement, ctx: EvaluationContext): Finding {
  return {
    id: findingId(control.id, judgement.resource.uid),
    controlId: control.id,
    area: control.area,
    provider: control.provider,
    account: ctx.account,
    region: judgement.region ?? ctx.region,
    scope: ctx.region,
    resource: judgement.resource,
    status: judgement.status,
    severity: judgement.severity ?? control.severity,
    title: control.title,
    message: judgement.message,
    remediation: control.remediation,
    hipaa: [...control.hipaa],
    evidence: judgement.evidence,
  };
}

export function scopeError(control: AnyControl, ctx: EvaluationContext, failure: ReadFailure): Finding {
  const where = ctx.region === ALL_REGIONS ? 'in any region' : ctx.region === GLOBAL_REGION ? 'account-wide' : `in ${ctx.region}`;
  return buildFinding(
    control,
    {
      resource: scopeResource(control.provider, ctx.account, ctx.region),
      status: 'ERROR',
      message: `Could not assess ${where}: ${failure.api} failed (${failure.code}: ${failure.reason}). Earlier findings for this scope stand until it can be read again.`,
      evidence: [],
    },
    ctx,
  );
}

/** The coverage gap of a control that judged a resource ERROR: it read the data but could not decide. */
export function incompleteGap(control: AnyControl, judgement: Judgement, finding: Finding, region: string): CoverageGap {
  return {
    provider: finding.provider,
    account: finding.account,
    region,
    api: judgement.evidence[0]?.api ?? Object.values(control.reads)[0]?.api ?? control.id,
    code: 'Incomplete',
    reason: judgement.message,
    controls: [control.id],
  };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    a.controlId.localeCompare(b.controlId) ||
    a.account.localeCompare(b.account) ||
    a.region.localeCompare(b.region) ||
    a.resource.uid.localeCompare(b.resource.uid)
  );
}

/** A scope whose findings were handed on (an empty list: nothing is handed twice). */
const HANDED_ON: Finding[] = [];

class TargetScan {
  private readonly gaps: CoverageGap[] = [];

  constructor(
    private readonly session: TargetSession,
    private readonly controls: readonly AnyControl[],
    private readonly options: ScanOptions,
    private readonly limit: <T>(task: () => Promise<T>) => Promise<T>,
    private readonly onRegionDone: () => void,
  ) {}

  /**
   * Judges the account-wide controls and then each region, and hands each scope's findings to
   * `onFindings` in that order (account-wide first, then the regions as listed) as soon as the scope
   * and every scope before it are judged: a target's findings are never held together.
   */
  async run(regions: RegionList, onFindings: (findings: Finding[]) => Promise<void> | void): Promise<ScannedTarget> {
    const accountControls = this.options.skipAccountScope === true ? [] : this.controls.filter((c) => c.scope === 'account');
    const regionalControls = this.controls.filter((c) => c.scope === 'region');
    const accountDatasets = uniqueDatasets([...accountControls, ...regionalControls]).filter((d) => d.scope === 'account');
    const accountStates = this.collectAll(accountDatasets, GLOBAL_REGION);
    const deferred: string[] = [];

    const regionalDatasets = uniqueDatasets(regionalControls).filter((d) => d.scope === 'region');
    const scopes: Array<() => Promise<Finding[]>> = [
      async () => this.judgeAll(accountControls, GLOBAL_REGION, await accountStates),
      ...regions.enabled.map((region) => async () => {
        const states = await this.collectAll(regionalDatasets, region);
        if ([...states.values()].some((state) => 'deferred' in state)) {
          deferred.push(region);
          return [];
        }
        const findings = this.judgeAll(regionalControls, region, new Map([...(await accountStates), ...states]));
        this.onRegionDone();
        return findings;
      }),
    ];
    // Each scope's findings wait here only until every scope before it is handed on, then are
    // released: nothing (no settled promise either) keeps a target's findings together.
    const ready: Array<Finding[] | undefined> = scopes.map(() => undefined);
    let next = 0;
    let handing = Promise.resolve();
    const handOn = (): Promise<void> => {
      handing = handing.then(async () => {
        for (let findings = ready[next]; findings !== undefined; findings = ready[next]) {
          ready[next] = HANDED_ON;
          next += 1;
          if (findings.length > 0) await onFindings(findings.sort(compareFindings));
        }
      });
      return handing;
    };
    await Promise.all(
      scopes.map(async (judgeScope, index) => {
        ready[index] = await judgeScope();
        await handOn();
      }),
    );

    return {
      provider: this.session.provider,
      account: this.session.account,
      ...(this.session.name === undefined ? {} : { name: this.session.name }),
      ...(this.session.identity === undefined ? {} : { identity: this.session.identity }),
      regions: regions.enabled.filter((r) => !deferred.includes(r)),
      disabledRegions: regions.disabled,
      ...(deferred.length === 0 ? {} : { deferredRegions: deferred.sort() }),
    };
  }

  /** What could not be read or decided, once the target is done. */
  coverageGaps(): CoverageGap[] {
    return this.gaps;
  }

  private async collectAll(datasets: DatasetDef<unknown>[], region: string): Promise<Map<string, DatasetState>> {
    const entries = await Promise.all(
      datasets.map(async (dataset): Promise<[string, DatasetState]> => [dataset.key, await this.collectOne(dataset, region)]),
    );
    return new Map(entries);
  }

  private async collectOne(dataset: DatasetDef<unknown>, region: string): Promise<DatasetState> {
    return this.limit(async (): Promise<DatasetState> => {
      if (region !== GLOBAL_REGION && this.options.keepGoing?.() === false) return { ok: false, deferred: true };
      const readAt = (this.options.now?.() ?? new Date()).toISOString();
      try {
        const deadline = this.options.readDeadlineMs ?? readLimits().readDeadlineMs;
        const items = await withReadDeadline(deadline, `${dataset.api} in ${region}`, () => this.session.collect(dataset, region));
        return { ok: true, collected: { items, api: dataset.api, region, readAt } };
      } catch (error) {
        const failure = failureOf(this.session, error, dataset.api);
        const affected = this.controls.filter((c) => datasetsOf(c).some((d) => d.key === dataset.key)).map((c) => c.id);
        this.gaps.push({ provider: this.session.provider, account: this.session.account, region, ...failure, controls: affected });
        return { ok: false, failure };
      }
    });
  }

  private judgeAll(controls: readonly AnyControl[], region: string, states: Map<string, DatasetState>): Finding[] {
    const findings: Finding[] = [];
    for (const control of controls) this.judge(control, region, states, findings);
    return findings;
  }

  private judge(control: AnyControl, region: string, states: Map<string, DatasetState>, findings: Finding[]): void {
    const ctx: EvaluationContext = {
      provider: this.session.provider,
      account: this.session.account,
      region,
      thresholds: this.options.thresholds,
    };
    const data: Record<string, Collected<unknown>> = {};
    for (const [name, dataset] of Object.entries(control.reads)) {
      const state = states.get(dataset.key);
      if (state === undefined || !state.ok) {
        const failure =
          state !== undefined && 'failure' in state ? state.failure : { api: dataset.api, code: 'NotCollected', reason: 'the dataset was not collected' };
        findings.push(scopeError(control, ctx, failure));
        return;
      }
      data[name] = state.collected;
    }
    const context: Record<string, Collected<unknown> | undefined> = {};
    for (const [name, dataset] of Object.entries(control.context)) {
      const state = states.get(dataset.key);
      context[name] = state?.ok === true ? state.collected : undefined;
    }
    for (const judgement of control.evaluate(data, context, ctx)) {
      const finding = buildFinding(control, judgement, ctx);
      findings.push(finding);
      if (finding.status === 'ERROR') this.gaps.push(incompleteGap(control, judgement, finding, region));
    }
  }
}

function uniqueDatasets(controls: readonly AnyControl[]): DatasetDef<unknown>[] {
  const byKey = new Map<string, DatasetDef<unknown>>();
  for (const control of controls) for (const dataset of datasetsOf(control)) byKey.set(dataset.key, dataset);
  return [...byKey.values()];
}

function unopenedTarget(
  provider: Provider,
  account: string,
  name: string | undefined,
  failure: ReadFailure,
  controls: readonly AnyControl[],
  thresholds: Thresholds,
): UnopenedTarget {
  const ctx = { provider, account, region: ALL_REGIONS, thresholds };
  return {
    target: { provider, account, ...(name === undefined ? {} : { name }), regions: [], disabledRegions: [] },
    findings: controls.map((control) => scopeError(control, ctx, failure)),
    gaps: [{ provider, account, region: ALL_REGIONS, ...failure, controls: controls.map((c) => c.id) }],
  };
}

/** A target judged: what was scanned and what could not be read (its findings went by already). */
export interface TargetEnd {
  /** The target's place in the plans (targets finish in any order). */
  position: number;
  target: ScannedTarget;
  gaps: CoverageGap[];
}

/** Where one target's results go while it is scanned. */
export interface TargetSink {
  /** One scope's findings, most severe first: the account-wide controls, then each region as listed. */
  findings(findings: Finding[]): Promise<void> | void;
  /** The target is done. It keeps its slot until this has finished: storing and printing pace the scan. */
  done(end: TargetEnd): Promise<void> | void;
}

/**
 * Scans every target and hands its findings to the sink `sinkFor` gives it, one scope (the account,
 * then each region) at a time as they are judged. A scan never holds more than the scopes in flight
 * in memory, whatever the size of an account or of the organisation.
 */
export async function scanEachTarget(options: ScanOptions, sinkFor: (position: number, startedAt: Date) => TargetSink): Promise<{ startedAt: Date; finishedAt: Date }> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const limit = pLimit(options.concurrency ?? 32);
  const openLimit = pLimit(options.targetConcurrency ?? 16);
  const deadline = options.readDeadlineMs ?? readLimits().readDeadlineMs;
  const progress: ScanProgress = { targetsDone: 0, targetsTotal: 0, regionsDone: 0, regionsTotal: 0 };
  const report = () => options.onProgress?.({ ...progress });

  const jobs = options.plans.flatMap((plan) => {
    const controls = options.controls.filter((c) => c.provider === plan.provider);
    return controls.length === 0 ? [] : plan.targets.map((target) => ({ plan, target, controls }));
  });
  progress.targetsTotal = jobs.length;
  report();

  const handUnopened = async (sink: TargetSink, position: number, unopened: UnopenedTarget): Promise<void> => {
    await sink.findings(unopened.findings.sort(compareFindings));
    await sink.done({ position, target: unopened.target, gaps: unopened.gaps });
  };

  const scanOne = async ({ plan, target, controls }: (typeof jobs)[number], position: number): Promise<void> => {
    const sink = sinkFor(position, startedAt);
    let opening: TargetOpening;
    try {
      opening = await withReadDeadline(deadline, `opening ${plan.provider} ${target.account}`, () => target.open());
    } catch (error) {
      const limit = limitErrorOf(error);
      if (limit === undefined) throw error;
      opening = { ok: false, provider: plan.provider, account: target.account, failure: { api: 'open', code: limit.code, reason: limit.reason } };
    }
    if (!opening.ok) {
      progress.targetsDone += 1;
      report();
      await handUnopened(sink, position, unopenedTarget(plan.provider, target.account, target.name, opening.failure, controls, options.thresholds));
      return;
    }
    const session = opening.session;
    let scanned: Awaited<ReturnType<typeof scanOpened>>;
    try {
      scanned = await scanOpened(session, controls, sink);
    } finally {
      session.close();
      progress.targetsDone += 1;
      report();
    }
    if ('findings' in scanned) await handUnopened(sink, position, scanned);
    else await sink.done({ position, ...scanned });
  };

  const scanOpened = async (session: TargetSession, controls: readonly AnyControl[], sink: TargetSink): Promise<Omit<TargetEnd, 'position'> | UnopenedTarget> => {
    let regions: RegionList;
    try {
      regions = await withReadDeadline(deadline, session.regionsApi, () => session.regions(options.regions));
    } catch (error) {
      return unopenedTarget(session.provider, session.account, session.name, failureOf(session, error, session.regionsApi), controls, options.thresholds);
    }
    progress.regionsTotal += regions.enabled.length;
    report();
    const scan = new TargetScan(session, controls, options, limit, () => {
      progress.regionsDone += 1;
      report();
    });
    const target = await scan.run(regions, (findings) => sink.findings(findings));
    return { target, gaps: scan.coverageGaps() };
  };

  await Promise.all(jobs.map((job, position) => openLimit(() => scanOne(job, position))));
  return { startedAt, finishedAt: now() };
}

/** A scan as one document: every target's findings together (what one target or a small scan needs). */
export async function runScan(options: ScanOptions): Promise<ScanDocument> {
  const ends: TargetEnd[] = [];
  const results: Finding[] = [];
  const { startedAt, finishedAt } = await scanEachTarget(options, () => ({
    findings: (findings) => {
      for (const f of findings) results.push(f);
    },
    done: (end) => {
      ends[end.position] = end;
    },
  }));
  return {
    ...scanFrame(options, startedAt, finishedAt),
    targets: ends.map((e) => e.target),
    coverage: ends.flatMap((e) => e.gaps),
    results: results.sort(compareFindings),
  };
}

/** Everything of a scan document but its targets, coverage and results. */
export function scanFrame(options: Pick<ScanOptions, 'thresholds' | 'controls'>, startedAt: Date, finishedAt: Date): Omit<ScanDocument, 'targets' | 'coverage' | 'results'> {
  return {
    schemaVersion: 1,
    scanId: newScanId(startedAt),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    wardVersion: WARD_VERSION,
    thresholds: options.thresholds,
    controls: options.controls.map((c) => c.id),
  };
}

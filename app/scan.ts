// Wires configuration, providers, checks, the engine and the store into one scan. The CLI, the
// sandbox demo and the Lambda handlers all call this, so a scan means the same thing everywhere.

import { newScanId } from '../core/ids.js';
import { currentRunner } from '../core/runner.js';
import { selectControls } from '../checks/index.js';
import type { WardConfig } from '../core/config.js';
import { runScan, scanEachTarget, scanFrame, type ProviderPlan, type ScanOptions, type ScanProgress, type TargetSink } from '../core/engine.js';
import type { ApiMetrics } from '../core/metrics.js';
import type { CoverageGap, Finding, Provider, ScanDocument, ScannedTarget, ScanRunner } from '../core/model.js';
import { applyMutes, mutedShare, muteResults, muteShareWarning, type MutedShare, type MuteOutcome } from '../core/mutes.js';
import type { RecordOutcome, ScanStore } from '../core/store/scans.js';
import type { ScanRecording } from '../core/store/scan-recording.js';
import type { StoredScanHead } from '../core/store/stored-scan.js';
import type { AwsPlanOptions } from '../providers/aws/provider.js';
import { plansFromConfig, plansFromRefs, type TargetRef } from './targets.js';

export interface ScanRequest {
  config: WardConfig;
  providers?: readonly Provider[];
  /** Only these accounts (ids or names). */
  accounts?: readonly string[];
  /** Exactly these targets (a fan-out message); otherwise resolved from the configuration. */
  targets?: readonly TargetRef[];
  /** Only these regions; otherwise the config's, otherwise every enabled region. */
  regions?: readonly string[];
  store?: ScanStore;
  /** Overrides endpoint resolution for every AWS client (the in-process sandbox). */
  awsEndpoint?: string;
  metrics?: ApiMetrics;
  onProgress?: (progress: ScanProgress) => void;
  /** See ScanOptions.keepGoing: a Lambda's way to stop before its time limit. */
  keepGoing?: () => boolean;
  /** A continuation part of a target whose first part ran out of time. */
  continuation?: boolean;
  /** Where Ward runs; default: this Lambda function or host (core/runner.ts). */
  runner?: ScanRunner;
  /** False when no channel is configured: the scan's changes are not queued as alerts (see finishRecording). */
  queueAlerts?: boolean;
}

export interface ScanOutcome {
  scan: ScanDocument;
  /** Lifecycle changes against the previous scan, when the scan was stored. */
  recorded?: RecordOutcome;
  expiredMutes: MuteOutcome['expiredMatches'];
  /** Set when mutes hide more than `muteLimits.warnShare` of the failing findings. */
  muteWarning?: string;
}

export function homeRegion(): string {
  return process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
}

export function awsOptions(config: WardConfig, request: Pick<ScanRequest, 'awsEndpoint' | 'metrics'>): AwsPlanOptions {
  return {
    homeRegion: homeRegion(),
    client: {
      ...(request.awsEndpoint === undefined ? {} : { endpoint: request.awsEndpoint }),
      ...(config.scan.maxAttempts === undefined ? {} : { maxAttempts: config.scan.maxAttempts }),
      ...(request.metrics === undefined ? {} : { metrics: request.metrics }),
    },
  };
}

async function engineOptions(request: ScanRequest): Promise<ScanOptions> {
  const { config } = request;
  const settings = { aws: awsOptions(config, request), ...(request.metrics === undefined ? {} : { metrics: request.metrics }) };
  const filter = { ...(request.providers === undefined ? {} : { providers: request.providers }), ...(request.accounts === undefined ? {} : { accounts: request.accounts }) };
  const plans: ProviderPlan[] = request.targets === undefined ? await plansFromConfig(config, filter, settings) : await plansFromRefs(request.targets, settings);
  const regions = request.regions ?? config.aws.regions;
  return {
    plans,
    controls: selectControls({ disabled: config.controls.disabled, ...(request.providers === undefined ? {} : { providers: request.providers }) }),
    thresholds: config.thresholds,
    concurrency: config.scan.concurrency,
    ...(regions === undefined ? {} : { regions }),
    ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress }),
    ...(request.keepGoing === undefined ? {} : { keepGoing: request.keepGoing }),
    ...(request.continuation === true ? { skipAccountScope: true } : {}),
  };
}

export async function scan(request: ScanRequest): Promise<ScanOutcome> {
  const { config } = request;
  const judged = await runScan(await engineOptions(request));
  const { scan: document, expiredMatches } = applyMutes({ ...judged, runner: request.runner ?? currentRunner() }, config.mutes, new Date(judged.finishedAt));
  const outcome: ScanOutcome = { scan: document, expiredMutes: expiredMatches };
  const muteWarning = muteShareWarning(mutedShare(document.results), config.muteLimits.warnShare);
  if (muteWarning !== undefined) outcome.muteWarning = muteWarning;
  if (request.store !== undefined) outcome.recorded = await request.store.recordScan(document);
  return outcome;
}

/** One scope's results (the account-wide controls, or a region) of one target, muted, as they are judged. */
export interface ScopeResults {
  /** The run this scope belongs to, known before the first results arrive. */
  runId: string;
  /** The target's scan document, but its results, finish time, targets and coverage. */
  frame: StoredScanHead;
  results: readonly Finding[];
}

/** One target, done: its document holds its failing and ERROR results (every result with `keepPassing`). */
export interface TargetScanPart {
  runId: string;
  scan: ScanDocument;
  recorded?: RecordOutcome;
}

/** Where `scanByTarget` hands results on. */
export interface ScanListener {
  /** Each scope's results, in order within each target; the caller may drop them once handled. */
  results?(scope: ScopeResults): Promise<void> | void;
  /** Each target once judged (and recorded, when there is a store). */
  target?(part: TargetScanPart): Promise<void> | void;
  /** Keep every result of a target for `target`, not only the failing and ERROR ones. */
  keepPassing?: boolean;
}

/** What a scan by target leaves behind: everything but the results, which went to the listener. */
export interface ScanByTargetOutcome {
  /** The run that ties the parts together (the Slack digest's run id). */
  runId: string;
  startedAt: string;
  finishedAt: string;
  controls: string[];
  thresholds: ScanDocument['thresholds'];
  runner: ScanRunner;
  targets: ScannedTarget[];
  coverage: CoverageGap[];
  results: number;
  muted: MutedShare;
  recorded?: RecordOutcome['counts'];
  muteWarning?: string;
}

/**
 * A scan whose results never meet in one array: each scope of each target is judged, muted, written
 * into the target's scan document in the store (one per target, as a fan-out target's is in Lambda)
 * and handed to the listener, then dropped. Memory stays that of the scopes in flight, whatever the
 * size of an account or of the organisation.
 */
export async function scanByTarget(request: ScanRequest, listener: ScanListener): Promise<ScanByTargetOutcome> {
  const { config } = request;
  const options = await engineOptions(request);
  const runner = request.runner ?? currentRunner();
  const targets: ScannedTarget[] = [];
  const coverage: CoverageGap[][] = [];
  const muted: MutedShare = { muted: 0, failing: 0 };
  let results = 0;
  let recorded: RecordOutcome['counts'] | undefined;
  const runStartedAt = new Date();
  const runId = newScanId(runStartedAt);
  const recordings = new Set<ScanRecording>();

  const sinkFor = (_position: number, scanStart: Date): TargetSink => {
    const { finishedAt: _unknownYet, ...frame } = scanFrame(options, scanStart, scanStart);
    const head: StoredScanHead = { ...frame, runner };
    const recording = request.store?.startRecording(head, listener.keepPassing === true);
    if (recording !== undefined) recordings.add(recording);
    const kept: Finding[] = [];
    return {
      findings: async (findings) => {
        const scope = muteResults(findings, config.mutes, new Date()).results;
        const share = mutedShare(scope);
        muted.muted += share.muted;
        muted.failing += share.failing;
        results += scope.length;
        if (recording !== undefined) await recording.add(scope);
        else for (const f of scope) if (f.status !== 'PASS' || listener.keepPassing === true) kept.push(f);
        await listener.results?.({ runId, frame: head, results: scope });
      },
      done: async ({ position, target, gaps }) => {
        targets[position] = target;
        coverage[position] = gaps;
        const tail = { finishedAt: new Date().toISOString(), targets: [target], coverage: gaps };
        let part: TargetScanPart;
        if (recording === undefined || request.store === undefined) {
          part = { runId, scan: { schemaVersion: 1, ...head, ...tail, results: kept } };
        } else {
          const stored = await request.store.finishRecording(recording, tail, { queueAlerts: request.queueAlerts !== false });
          recordings.delete(recording);
          recorded ??= { new: 0, reopened: 0, resolved: 0, open: 0 };
          for (const key of Object.keys(recorded) as Array<keyof RecordOutcome['counts']>) recorded[key] += stored.recorded.counts[key];
          part = { runId, scan: stored.scan, recorded: stored.recorded };
        }
        await listener.target?.(part);
      },
    };
  };

  let finishedAt: Date;
  try {
    ({ finishedAt } = await scanEachTarget(options, sinkFor));
  } catch (error) {
    // Targets that did not finish leave nothing in the store.
    for (const recording of recordings) recording.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  const outcome: ScanByTargetOutcome = {
    runId,
    startedAt: runStartedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    controls: options.controls.map((c) => c.id),
    thresholds: options.thresholds,
    runner,
    targets,
    coverage: coverage.flat(),
    results,
    muted,
    ...(recorded === undefined ? {} : { recorded }),
  };
  const muteWarning = muteShareWarning(muted, config.muteLimits.warnShare);
  if (muteWarning !== undefined) outcome.muteWarning = muteWarning;
  return outcome;
}

// Wires configuration, providers, checks, the engine and the store into one scan. The CLI, the
// sandbox demo and the Lambda handlers all call this, so a scan means the same thing everywhere.

import { newScanId } from '../core/ids.js';
import { currentRunner } from '../core/runner.js';
import { selectControls } from '../checks/index.js';
import type { WardConfig } from '../core/config.js';
import { runScan, scanEachTarget, scanFrame, type ProviderPlan, type ScanOptions, type ScanProgress } from '../core/engine.js';
import type { ApiMetrics } from '../core/metrics.js';
import type { CoverageGap, Provider, ScanDocument, ScannedTarget, ScanRunner } from '../core/model.js';
import { applyMutes, mutedShare, muteShareWarning, type MutedShare, type MuteOutcome } from '../core/mutes.js';
import type { RecordOutcome, ScanStore } from '../core/store/scans.js';
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

/** One target's scan document, muted and (when there is a store) recorded, as `scanByTarget` hands it on. */
export interface TargetScanPart {
  /** The run this part belongs to, known before the first part arrives. */
  runId: string;
  scan: ScanDocument;
  recorded?: RecordOutcome;
}

/** What a scan by target leaves behind: everything but the results, which went to `onPart`. */
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
 * A scan whose results never meet in one array: each target is judged, muted, recorded as a scan
 * document of its own (as a fan-out target is in Lambda) and handed to `onPart`, then dropped. Memory
 * stays that of the targets in flight, whatever the size of the organisation.
 */
export async function scanByTarget(request: ScanRequest, onPart: (part: TargetScanPart) => Promise<void> | void): Promise<ScanByTargetOutcome> {
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
  const { finishedAt } = await scanEachTarget(options, async (part, scanStart) => {
    const judged: ScanDocument = { ...scanFrame(options, scanStart, new Date()), targets: [part.target], coverage: part.gaps, results: part.findings, runner };
    const { scan: document } = applyMutes(judged, config.mutes, new Date(judged.finishedAt));
    targets[part.position] = part.target;
    coverage[part.position] = part.gaps;
    const share = mutedShare(document.results);
    muted.muted += share.muted;
    muted.failing += share.failing;
    results += document.results.length;
    const stored = request.store === undefined ? undefined : await request.store.recordScan(document);
    if (stored !== undefined) {
      recorded ??= { new: 0, reopened: 0, resolved: 0, open: 0 };
      for (const key of Object.keys(recorded) as Array<keyof RecordOutcome['counts']>) recorded[key] += stored.counts[key];
    }
    await onPart({ runId, scan: document, ...(stored === undefined ? {} : { recorded: stored }) });
  });
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

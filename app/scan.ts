// Wires configuration, providers, checks, the engine and the store into one scan. The CLI, the
// sandbox demo and the Lambda handlers all call this, so a scan means the same thing everywhere.

import { currentRunner } from '../core/runner.js';
import { selectControls } from '../checks/index.js';
import type { WardConfig } from '../core/config.js';
import { runScan, type ProviderPlan, type ScanProgress } from '../core/engine.js';
import type { ApiMetrics } from '../core/metrics.js';
import type { Provider, ScanDocument, ScanRunner } from '../core/model.js';
import { applyMutes, mutedShare, muteShareWarning, type MuteOutcome } from '../core/mutes.js';
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

export async function scan(request: ScanRequest): Promise<ScanOutcome> {
  const { config } = request;
  const settings = { aws: awsOptions(config, request), ...(request.metrics === undefined ? {} : { metrics: request.metrics }) };
  const filter = { ...(request.providers === undefined ? {} : { providers: request.providers }), ...(request.accounts === undefined ? {} : { accounts: request.accounts }) };
  const plans: ProviderPlan[] = request.targets === undefined ? await plansFromConfig(config, filter, settings) : await plansFromRefs(request.targets, settings);
  const regions = request.regions ?? config.aws.regions;
  const judged = await runScan({
    plans,
    controls: selectControls({ disabled: config.controls.disabled, ...(request.providers === undefined ? {} : { providers: request.providers }) }),
    thresholds: config.thresholds,
    concurrency: config.scan.concurrency,
    ...(regions === undefined ? {} : { regions }),
    ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress }),
    ...(request.keepGoing === undefined ? {} : { keepGoing: request.keepGoing }),
    ...(request.continuation === true ? { skipAccountScope: true } : {}),
  });
  const { scan: document, expiredMatches } = applyMutes({ ...judged, runner: request.runner ?? currentRunner() }, config.mutes, new Date(judged.finishedAt));
  const outcome: ScanOutcome = { scan: document, expiredMutes: expiredMatches };
  const muteWarning = muteShareWarning(mutedShare(document.results), config.muteLimits.warnShare);
  if (muteWarning !== undefined) outcome.muteWarning = muteWarning;
  if (request.store !== undefined) outcome.recorded = await request.store.recordScan(document);
  return outcome;
}

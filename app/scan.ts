// Wires configuration, providers, checks, the engine and the store into one scan. The CLI, the
// sandbox demo and the Lambda handlers all call this, so a scan means the same thing everywhere.

import { selectControls } from '../checks/index.js';
import type { WardConfig } from '../core/config.js';
import { runScan, type ProviderPlan, type ScanProgress } from '../core/engine.js';
import { UserError } from '../core/errors.js';
import type { ApiMetrics } from '../core/metrics.js';
import type { ScanDocument } from '../core/model.js';
import { applyMutes, type MuteOutcome } from '../core/mutes.js';
import type { RecordOutcome, ScanStore } from '../core/store/scans.js';
import { awsPlan } from '../providers/aws/provider.js';

export interface ScanRequest {
  config: WardConfig;
  /** Only these accounts (ids or names). */
  accounts?: readonly string[];
  /** Only these regions; otherwise the config's, otherwise every enabled region. */
  regions?: readonly string[];
  store?: ScanStore;
  /** Overrides endpoint resolution for every AWS client (the in-process sandbox). */
  awsEndpoint?: string;
  metrics?: ApiMetrics;
  onProgress?: (progress: ScanProgress) => void;
}

export function homeRegion(): string {
  return process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
}

export interface ScanOutcome {
  scan: ScanDocument;
  /** Lifecycle changes against the previous scan, when the scan was stored. */
  recorded?: RecordOutcome;
  expiredMutes: MuteOutcome['expiredMatches'];
}

export async function scan(request: ScanRequest): Promise<ScanOutcome> {
  const { config } = request;
  const controls = selectControls({ disabled: config.controls.disabled });
  const plans: ProviderPlan[] = [];
  const aws = await awsPlan({
    includeCurrentAccount: config.aws.includeCurrentAccount,
    accounts: config.aws.accounts,
    ...(request.accounts === undefined ? {} : { only: request.accounts }),
    homeRegion: homeRegion(),
    client: {
      ...(request.awsEndpoint === undefined ? {} : { endpoint: request.awsEndpoint }),
      ...(config.scan.maxAttempts === undefined ? {} : { maxAttempts: config.scan.maxAttempts }),
      ...(request.metrics === undefined ? {} : { metrics: request.metrics }),
    },
  });
  plans.push(aws);
  const targetCount = plans.reduce((n, p) => n + p.targets.length, 0);
  if (targetCount === 0) {
    throw new UserError(
      request.accounts === undefined
        ? 'Nothing to scan: the configuration names no accounts and aws.includeCurrentAccount is false.'
        : `Nothing to scan: no configured account matches --accounts ${request.accounts.join(',')}.`,
    );
  }
  const regions = request.regions ?? config.aws.regions;
  const judged = await runScan({
    plans,
    controls,
    thresholds: config.thresholds,
    concurrency: config.scan.concurrency,
    ...(regions === undefined ? {} : { regions }),
    ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress }),
  });
  const { scan: document, expiredMatches } = applyMutes(judged, config.mutes, new Date(judged.finishedAt));
  const outcome: ScanOutcome = { scan: document, expiredMutes: expiredMatches };
  if (request.store !== undefined) outcome.recorded = await request.store.recordScan(document);
  return outcome;
}

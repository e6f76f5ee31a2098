// Lambda `scan`: daily schedule or on-demand invoke. With a queue configured it fans out one message
// per target; without one (sls invoke local, a small estate) it scans in this invocation.

import { currentRunner } from '../core/runner.js';
import { randomUUID } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { announceScan } from '../app/announce.js';
import { enqueueTargets } from '../app/fanout.js';
import { awsOptions, scan } from '../app/scan.js';
import { summarizeScan, type ScanSummary } from '../app/summary.js';
import { resolveTargets } from '../app/targets.js';
import { RunStore, targetKey } from '../core/store/runs.js';
import { parseScanPayload } from './payload.js';
import { config, keepGoingFor, log, setting, slackWebhook, store, type LambdaContext } from './runtime.js';
import { exportToSecurityHub } from './security-hub.js';

export type ScanResponse =
  | ({ mode: 'inline'; alerts: string } & ScanSummary)
  | { mode: 'fanout'; runId: string; targets: number; queue: string };

/** WARD_RUN_DEADLINE_MINUTES: how long a fanned-out run may take before the sweep reports it. */
function runDeadline(context: LambdaContext | undefined): { deadlineMs?: number } {
  const minutes = Number(setting('WARD_RUN_DEADLINE_MINUTES', context));
  return Number.isFinite(minutes) && minutes > 0 ? { deadlineMs: minutes * 60_000 } : {};
}

export async function handler(event: unknown, context?: LambdaContext): Promise<ScanResponse> {
  const payload = parseScanPayload(event);
  const settings = config();
  const queueUrl = setting('WARD_SCAN_QUEUE_URL', context);
  const filter = {
    ...(payload.providers === undefined ? {} : { providers: payload.providers }),
    ...(payload.accounts === undefined ? {} : { accounts: payload.accounts }),
  };

  if (queueUrl !== undefined) {
    const targets = await resolveTargets(settings, filter, { aws: awsOptions(settings, {}) });
    const runId = context?.awsRequestId ?? randomUUID();
    // The run record comes first: the last target to report sends the run's one message.
    const names = Object.fromEntries(targets.flatMap((t) => (t.name === undefined || t.name === '' ? [] : [[targetKey(t), t.name]])));
    await new RunStore(store(context).blobs).create(runId, targets.map(targetKey), { names, ...runDeadline(context) });
    const sqs = new SQSClient({});
    try {
      const count = await enqueueTargets(sqs, queueUrl, runId, targets, payload.regions);
      log('scan.fanout', { runId, targets: count });
      return { mode: 'fanout', runId, targets: count, queue: queueUrl.split('/').at(-1) ?? queueUrl };
    } finally {
      sqs.destroy();
    }
  }

  const results = store(context);
  const keepGoing = keepGoingFor(context);
  const outcome = await scan({
    config: settings,
    store: results,
    ...filter,
    ...(payload.regions === undefined ? {} : { regions: payload.regions }),
    ...(keepGoing === undefined ? {} : { keepGoing }),
    runner: currentRunner(process.env, context?.invokedFunctionArn),
  });
  const alerts = await announceScan(results, outcome.scan, await slackWebhook());
  await exportToSecurityHub(results, outcome.scan);
  const summary = summarizeScan(outcome.scan, outcome);
  log('scan.done', { scanId: summary.scanId, results: summary.results, alerts: alerts.status });
  return { mode: 'inline', ...summary, alerts: alerts.status };
}

// Lambda `scanTarget`: fed by SQS, one message per account. Runs the same engine as the CLI for that
// one target; a target that runs out of time hands its remaining regions to a new message. Failed
// messages are reported individually (partial batch response) so SQS retries only those, and after
// the configured attempts moves them to the dead-letter queue.

import { currentRunner } from '../core/runner.js';
import { SQSClient } from '@aws-sdk/client-sqs';
import { announceTarget } from '../app/announce.js';
import { targetKey } from '../core/store/runs.js';
import { enqueueContinuation, parseTargetMessage } from '../app/fanout.js';
import { awsOptions, scanByTarget, type TargetScanPart } from '../app/scan.js';
import { trustedTarget } from '../app/target-trust.js';
import { sqsRecords, type SqsBatchResponse } from './sqs-envelope.js';
import { config, keepGoingFor, log, setting, slackWebhook, store, type LambdaContext } from './runtime.js';
import { exportToSecurityHub, securityHubEnabled } from './security-hub.js';

export type { SqsBatchResponse, SqsRecord } from './sqs-envelope.js';

/** The account this function runs in: from its own ARN, else (sls invoke local) from STS. */
export async function homeAccount(context: LambdaContext | undefined): Promise<string> {
  const fromArn = context?.invokedFunctionArn?.split(':')[4];
  if (fromArn !== undefined && /^\d{12}$/.test(fromArn)) return fromArn;
  const settings = config();
  // Loaded here: the AWS provider stays out of the handler's cold start for GCP and Azure targets.
  const { currentCaller } = await import('../providers/aws/provider.js');
  return (await currentCaller(awsOptions(settings, {}))).account;
}

export async function handler(event: unknown, context?: LambdaContext): Promise<SqsBatchResponse> {
  const { records, failures, rejected } = sqsRecords(event);
  for (const why of rejected) log('scanTarget.rejected', { error: why });
  const queueUrl = setting('WARD_SCAN_QUEUE_URL', context);
  const sqs = new SQSClient({});
  let home: Promise<string> | undefined;
  try {
    for (const record of records) {
      try {
        const message = parseTargetMessage(record.body);
        const settings = config();
        // Only Ward's own account needs to be known (one STS call at most, never for listed or member accounts).
        const ownAccount = message.target.provider === 'aws' && message.target.roleArn === undefined ? await (home ??= homeAccount(context)) : undefined;
        const target = trustedTarget(message, settings, ownAccount);
        const results = store(context);
        const keepGoing = keepGoingFor(context);
        // Recorded region by region: a Lambda's memory does not grow with the size of the account.
        let part: TargetScanPart | undefined;
        await scanByTarget(
          {
            config: settings,
            store: results,
            targets: [target],
            ...(message.regions === undefined ? {} : { regions: message.regions }),
            ...(keepGoing === undefined ? {} : { keepGoing }),
            continuation: message.part > 1,
            runner: currentRunner(process.env, context?.invokedFunctionArn),
          },
          {
            keepPassing: securityHubEnabled(),
            target: (done) => {
              part = done;
            },
          },
        );
        if (part === undefined) throw new Error(`the scan of ${message.target.provider} ${message.target.account} ended without its result`);
        const scanned = part.scan;
        const deferred = scanned.targets.flatMap((t) => t.deferredRegions ?? []);
        if (deferred.length > 0) {
          if (queueUrl === undefined) throw new Error('time ran out and WARD_SCAN_QUEUE_URL is not set, so the remaining regions cannot continue');
          await enqueueContinuation(sqs, queueUrl, message, deferred);
        }
        const securityHub = await exportToSecurityHub(results, scanned);
        // The target has reported once its last part is stored; the run's last target sends its message.
        const alerts = deferred.length > 0 ? { status: 'continues' } : await announceTarget(results, message.runId, targetKey(message.target), await slackWebhook());
        // Who scanned: the identity the target was read as, in the function's own summary line too.
        const readAs = scanned.targets[0]?.identity;
        log('scanTarget.done', { runId: message.runId, account: message.target.account, part: message.part, scanId: scanned.scanId, ...(readAs === undefined ? {} : { readAs }), deferred, alerts: alerts.status, securityHub });
      } catch (error) {
        log('scanTarget.failed', { messageId: record.messageId, error: (error as Error).message });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
  } finally {
    sqs.destroy();
  }
  return { batchItemFailures: failures };
}

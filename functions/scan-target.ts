// Lambda `scanTarget`: fed by SQS, one message per account. Runs the same engine as the CLI for that
// one target; a target that runs out of time hands its remaining regions to a new message. Failed
// messages are reported individually (partial batch response) so SQS retries only those, and after
// the configured attempts moves them to the dead-letter queue.

import { SQSClient } from '@aws-sdk/client-sqs';
import { dispatchAlerts } from '../alerts/dispatch.js';
import { enqueueContinuation, parseTargetMessage } from '../app/fanout.js';
import { scan } from '../app/scan.js';
import { config, keepGoingFor, log, setting, slackWebhook, store, type LambdaContext } from './runtime.js';
import { exportToSecurityHub } from './security-hub.js';

export interface SqsRecord {
  messageId: string;
  body: string;
}

export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

export async function handler(event: { Records?: SqsRecord[] }, context?: LambdaContext): Promise<SqsBatchResponse> {
  const failures: SqsBatchResponse['batchItemFailures'] = [];
  const queueUrl = setting('WARD_SCAN_QUEUE_URL', context);
  const sqs = new SQSClient({});
  try {
    for (const record of event.Records ?? []) {
      try {
        const message = parseTargetMessage(record.body);
        const results = store(context);
        const keepGoing = keepGoingFor(context);
        const outcome = await scan({
          config: config(),
          store: results,
          targets: [message.target],
          ...(message.regions === undefined ? {} : { regions: message.regions }),
          ...(keepGoing === undefined ? {} : { keepGoing }),
          continuation: message.part > 1,
        });
        const deferred = outcome.scan.targets.flatMap((t) => t.deferredRegions ?? []);
        if (deferred.length > 0) {
          if (queueUrl === undefined) throw new Error('time ran out and WARD_SCAN_QUEUE_URL is not set, so the remaining regions cannot continue');
          await enqueueContinuation(sqs, queueUrl, message, deferred);
        }
        const alerts = await dispatchAlerts(results, await slackWebhook());
        const securityHub = await exportToSecurityHub(results, outcome.scan);
        log('scanTarget.done', { runId: message.runId, account: message.target.account, part: message.part, scanId: outcome.scan.scanId, deferred, alerts: alerts.status, securityHub });
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

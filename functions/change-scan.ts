// Lambda `changeScan`: CloudTrail management events that can change a verdict (the EventBridge rule
// derived from the controls, deploy/generated/change-events.json) wait in an SQS queue and arrive in
// batches; each batch is one change-driven scan (app/change-scan.ts): one targeted read per resource,
// one message. A failed batch is retried whole, then dead-lettered. Invoked with one EventBridge event
// directly (`sls invoke local -p event.json`), it scans that event.

import { changeScan, InvalidChangeEventError, parseChangeEvent, type ChangeEvent } from '../app/change-scan.js';
import { currentRunner } from '../core/runner.js';
import { config, log, slackWebhook, store, type LambdaContext } from './runtime.js';
import { homeAccount } from './scan-target.js';
import { sqsRecords, type SqsBatchResponse, type SqsRecord } from './sqs-envelope.js';

const isEventBridgeEvent = (event: unknown): boolean => typeof event === 'object' && event !== null && 'detail-type' in event;

export async function handler(event: unknown, context?: LambdaContext): Promise<SqsBatchResponse> {
  const { records, failures, rejected } = isEventBridgeEvent(event) ? { records: [{ messageId: 'direct', body: JSON.stringify(event) }], failures: [], rejected: [] } : sqsRecords(event);
  for (const why of rejected) log('changeScan.rejected', { error: why });
  const accepted: SqsRecord[] = [];
  const events: ChangeEvent[] = [];
  for (const record of records) {
    try {
      events.push(parseChangeEvent(JSON.parse(record.body)));
      accepted.push(record);
    } catch (error) {
      // Not a change event (it never will be): dropped with a log line, not retried.
      log('changeScan.rejected', { messageId: record.messageId, error: error instanceof InvalidChangeEventError ? error.message : 'the body is not JSON' });
    }
  }
  if (events.length === 0) return { batchItemFailures: failures };
  try {
    const outcome = await changeScan({
      config: config(),
      events,
      store: store(context),
      homeAccount: await homeAccount(context),
      webhookUrl: await slackWebhook(),
      runner: currentRunner(process.env, context?.invokedFunctionArn),
    });
    log('changeScan.done', {
      events: events.length,
      names: [...new Set(events.map((e) => e.detail.eventName))],
      scanId: outcome.scan?.scanId,
      scopes: outcome.scan?.partial?.length ?? 0,
      counts: outcome.recorded?.counts,
      alerts: outcome.alerts?.status,
      ignoredAccounts: outcome.ignoredAccounts,
    });
  } catch (error) {
    log('changeScan.failed', { events: events.length, error: (error as Error).message });
    failures.push(...accepted.map((r) => ({ itemIdentifier: r.messageId })));
  }
  return { batchItemFailures: failures };
}

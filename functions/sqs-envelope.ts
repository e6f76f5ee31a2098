// The SQS event Lambda hands `scanTarget`: checked before any record is trusted. A malformed record
// fails alone (reported by its messageId, so SQS retries it and then moves it to the dead-letter
// queue); the rest of the batch goes on.

export interface SqsRecord {
  messageId: string;
  body: string;
}

export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

export class InvalidSqsEventError extends Error {
  override readonly name = 'InvalidSqsEventError';
}

export interface SqsRecords {
  records: SqsRecord[];
  /** Records with a messageId but no usable body. */
  failures: SqsBatchResponse['batchItemFailures'];
  /** Why records that cannot even be named were skipped (not from SQS: nothing to retry). */
  rejected: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function sqsRecords(event: unknown): SqsRecords {
  if (!isObject(event) || !Array.isArray(event['Records'])) {
    throw new InvalidSqsEventError('Invalid scanTarget event; nothing was scanned or written. Expected an SQS event {"Records": [{"messageId": "…", "body": "<target message JSON>"}]}.');
  }
  const out: SqsRecords = { records: [], failures: [], rejected: [] };
  (event['Records'] as unknown[]).forEach((record, index) => {
    const messageId = isObject(record) ? record['messageId'] : undefined;
    if (typeof messageId !== 'string' || messageId === '') {
      out.rejected.push(`Records[${index}]: not an SQS record (no messageId); skipped`);
      return;
    }
    const body = (record as Record<string, unknown>)['body'];
    if (typeof body !== 'string') out.failures.push({ itemIdentifier: messageId });
    else out.records.push({ messageId, body });
  });
  return out;
}

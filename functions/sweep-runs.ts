// Lambda `sweepRuns`: every 15 minutes. Sends the message of each run whose targets did not all
// report by its deadline (dead-lettered, timed out), naming the missing targets, and of each
// complete run whose sender died before closing it.

import { sweep } from '../app/announce.js';
import { log, slackWebhook, store, type LambdaContext } from './runtime.js';

export interface SweepResponse {
  runs: Array<{ runId: string; status: string; missing?: string[] }>;
}

export async function handler(_event: unknown, context?: LambdaContext): Promise<SweepResponse> {
  const outcomes = await sweep(store(context), await slackWebhook());
  const runs = outcomes.map(({ runId, outcome }) => ({ runId, status: outcome.status, ...(outcome.status === 'delivered' && outcome.missing.length > 0 ? { missing: outcome.missing } : {}) }));
  log('sweepRuns.done', { runs });
  return { runs };
}

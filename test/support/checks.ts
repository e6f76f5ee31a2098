// Builds the inputs a check sees, so check tests read as inventory fixtures plus expectations.

import type { AnyControl, Collected, EvaluationContext, Judgement } from '../../core/control.js';

export const ACCOUNT = '111122223333';
export const READ_AT = '2026-11-23T12:00:00.000Z';

export function collected<Item>(api: string, items: Item[], region = 'us-east-1'): Collected<Item> {
  return { items, api, region, readAt: READ_AT };
}

export interface JudgeOptions {
  region?: string;
  minLogRetentionDays?: number;
  context?: Record<string, Collected<unknown> | undefined>;
}

export function judge(control: AnyControl, data: Record<string, Collected<unknown>>, options: JudgeOptions = {}): Judgement[] {
  const ctx: EvaluationContext = {
    provider: control.provider,
    account: ACCOUNT,
    region: options.region ?? (control.scope === 'account' ? 'global' : 'us-east-1'),
    thresholds: { minLogRetentionDays: options.minLogRetentionDays ?? 365 },
  };
  const context: Record<string, Collected<unknown> | undefined> = {};
  for (const key of Object.keys(control.context)) context[key] = options.context?.[key];
  return control.evaluate(data, context, ctx);
}

export function statuses(judgements: Judgement[]): Record<string, string> {
  return Object.fromEntries(judgements.map((j) => [j.resource.id, j.status]));
}

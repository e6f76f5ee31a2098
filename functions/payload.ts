// The on-demand scan payload `{providers?, accounts?, regions?}`: validated before anything runs.

import { Ajv } from 'ajv';
import { PROVIDERS, type Provider } from '../core/model.js';

export interface ScanPayload {
  providers?: Provider[];
  accounts?: string[];
  regions?: string[];
}

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    providers: { type: 'array', minItems: 1, items: { enum: [...PROVIDERS, 'all'] } },
    accounts: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    regions: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]+$' } },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile<{ providers?: Array<Provider | 'all'>; accounts?: string[]; regions?: string[] }>(SCHEMA);

export class InvalidPayloadError extends Error {
  override readonly name = 'InvalidPayloadError';
}

/**
 * EventBridge's scheduled event, exactly as documented ("Amazon EventBridge events: Scheduled
 * Event"): every key present, nothing else, source aws.events and an empty detail. Anything merely
 * resembling it (a `detail-type` key, `source: "aws.events"`) is validated as a payload instead.
 */
const SCHEDULED_EVENT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'],
  properties: {
    version: { const: '0' },
    id: { type: 'string', pattern: '^[0-9a-fA-F-]{36}$' },
    'detail-type': { const: 'Scheduled Event' },
    source: { const: 'aws.events' },
    account: { type: 'string', pattern: '^[0-9]{12}$' },
    time: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' },
    region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]+$' },
    resources: { type: 'array', minItems: 1, maxItems: 5, items: { type: 'string', pattern: '^arn:aws[a-z-]*:(events|scheduler):[a-z0-9-]+:[0-9]{12}:' } },
    detail: { type: 'object', maxProperties: 0 },
  },
} as const;

const isScheduledEvent = new Ajv().compile(SCHEDULED_EVENT_SCHEMA);

/**
 * The schedule (its event, or the rule's constant input `{}`) and an invocation without a payload
 * mean "everything configured"; anything else must be a valid payload (an array is not).
 */
export function parseScanPayload(event: unknown): ScanPayload {
  if (event === undefined || event === null || isScheduledEvent(event)) return {};
  if (!validate(event)) {
    const problems = (validate.errors ?? []).map((e) => {
      const at = e.instancePath === '' ? 'payload' : `payload${e.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.')}`;
      const extra = e.keyword === 'additionalProperties' ? ` "${String((e.params as { additionalProperty: string }).additionalProperty)}"` : '';
      return `${at}: ${e.message ?? 'invalid'}${extra}`;
    });
    throw new InvalidPayloadError(
      `Invalid scan payload; nothing was scanned or written. ${problems.join('; ')}. Expected {"providers": ["aws"|"gcp"|"azure"|"all"], "accounts": ["<id or name>"], "regions": ["eu-west-1"]}, every key optional.`,
    );
  }
  const providers = event.providers?.includes('all') === true ? undefined : (event.providers as Provider[] | undefined);
  return {
    ...(providers === undefined ? {} : { providers }),
    ...(event.accounts === undefined ? {} : { accounts: event.accounts }),
    ...(event.regions === undefined ? {} : { regions: event.regions }),
  };
}

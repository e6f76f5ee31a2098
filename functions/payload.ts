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

function isScheduledEvent(event: object): boolean {
  return 'detail-type' in event || ('source' in event && (event as { source: unknown }).source === 'aws.events');
}

/** A scheduled event or an empty invocation means "everything configured". */
export function parseScanPayload(event: unknown): ScanPayload {
  if (event === undefined || event === null || (typeof event === 'object' && (isScheduledEvent(event) || Object.keys(event).length === 0))) return {};
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

// A fan-out message names a target and, for AWS, the role to assume. Whoever can send to the queue
// could name any role, or an "account" like `a/..%2f..%2fb` that becomes a store key. So a message
// is only a request to scan an account: its shape is checked strictly, and the role and external id
// used are the ones Ward derives from its own configuration for that account — a message whose
// role differs from that is refused (and goes to the dead-letter queue).

import { Ajv } from 'ajv';
import type { WardConfig } from '../core/config.js';
import { PROVIDERS } from '../core/model.js';
import type { TargetMessage } from './fanout.js';
import { azureSubscriptions, configuredProviders, type TargetRef } from './targets.js';

export class UntrustedTargetError extends Error {
  override readonly name = 'UntrustedTargetError';
}

/** Account, project and subscription ids as the clouds issue them (nothing that could climb a path). */
export const ACCOUNT_ID_PATTERNS = {
  aws: /^\d{12}$/,
  // Project ids, with the legacy domain-scoped form (example.com:my-project), or project numbers.
  gcp: /^(?:(?:[a-z0-9][a-z0-9.-]{0,62}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]|\d{1,20})$/,
  azure: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
} as const;

const MESSAGE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['runId', 'target', 'part'],
  properties: {
    runId: { type: 'string', pattern: '^[A-Za-z0-9-]{1,128}$' },
    part: { type: 'integer', minimum: 1, maximum: 1000 },
    regions: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]+$' } },
    target: {
      type: 'object',
      additionalProperties: false,
      required: ['provider', 'account'],
      properties: {
        provider: { enum: [...PROVIDERS] },
        account: { type: 'string', minLength: 1, maxLength: 128 },
        name: { type: 'string', minLength: 1, maxLength: 256 },
        roleArn: { type: 'string', maxLength: 2048 },
        externalId: { type: 'string', maxLength: 1224 },
      },
    },
  },
} as const;

const validateMessage = new Ajv({ allErrors: true }).compile<TargetMessage>(MESSAGE_SCHEMA);

/** The message, if it has exactly the shape Ward sends; throws UntrustedTargetError otherwise. */
export function parseTrustedShape(body: string): TargetMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new UntrustedTargetError('not a Ward target message (the body is not JSON)');
  }
  if (!validateMessage(value)) {
    const problems = (validateMessage.errors ?? []).map((e) => `${e.instancePath === '' ? 'message' : e.instancePath} ${e.message ?? 'invalid'}`);
    throw new UntrustedTargetError(`not a Ward target message (${problems.join('; ')})`);
  }
  const { provider, account } = value.target;
  if (!ACCOUNT_ID_PATTERNS[provider].test(account)) throw new UntrustedTargetError(`not a Ward target message (${provider} account id ${JSON.stringify(account)} has the wrong shape)`);
  return value;
}

/** The role Ward itself would use for this AWS account (`home`: its own account), or undefined when the configuration does not cover it. */
export function derivedAwsTarget(config: WardConfig, account: string, homeAccount: string | undefined): Omit<TargetRef & { provider: 'aws' }, 'name'> | 'home' | undefined {
  const listed = config.aws.accounts.find((a) => a.id === account);
  if (listed !== undefined) return { provider: 'aws', account, roleArn: listed.roleArn, ...(listed.externalId === undefined ? {} : { externalId: listed.externalId }) };
  if (config.aws.includeCurrentAccount && homeAccount !== undefined && account === homeAccount) return 'home';
  const role = config.aws.memberRole;
  if (config.organization && role !== undefined && account !== homeAccount) {
    return { provider: 'aws', account, roleArn: `arn:aws:iam::${account}:role/${role.name}`, ...(role.externalId === undefined ? {} : { externalId: role.externalId }) };
  }
  return undefined;
}

/**
 * The target to scan for a message: what the configuration says about that account, never the
 * message's own role or external id. `homeAccount` is the account the function runs in.
 */
export function trustedTarget(message: TargetMessage, config: WardConfig, homeAccount: string | undefined): TargetRef {
  const target = message.target;
  const refuse = (why: string) => new UntrustedTargetError(`refused target ${target.provider}:${target.account}: ${why}`);
  if (!configuredProviders(config).includes(target.provider)) throw refuse(`${target.provider} is not configured`);
  const name = target.name === undefined ? {} : { name: target.name };
  if (target.provider === 'aws') {
    const derived = derivedAwsTarget(config, target.account, homeAccount);
    if (derived === undefined) throw refuse('the account is neither listed, nor Ward’s own account, nor covered by organization with aws.memberRole');
    if (derived === 'home') {
      if (target.roleArn !== undefined || target.externalId !== undefined) throw refuse('Ward’s own account is scanned with its own role, not an assumed one');
      return { provider: 'aws', account: target.account, ...name };
    }
    if (target.roleArn !== derived.roleArn) throw refuse(`role ${JSON.stringify(target.roleArn ?? null)} is not the role Ward derives for it (${derived.roleArn})`);
    if (target.externalId !== derived.externalId) throw refuse('the external id is not the configured one');
    return { ...derived, ...name };
  }
  if ('roleArn' in target || 'externalId' in target) throw refuse('only AWS targets name a role');
  const listed = target.provider === 'azure' ? azureSubscriptions(config) : undefined;
  if (listed !== undefined && !listed.some((id) => id.toLowerCase() === target.account.toLowerCase())) throw refuse('the subscription is not one of azure.subscriptions');
  return { provider: target.provider, account: target.account, ...name };
}

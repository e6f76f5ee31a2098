// Which accounts, projects and subscriptions a scan covers, as plain data: the CLI scans them in
// one process, the Lambda fan-out sends one SQS message per target.

import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { WardConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import type { Provider } from '../core/model.js';
import { listActiveAccounts } from '../providers/aws/organization.js';
import { currentAccount, type AwsPlanOptions, type AwsTarget } from '../providers/aws/provider.js';

export type TargetRef = { provider: 'aws' } & AwsTarget;

export interface TargetFilter {
  providers?: readonly Provider[];
  /** Ids or names. */
  accounts?: readonly string[];
}

function selected(filter: TargetFilter, provider: Provider, id: string, name: string | undefined): boolean {
  if (filter.providers !== undefined && !filter.providers.includes(provider)) return false;
  return filter.accounts === undefined || filter.accounts.includes(id) || (name !== undefined && filter.accounts.includes(name));
}

export async function resolveAwsTargets(config: WardConfig, filter: TargetFilter, aws: AwsPlanOptions): Promise<TargetRef[]> {
  const targets = new Map<string, TargetRef>();
  for (const member of config.aws.accounts) {
    targets.set(member.id, {
      provider: 'aws',
      account: member.id,
      roleArn: member.roleArn,
      ...(member.name === undefined ? {} : { name: member.name }),
      ...(member.externalId === undefined ? {} : { externalId: member.externalId }),
    });
  }
  const needsCaller = config.aws.includeCurrentAccount || config.organization;
  const caller = needsCaller ? await currentAccount(aws) : undefined;
  if (config.organization && config.aws.memberRole !== undefined) {
    const role = config.aws.memberRole;
    const client = new OrganizationsClient({ region: aws.homeRegion, ...(aws.client.endpoint === undefined ? {} : { endpoint: aws.client.endpoint }) });
    try {
      for (const account of await listActiveAccounts(client)) {
        if (targets.has(account.id) || account.id === caller) continue;
        targets.set(account.id, {
          provider: 'aws',
          account: account.id,
          roleArn: `arn:aws:iam::${account.id}:role/${role.name}`,
          ...(account.name === undefined ? {} : { name: account.name }),
          ...(role.externalId === undefined ? {} : { externalId: role.externalId }),
        });
      }
    } finally {
      client.destroy();
    }
  }
  if (caller !== undefined && config.aws.includeCurrentAccount && !targets.has(caller)) targets.set(caller, { provider: 'aws', account: caller });
  return [...targets.values()].filter((t) => selected(filter, 'aws', t.account, t.name));
}

export async function resolveTargets(config: WardConfig, filter: TargetFilter, aws: AwsPlanOptions): Promise<TargetRef[]> {
  const wantsAws = filter.providers === undefined || filter.providers.includes('aws');
  const targets = wantsAws ? await resolveAwsTargets(config, filter, aws) : [];
  if (targets.length === 0) {
    throw new UserError(
      filter.accounts === undefined
        ? 'Nothing to scan: the configuration names no accounts and aws.includeCurrentAccount is false.'
        : `Nothing to scan: no account matches --accounts ${filter.accounts.join(',')}.`,
    );
  }
  return targets;
}

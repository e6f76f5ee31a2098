// The AWS side of a scan: which accounts to read (the caller's own, and member accounts through an
// assumed role), which of their regions are enabled, and how each dataset is fetched.

import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { ResourceKind } from '../../core/change-events.js';
import type { DatasetDef } from '../../core/control.js';
import type { ProviderPlan, ReadFailure, RegionList, TargetOpening, TargetSession } from '../../core/engine.js';
import type { ReadIdentity } from '../../core/model.js';
import { UserError } from '../../core/errors.js';
import { PromiseMemo } from '../../core/memo.js';
import { AwsClients, resolveRetrySettings, type AwsClientSettings } from './clients.js';
import { AWS_FETCHERS } from './collectors/index.js';
import { boundedRequestHandler } from './http.js';
import { errorCode, errorMessage, isMissingCredentials, isThrottling } from './errors.js';

export const ROLE_SESSION_NAME = 'ward-scan';
const ROLE_SESSION_SECONDS = 3600;
/** Refresh assumed-role credentials this long before they expire, so no call signs with stale keys. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** One account to scan: the caller's own (no role), or a member reached through a role. */
export interface AwsTarget {
  account: string;
  name?: string;
  roleArn?: string;
  externalId?: string;
  /** For the caller's own account: the caller ARN sts:GetCallerIdentity gave when targets were resolved. */
  callerArn?: string;
}

export interface AwsPlanOptions {
  client: AwsClientSettings;
  /** Region for global calls (STS, DescribeRegions, Organizations). */
  homeRegion: string;
}

/** One AssumeRole shared by every client of the account, renewed shortly before it expires. */
export function sharedCredentials(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    if (current !== undefined) {
      const identity = await current.catch(() => undefined);
      const expiresAt = identity?.expiration?.getTime();
      if (identity !== undefined && (expiresAt === undefined || expiresAt - Date.now() > REFRESH_MARGIN_MS)) return identity;
    }
    current = provider();
    return current;
  };
}

export function describeAwsFailure(error: unknown, api: string, attempts: number): ReadFailure {
  const code = errorCode(error);
  const reason = isThrottling(error) ? `still throttled after ${attempts} attempts: ${errorMessage(error)}` : errorMessage(error);
  return { api, code, reason };
}

class AwsTargetSession implements TargetSession {
  readonly provider = 'aws' as const;
  readonly regionsApi = 'ec2:DescribeRegions';
  private readonly memos = new PromiseMemo();

  constructor(
    readonly account: string,
    readonly name: string | undefined,
    private readonly clients: AwsClients,
    private readonly options: AwsPlanOptions,
    private readonly maxAttempts: number,
    readonly identity?: ReadIdentity,
  ) {}

  async regions(selection: readonly string[] | undefined): Promise<RegionList> {
    const { Regions } = await this.clients.ec2(this.options.homeRegion).send(new DescribeRegionsCommand({ AllRegions: true }));
    const enabled: string[] = [];
    const disabled: string[] = [];
    for (const region of Regions ?? []) {
      if (region.RegionName === undefined) continue;
      const isEnabled = region.OptInStatus === undefined || region.OptInStatus === 'opt-in-not-required' || region.OptInStatus === 'opted-in';
      (isEnabled ? enabled : disabled).push(region.RegionName);
    }
    if (selection === undefined) return { enabled: enabled.sort(), disabled: disabled.sort() };
    const wanted = new Set(selection);
    // A selected region the account has not enabled cannot hold resources; it is listed as disabled.
    return {
      enabled: enabled.filter((r) => wanted.has(r)).sort(),
      disabled: selection.filter((r) => !enabled.includes(r)).sort(),
    };
  }

  async collect(dataset: DatasetDef<unknown>, region: string): Promise<unknown[]> {
    const entry = AWS_FETCHERS.get(dataset.key);
    if (entry === undefined) throw new Error(`no AWS collector for dataset ${dataset.key}`);
    return entry.fetch({
      account: this.account,
      region,
      clients: this.clients,
      memo: (key, load) => this.memos.get(key, load),
    });
  }

  collectResources(dataset: DatasetDef<unknown>, region: string, kind: ResourceKind, ids: readonly string[]): Promise<unknown[]> | undefined {
    const narrow = AWS_FETCHERS.get(dataset.key)?.narrow?.[kind];
    if (narrow === undefined) return undefined;
    return narrow({ account: this.account, region, clients: this.clients, memo: (key, load) => this.memos.get(key, load) }, ids);
  }

  describeFailure(error: unknown, api: string): ReadFailure {
    return describeAwsFailure(error, api, this.maxAttempts);
  }

  close(): void {
    this.clients.destroy();
  }
}

/** How Ward reads the caller's own account: the default credential chain. */
export const DEFAULT_CHAIN = 'default credential chain (sts:GetCallerIdentity)';

/** Resolves the caller's account and ARN from the default credential chain; no credentials is a user error. */
export async function currentCaller(options: AwsPlanOptions): Promise<{ account: string; arn: string }> {
  const clients = new AwsClients(undefined, { ...options.client, maxAttempts: 3 });
  try {
    const identity = await clients.sts(options.homeRegion).send(new GetCallerIdentityCommand({}));
    if (identity.Account === undefined) throw new Error('sts:GetCallerIdentity returned no account');
    return { account: identity.Account, arn: identity.Arn ?? `unknown principal of account ${identity.Account}` };
  } catch (error) {
    if (isMissingCredentials(error)) {
      throw new UserError(
        'No AWS credentials found. Provide them the usual way: AWS_PROFILE (with `aws sso login` or a credentials file), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an instance / Lambda role.',
      );
    }
    throw new UserError(`Could not identify the AWS account behind the current credentials (${errorCode(error)}: ${errorMessage(error)}).`);
  } finally {
    clients.destroy();
  }
}

export function awsPlan(targets: readonly AwsTarget[], options: AwsPlanOptions): ProviderPlan {
  const { maxAttempts } = resolveRetrySettings(options.client);
  return {
    provider: 'aws',
    targets: targets.map((target) => ({
      account: target.account,
      ...(target.name === undefined ? {} : { name: target.name }),
      open: async (): Promise<TargetOpening> =>
        target.roleArn === undefined ? openCurrent(target, options, maxAttempts) : openMember({ ...target, roleArn: target.roleArn }, options, maxAttempts),
    })),
  };
}

/** The caller's own account; its identity read once more only when targets were not resolved here (fan-out). */
async function openCurrent(target: AwsTarget, options: AwsPlanOptions, maxAttempts: number): Promise<TargetOpening> {
  const clients = new AwsClients(undefined, options.client);
  let arn = target.callerArn;
  if (arn === undefined) {
    try {
      arn = (await clients.sts(options.homeRegion).send(new GetCallerIdentityCommand({}))).Arn;
    } catch {
      // The scan itself reports what these credentials cannot read; only the record of who is lost.
      arn = undefined;
    }
  }
  const identity = arn === undefined ? undefined : { principal: arn, via: DEFAULT_CHAIN };
  return { ok: true, session: new AwsTargetSession(target.account, target.name, clients, options, maxAttempts, identity) };
}

async function openMember(member: AwsTarget & { roleArn: string }, options: AwsPlanOptions, maxAttempts: number): Promise<TargetOpening> {
  const clientConfig = { region: options.homeRegion, ...boundedRequestHandler(), ...(options.client.endpoint === undefined ? {} : { endpoint: options.client.endpoint }) };
  const credentials = sharedCredentials(
    fromTemporaryCredentials({
      params: {
        RoleArn: member.roleArn,
        RoleSessionName: ROLE_SESSION_NAME,
        DurationSeconds: ROLE_SESSION_SECONDS,
        ...(member.externalId === undefined ? {} : { ExternalId: member.externalId }),
      },
      clientConfig,
    }),
  );
  const clients = new AwsClients(credentials, options.client);
  const fail = (failure: ReadFailure): TargetOpening => {
    clients.destroy();
    return { ok: false, provider: 'aws', account: member.account, ...(member.name === undefined ? {} : { name: member.name }), failure };
  };
  let principal: string | undefined;
  try {
    // The credentials actually used: the assumed-role session, as the member account sees it.
    const identity = await clients.sts(options.homeRegion).send(new GetCallerIdentityCommand({}));
    principal = identity.Arn;
    if (identity.Account !== member.account) {
      return fail({
        api: 'sts:AssumeRole',
        code: 'AccountMismatch',
        reason: `role ${member.roleArn} belongs to account ${identity.Account ?? 'unknown'}, but the configuration says ${member.account}`,
      });
    }
  } catch (error) {
    return fail(describeAwsFailure(error, 'sts:AssumeRole', maxAttempts));
  }
  const identity = { principal: principal ?? `unknown session of ${member.roleArn}`, via: `sts:AssumeRole ${member.roleArn}` };
  return { ok: true, session: new AwsTargetSession(member.account, member.name, clients, options, maxAttempts, identity) };
}

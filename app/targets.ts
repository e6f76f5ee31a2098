// Which accounts, projects and subscriptions a scan covers. The CLI turns the configuration into
// provider plans and scans them in one process; the Lambda fan-out turns the same plans into plain
// target refs, one SQS message each, and each message back into a one-target plan.

import type { WardConfig } from '../core/config.js';
import type { ProviderPlan } from '../core/engine.js';
import { UserError } from '../core/errors.js';
import type { ApiMetrics } from '../core/metrics.js';
import { PROVIDERS, type Provider } from '../core/model.js';
import type { AwsPlanOptions, AwsTarget } from '../providers/aws/provider.js';
import { boundedRequestHandler } from '../providers/aws/http.js';

export type TargetRef = ({ provider: 'aws' } & AwsTarget) | { provider: 'gcp' | 'azure'; account: string; name?: string };

export interface TargetFilter {
  providers?: readonly Provider[];
  /** Ids or names. */
  accounts?: readonly string[];
}

export interface PlanSettings {
  aws: AwsPlanOptions;
  metrics?: ApiMetrics;
}

// Each provider's code loads only when its cloud is scanned: the Google Cloud and Azure SDKs are
// ~35 MB, and a bundled handler's import time grows with the code it must compile.
const awsProvider = () => import('../providers/aws/provider.js');
const awsOrganization = () => import('../providers/aws/organization.js');
const gcpProvider = () => import('../providers/gcp/provider.js');
const azureProvider = () => import('../providers/azure/provider.js');

function envList(name: string): string[] {
  return (process.env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function gcpScopes(config: WardConfig): string[] {
  return [...new Set([...(config.gcp?.scopes ?? []), ...envList('WARD_GCP_SCOPES')])];
}

/** Explicit subscriptions, or undefined for "every subscription the identity can list". */
export function azureSubscriptions(config: WardConfig): string[] | undefined {
  const listed = [...new Set([...(config.azure?.subscriptions ?? []), ...envList('WARD_AZURE_SUBSCRIPTIONS')])];
  return listed.length > 0 ? listed : undefined;
}

/** The providers a scan covers when none is named: every one the configuration or environment sets up. */
export function configuredProviders(config: WardConfig): Provider[] {
  const configured: Record<Provider, boolean> = {
    aws: config.aws.includeCurrentAccount || config.aws.accounts.length > 0 || config.organization,
    gcp: gcpScopes(config).length > 0,
    azure: config.azure !== undefined || azureSubscriptions(config) !== undefined || process.env['WARD_AZURE_ENDPOINT'] !== undefined,
  };
  return PROVIDERS.filter((p) => configured[p]);
}

function wanted(filter: TargetFilter, account: string, name: string | undefined): boolean {
  return filter.accounts === undefined || filter.accounts.includes(account) || (name !== undefined && filter.accounts.includes(name));
}

export async function resolveAwsTargets(config: WardConfig, aws: AwsPlanOptions): Promise<Array<{ provider: 'aws' } & AwsTarget>> {
  const targets = new Map<string, { provider: 'aws' } & AwsTarget>();
  for (const member of config.aws.accounts) {
    targets.set(member.id, {
      provider: 'aws',
      account: member.id,
      roleArn: member.roleArn,
      ...(member.name === undefined ? {} : { name: member.name }),
      ...(member.externalId === undefined ? {} : { externalId: member.externalId }),
    });
  }
  const callerIdentity = config.aws.includeCurrentAccount || config.organization ? await (await awsProvider()).currentCaller(aws) : undefined;
  const caller = callerIdentity?.account;
  if (config.organization && config.aws.memberRole !== undefined) {
    const role = config.aws.memberRole;
    const [{ OrganizationsClient }, { listActiveAccounts }] = await Promise.all([import('@aws-sdk/client-organizations'), awsOrganization()]);
    const client = new OrganizationsClient({ region: aws.homeRegion, ...boundedRequestHandler(), ...(aws.client.endpoint === undefined ? {} : { endpoint: aws.client.endpoint }) });
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
  if (caller !== undefined && config.aws.includeCurrentAccount && !targets.has(caller)) targets.set(caller, { provider: 'aws', account: caller, ...(callerIdentity === undefined ? {} : { callerArn: callerIdentity.arn }) });
  return [...targets.values()];
}

function onlyWanted(plan: ProviderPlan, filter: TargetFilter): ProviderPlan {
  return { ...plan, targets: plan.targets.filter((t) => wanted(filter, t.account, t.name)) };
}

function nothingToScan(filter: TargetFilter, providers: readonly Provider[]): UserError {
  return new UserError(
    filter.accounts === undefined
      ? `Nothing to scan for ${providers.join(', ') || 'any provider'}: no account, project or subscription is configured.`
      : `Nothing to scan: no account, project or subscription matches --accounts ${filter.accounts.join(',')}.`,
  );
}

async function otherPlans(config: WardConfig, providers: readonly Provider[], filter: TargetFilter, settings: PlanSettings): Promise<ProviderPlan[]> {
  const metrics = settings.metrics === undefined ? {} : { metrics: settings.metrics };
  const plans: ProviderPlan[] = [];
  if (providers.includes('gcp')) plans.push(onlyWanted(await (await gcpProvider()).gcpPlan({ scopes: gcpScopes(config), ...metrics }), filter));
  if (providers.includes('azure')) {
    const subscriptions = azureSubscriptions(config);
    plans.push(onlyWanted(await (await azureProvider()).azurePlan({ ...(subscriptions === undefined ? {} : { subscriptions }), ...metrics }), filter));
  }
  return plans;
}

/** One plan per selected provider, its targets narrowed by the filter. */
export async function plansFromConfig(config: WardConfig, filter: TargetFilter, settings: PlanSettings): Promise<ProviderPlan[]> {
  const providers = filter.providers ?? configuredProviders(config);
  const plans: ProviderPlan[] = [];
  if (providers.includes('aws')) plans.push(onlyWanted((await awsProvider()).awsPlan(await resolveAwsTargets(config, settings.aws), settings.aws), filter));
  plans.push(...(await otherPlans(config, providers, filter, settings)));
  if (plans.every((p) => p.targets.length === 0)) throw nothingToScan(filter, providers);
  return plans;
}

/** The same targets as plain data, for one fan-out message each. */
export async function resolveTargets(config: WardConfig, filter: TargetFilter, settings: PlanSettings): Promise<TargetRef[]> {
  const providers = filter.providers ?? configuredProviders(config);
  const refs: TargetRef[] = providers.includes('aws') ? (await resolveAwsTargets(config, settings.aws)).filter((t) => wanted(filter, t.account, t.name)) : [];
  for (const plan of await otherPlans(config, providers, filter, settings)) {
    if (plan.provider === 'aws') continue;
    for (const t of plan.targets) refs.push({ provider: plan.provider, account: t.account, ...(t.name === undefined ? {} : { name: t.name }) });
  }
  if (refs.length === 0) throw nothingToScan(filter, providers);
  return refs;
}

/** Plans for exactly these targets (one fan-out message). */
export async function plansFromRefs(refs: readonly TargetRef[], settings: PlanSettings): Promise<ProviderPlan[]> {
  const plans: ProviderPlan[] = [];
  const aws = refs.flatMap((r) => (r.provider === 'aws' ? [r] : []));
  const gcp = refs.filter((r) => r.provider === 'gcp').map((r) => `projects/${r.account}`);
  const azure = refs.filter((r) => r.provider === 'azure').map((r) => r.account);
  const metrics = settings.metrics === undefined ? {} : { metrics: settings.metrics };
  if (aws.length > 0) plans.push((await awsProvider()).awsPlan(aws, settings.aws));
  if (gcp.length > 0) plans.push(await (await gcpProvider()).gcpPlan({ scopes: gcp, ...metrics }));
  if (azure.length > 0) plans.push(await (await azureProvider()).azurePlan({ subscriptions: azure, ...metrics }));
  return plans;
}

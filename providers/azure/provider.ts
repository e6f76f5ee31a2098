// The Azure side of a scan: which subscriptions to read (the ones given, else every subscription the
// identity can list), opening each one (a GET of the subscription, so an inaccessible one becomes one
// clear ERROR per control), and how each dataset is fetched. Every Azure dataset is subscription-wide,
// so a session has no regions: its controls are judged once, and each finding carries the resource's
// own location as its region.

import pLimit from 'p-limit';
import type { DatasetDef } from '../../core/control.js';
import type { ProviderPlan, ReadFailure, RegionList, TargetOpening, TargetSession } from '../../core/engine.js';
import { UserError } from '../../core/errors.js';
import type { ApiMetrics } from '../../core/metrics.js';
import type { ReadIdentity } from '../../core/model.js';
import { ArmReader } from './arm.js';
import { createResourceClient, createSubscriptionClient, resolveAzureSettings, type AzureClientSettings, type AzureRetrySettings } from './clients.js';
import type { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import type { TokenCredential } from '@azure/identity';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { PromiseMemo } from '../../core/memo.js';
import { AZURE_FETCHERS } from './collectors/index.js';
import type { SubscriptionRecord } from './datasets.js';
import { azureReadIdentity, TokenObserver } from './identity.js';
import { azureErrorCode, azureErrorMessage, describeAzureFailure, isAuthenticationFailure, isMissingCredentials, MISSING_CREDENTIALS_MESSAGE } from './errors.js';

/** Per-resource reads (GET by id, firewall rules) in flight at once within one dataset. */
export const DEFAULT_RESOURCE_CONCURRENCY = 8;

export interface AzurePlanOptions {
  /** Subscription IDs to scan; unset: every subscription the identity can list. */
  subscriptions?: readonly string[];
  /** ARM base URL; unset: WARD_AZURE_ENDPOINT, else https://management.azure.com. Plain http gets a placeholder token. */
  endpoint?: string;
  metrics?: ApiMetrics;
  /** Overrides DefaultAzureCredential (tests, callers with their own credential). */
  credential?: TokenCredential;
  /** Overrides the default HTTP client (tests that put an https endpoint's wire elsewhere). */
  httpClient?: HttpClient;
  retry?: Partial<AzureRetrySettings>;
  /** Per-resource reads inside one dataset at once (a public database server's firewall rules); default 8. */
  resourceConcurrency?: number;
}

class AzureTargetSession implements TargetSession {
  readonly provider = 'azure' as const;
  readonly regionsApi = 'arm:GET subscription';
  private readonly memos = new PromiseMemo();
  private readonly attempts: number;

  constructor(
    readonly account: string,
    readonly name: string | undefined,
    private readonly arm: ArmReader,
    subscription: SubscriptionRecord,
    settings: AzureClientSettings,
    private readonly resourceConcurrency: number,
    private readonly readAs: () => ReadIdentity,
  ) {
    this.memos.set('subscription', subscription);
    this.attempts = settings.retry.maxRetries + 1;
  }

  /** Who Azure saw: the principal of the latest token the SDK sent (asked when the scan is written). */
  get identity(): ReadIdentity {
    return this.readAs();
  }

  /** Azure datasets are subscription-wide: there is nothing to scan per region. */
  async regions(): Promise<RegionList> {
    return { enabled: [], disabled: [] };
  }

  async collect(dataset: DatasetDef<unknown>): Promise<unknown[]> {
    const entry = AZURE_FETCHERS.get(dataset.key);
    if (entry === undefined) throw new Error(`no Azure collector for dataset ${dataset.key}`);
    return entry.fetch({
      subscriptionId: this.account,
      arm: this.arm,
      limit: pLimit(this.resourceConcurrency),
      memo: (key, load) => this.memos.get(key, load),
      now: () => new Date().toISOString(),
      attempts: this.attempts,
    });
  }

  describeFailure(error: unknown, api: string): ReadFailure {
    return describeAzureFailure(error, api, this.attempts);
  }

  close(): void {
    // The SDK clients hold no resources beyond the shared keep-alive agent.
  }
}

function credentialError(error: unknown): UserError {
  if (isMissingCredentials(error)) return new UserError(MISSING_CREDENTIALS_MESSAGE);
  return new UserError(`Azure rejected the credentials (${azureErrorCode(error)}: ${azureErrorMessage(error)}). Check \`az login\`, AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET, or the managed identity.`);
}

/** Fails fast, with one clear line, when there is no credential to sign in with. */
async function checkCredential(settings: AzureClientSettings): Promise<void> {
  if (settings.insecure) return;
  try {
    await settings.credential.getToken(settings.scope);
  } catch (error) {
    throw credentialError(error);
  }
}

async function listSubscriptions(client: SubscriptionClient): Promise<Array<{ id: string; name?: string }>> {
  const found: Array<{ id: string; name?: string }> = [];
  try {
    for await (const s of client.subscriptions.list()) {
      // A deleted subscription holds nothing left to scan.
      if (s.subscriptionId === undefined || s.state === 'Deleted') continue;
      found.push(s.displayName === undefined ? { id: s.subscriptionId } : { id: s.subscriptionId, name: s.displayName });
    }
  } catch (error) {
    if (isAuthenticationFailure(error)) throw credentialError(error);
    throw new UserError(`Could not list the Azure subscriptions (${azureErrorCode(error)}: ${azureErrorMessage(error)}). Name them in WARD_AZURE_SUBSCRIPTIONS or the configuration instead.`);
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

export async function azurePlan(options: AzurePlanOptions = {}): Promise<ProviderPlan> {
  const resolved = resolveAzureSettings(options);
  // Every token the SDK sends passes through the observer, which keeps the principal it names.
  const observer = new TokenObserver(resolved.credential);
  const settings: AzureClientSettings = { ...resolved, credential: observer };
  const signIn = { insecure: resolved.insecure, callerCredential: options.credential !== undefined, ...(resolved.identity === undefined ? {} : { federated: resolved.identity }) };
  const readAs = () => azureReadIdentity(signIn, observer.principal);
  const concurrency = options.resourceConcurrency ?? DEFAULT_RESOURCE_CONCURRENCY;
  await checkCredential(settings);
  const subscriptionClient = createSubscriptionClient(settings);

  const subscriptions =
    options.subscriptions === undefined
      ? await listSubscriptions(subscriptionClient)
      : [...new Set(options.subscriptions.map((s) => s.trim()).filter((s) => s !== ''))].map((id) => ({ id, name: undefined as string | undefined }));

  return {
    provider: 'azure',
    targets: subscriptions.map(({ id, name }) => ({
      account: id,
      ...(name === undefined ? {} : { name }),
      open: () => openSubscription(id, name, settings, subscriptionClient, concurrency, readAs),
    })),
  };
}

async function openSubscription(
  id: string,
  listedName: string | undefined,
  settings: AzureClientSettings,
  subscriptionClient: SubscriptionClient,
  concurrency: number,
  readAs: () => ReadIdentity,
): Promise<TargetOpening> {
  const arm = new ArmReader(id, settings, createResourceClient(settings, id), subscriptionClient);
  let subscription: SubscriptionRecord;
  try {
    subscription = await arm.subscription();
  } catch (error) {
    const failure = describeAzureFailure(error, 'arm:GET subscription', settings.retry.maxRetries + 1);
    return { ok: false, provider: 'azure', account: id, ...(listedName === undefined ? {} : { name: listedName }), failure };
  }
  const name = listedName ?? subscription.displayName;
  return { ok: true, session: new AzureTargetSession(id, name, arm, subscription, settings, concurrency, readAs) };
}

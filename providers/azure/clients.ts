// One place that builds the Azure Resource Manager clients, so every call Ward makes shares the same
// base URL (WARD_AZURE_ENDPOINT), credential, retry policy (429 with Retry-After, 5xx, network errors:
// the SDK's default retry policy) and metrics. A plain-http endpoint (the sandbox, an emulator) gets a
// placeholder bearer token: the SDK's bearer-token policy refuses non-TLS URLs, so it is replaced.

import { ResourceManagementClient, type ResourceManagementClientOptionalParams } from '@azure/arm-resources';
import { SubscriptionClient, type SubscriptionClientOptionalParams } from '@azure/arm-resources-subscriptions';
import {
  bearerTokenAuthenticationPolicyName,
  createDefaultHttpClient,
  type HttpClient,
  type Pipeline,
  type PipelinePolicy,
} from '@azure/core-rest-pipeline';
import { DefaultAzureCredential, type AccessToken, type TokenCredential } from '@azure/identity';
import { readLimits } from '../../core/limits.js';
import type { ApiMetrics } from '../../core/metrics.js';
import { azureSignInFromEnv } from './stored-secret.js';
import { boundedArmPolicy } from './bounds.js';

export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';
export const PLACEHOLDER_TOKEN = 'ward-placeholder-token';

export interface AzureRetrySettings {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Base delay of the exponential backoff for 5xx and network errors (429 waits for Retry-After). */
  retryDelayInMs: number;
  maxRetryDelayInMs: number;
}

export const DEFAULT_RETRY: AzureRetrySettings = { maxRetries: 6, retryDelayInMs: 800, maxRetryDelayInMs: 60_000 };

export interface AzureClientSettings {
  /** ARM base URL without a trailing slash. */
  endpoint: string;
  /** Plain http: no TLS, placeholder token. */
  insecure: boolean;
  credential: TokenCredential;
  /** The token scope: `<endpoint>/.default`, as the SDK derives it. */
  scope: string;
  retry: AzureRetrySettings;
  metrics?: ApiMetrics;
  /**
   * The HTTP client every ARM client and Ward's own ARM GETs share (one connection pool). The clients
   * of arm-resources 8 / arm-resources-subscriptions 3 no longer have `sendRequest`: Ward's plain GETs
   * go through the client's `pipeline` with this client.
   */
  httpClient: HttpClient;
  /** Who Azure sees, when Ward knows it without a call (the federated app registration). */
  identity?: string;
}

export interface AzureClientOptions {
  /** Base URL of Azure Resource Manager; unset: WARD_AZURE_ENDPOINT, else the public cloud. */
  endpoint?: string;
  metrics?: ApiMetrics;
  /** Overrides DefaultAzureCredential (ignored for a plain-http endpoint). */
  credential?: TokenCredential;
  retry?: Partial<AzureRetrySettings>;
  /** Overrides the default HTTP client (Node's http/https). */
  httpClient?: HttpClient;
}

/** A credential that hands out a fixed placeholder token, for endpoints that check none. */
export function placeholderCredential(): TokenCredential {
  return {
    getToken: async (): Promise<AccessToken> => ({ token: PLACEHOLDER_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}

export function resolveAzureSettings(options: AzureClientOptions): AzureClientSettings {
  const raw = (options.endpoint ?? process.env['WARD_AZURE_ENDPOINT'] ?? '').trim();
  const endpoint = (raw === '' ? DEFAULT_ARM_ENDPOINT : raw).replace(/\/+$/, '');
  const insecure = endpoint.toLowerCase().startsWith('http://');
  // Federation (WARD_AZURE_FEDERATION=aws) or a stored client secret is a real sign-in, used over
  // plain http (the sandbox) too.
  const federated = azureSignInFromEnv();
  const credential = insecure ? (federated?.credential ?? placeholderCredential()) : (options.credential ?? federated?.credential ?? new DefaultAzureCredential());
  return {
    endpoint,
    insecure,
    credential,
    ...(federated === undefined ? {} : { identity: federated.identity }),
    scope: `${endpoint}/.default`,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    httpClient: options.httpClient ?? createDefaultHttpClient(),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  };
}

/** Sets `Authorization: Bearer <token>` from the credential on every attempt, over http as well. */
function plainBearerPolicy(credential: TokenCredential, scope: string): PipelinePolicy {
  return {
    name: 'wardPlainHttpBearer',
    async sendRequest(request, next) {
      const token = await credential.getToken(scope);
      request.headers.set('Authorization', `Bearer ${token?.token ?? PLACEHOLDER_TOKEN}`);
      request.allowInsecureConnection = true;
      return next(request);
    },
  };
}

/** Counts logical calls once per operation (a page counts once) and HTTP attempts once per try. */
function instrument(pipeline: Pipeline, metrics: ApiMetrics): void {
  pipeline.addPolicy(
    {
      name: 'wardCallCounter',
      sendRequest(request, next) {
        metrics.calls += 1;
        return next(request);
      },
    },
    { phase: 'Serialize' },
  );
  pipeline.addPolicy(
    {
      name: 'wardAttemptCounter',
      async sendRequest(request, next) {
        metrics.attempts += 1;
        const response = await next(request);
        if (response.status === 429) metrics.throttled += 1;
        return response;
      },
    },
    // After the retry policy: runs once per attempt.
    { afterPhase: 'Retry' },
  );
}

// The options both clients accept (@azure-rest/core-client's ClientOptions, plus the ARM ones).
function clientOptions(settings: AzureClientSettings): SubscriptionClientOptionalParams & ResourceManagementClientOptionalParams {
  return {
    endpoint: settings.endpoint,
    credentials: { scopes: [settings.scope] },
    allowInsecureConnection: settings.insecure,
    retryOptions: settings.retry,
    httpClient: settings.httpClient,
  };
}

function configure(pipeline: Pipeline, settings: AzureClientSettings): void {
  if (settings.insecure) {
    pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName });
    pipeline.addPolicy(plainBearerPolicy(settings.credential, settings.scope));
  }
  if (settings.metrics !== undefined) instrument(pipeline, settings.metrics);
  // Closest to the wire: every retry attempt gets its own timeout and origin check.
  pipeline.addPolicy(boundedArmPolicy(settings.endpoint, readLimits()), { afterPhase: 'Sign' });
}

export function createSubscriptionClient(settings: AzureClientSettings): SubscriptionClient {
  const client = new SubscriptionClient(settings.credential, clientOptions(settings));
  configure(client.pipeline, settings);
  return client;
}

export function createResourceClient(settings: AzureClientSettings, subscriptionId: string): ResourceManagementClient {
  const client = new ResourceManagementClient(settings.credential, subscriptionId, clientOptions(settings));
  configure(client.pipeline, settings);
  return client;
}

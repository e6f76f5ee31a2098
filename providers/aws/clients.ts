// One place that builds AWS SDK clients, so every call Ward makes shares the same credentials,
// retry strategy, endpoint resolution (AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>) and metrics.

import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { STSClient } from '@aws-sdk/client-sts';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  DeserializeMiddleware,
  InitializeMiddleware,
  MetadataBearer,
  MiddlewareStack,
} from '@smithy/types';
import type { ApiMetrics } from '../../core/metrics.js';
import { isThrottling } from './errors.js';
import { EC2_LEAN_LISTS } from './collectors/ec2.js';
import { RDS_LEAN_LISTS } from './collectors/rds.js';
import { readListsLean } from './lean-xml.js';
import { boundedRequestHandler, type BoundedHttpHandler } from './http.js';

export interface AwsClientSettings {
  /** Overrides the SDK's own endpoint resolution; normally left unset so AWS_ENDPOINT_URL applies. */
  endpoint?: string;
  /** Attempts per call, retries included. Unset: AWS_MAX_ATTEMPTS, else 10. */
  maxAttempts?: number;
  /** Unset: AWS_RETRY_MODE, else adaptive (client-side rate limiting after throttles). */
  retryMode?: 'standard' | 'adaptive';
  metrics?: ApiMetrics;
}

type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

interface ClientConfig {
  region: string;
  credentials?: Credentials;
  endpoint?: string;
  maxAttempts: number;
  retryMode: string;
  requestHandler: BoundedHttpHandler;
}

interface MiddlewareHost<I extends object, O extends MetadataBearer> {
  middlewareStack: MiddlewareStack<I, O>;
  destroy(): void;
}

export function resolveRetrySettings(settings: AwsClientSettings): { maxAttempts: number; retryMode: string } {
  const envAttempts = Number.parseInt(process.env['AWS_MAX_ATTEMPTS'] ?? '', 10);
  return {
    maxAttempts: settings.maxAttempts ?? (Number.isFinite(envAttempts) && envAttempts > 0 ? envAttempts : 10),
    retryMode: settings.retryMode ?? process.env['AWS_RETRY_MODE'] ?? 'adaptive',
  };
}

/** Counts logical calls in `initialize` (once per call) and attempts in `deserialize` (once per try). */
function instrument<I extends object, O extends MetadataBearer>(stack: MiddlewareStack<I, O>, metrics: ApiMetrics): void {
  const countCalls: InitializeMiddleware<I, O> = (next) => async (args) => {
    metrics.calls += 1;
    return next(args);
  };
  const countAttempts: DeserializeMiddleware<I, O> = (next) => async (args) => {
    metrics.attempts += 1;
    try {
      return await next(args);
    } catch (error) {
      if (isThrottling(error)) metrics.throttled += 1;
      throw error;
    }
  };
  stack.add(countCalls, { step: 'initialize', name: 'wardCallCounter' });
  // High priority puts it outside the deserializer, so it sees the parsed service error.
  stack.add(countAttempts, { step: 'deserialize', name: 'wardAttemptCounter', priority: 'high' });
}

/** A client that reads its big lists lean (lean-xml.ts), or as the SDK does if it cannot. */
function leanClient<T extends { config: object }>(client: T, lists: Parameters<typeof readListsLean>[1]): T {
  readListsLean(client, lists);
  return client;
}

/** The clients for one account: one per service and region, created on first use. */
export class AwsClients {
  private readonly cache = new Map<string, { destroy(): void }>();
  private readonly retry: { maxAttempts: number; retryMode: string };

  constructor(
    private readonly credentials: Credentials | undefined,
    private readonly settings: AwsClientSettings,
  ) {
    this.retry = resolveRetrySettings(settings);
  }

  ec2(region: string): EC2Client {
    return this.get('ec2', region, (config) => leanClient(new EC2Client(config), EC2_LEAN_LISTS));
  }

  rds(region: string): RDSClient {
    return this.get('rds', region, (config) => leanClient(new RDSClient(config), RDS_LEAN_LISTS));
  }

  /** IAM is global: its endpoint lives in us-east-1 for the commercial partition. */
  iam(): IAMClient {
    return this.get('iam', 'us-east-1', (config) => new IAMClient(config));
  }

  cloudTrail(region: string): CloudTrailClient {
    return this.get('cloudtrail', region, (config) => new CloudTrailClient(config));
  }

  logs(region: string): CloudWatchLogsClient {
    return this.get('logs', region, (config) => new CloudWatchLogsClient(config));
  }

  sts(region: string): STSClient {
    return this.get('sts', region, (config) => new STSClient(config));
  }

  destroy(): void {
    for (const client of this.cache.values()) client.destroy();
    this.cache.clear();
  }

  private get<I extends object, O extends MetadataBearer, T extends MiddlewareHost<I, O>>(service: string, region: string, create: (config: ClientConfig) => T): T {
    const key = `${service}/${region}`;
    const existing = this.cache.get(key);
    if (existing !== undefined) return existing as T;
    const config: ClientConfig = { region, ...this.retry, ...boundedRequestHandler() };
    if (this.credentials !== undefined) config.credentials = this.credentials;
    if (this.settings.endpoint !== undefined) config.endpoint = this.settings.endpoint;
    const client = create(config);
    // The SDK's logger step copies every response for a logger Ward never sets: ~15% of client CPU.
    client.middlewareStack.remove('loggerMiddleware');
    if (this.settings.metrics !== undefined) instrument(client.middlewareStack, this.settings.metrics);
    this.cache.set(key, client);
    return client;
  }
}

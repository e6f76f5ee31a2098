// One Cloud Asset API client per scan: Application Default Credentials (or a placeholder bearer token
// for a plain-http endpoint such as the sandbox), the REST transport, retries with backoff for quota
// and availability errors, and Ward's API metrics.
//
// The REST transport expects its auth object's `fetch` to resolve with error responses so it can map
// Google's JSON error body to a gRPC status; google-auth-library's `fetch` rejects them instead, and the
// rejection carries the HTTP status where the client's retry logic expects a gRPC code, so a 429 would
// never be retried (googleapis/gax-nodejs#1803). `TransportAuth` resolves every HTTP response and turns
// network failures and timeouts into UNAVAILABLE / DEADLINE_EXCEEDED. Retries are Ward's own loop per
// page: when the client's retry gives up it reports DEADLINE_EXCEEDED and buries the real status (e.g.
// RESOURCE_EXHAUSTED) in its message, and Ward's coverage report needs the real one.

import { AssetServiceClient, type protos } from '@google-cloud/asset';
import { GoogleAuth, OAuth2Client, type AuthClient } from 'google-auth-library';
import { UserError } from '../../core/errors.js';
import { currentReadSignal, PageGuard, ReadLimitError, readLimits } from '../../core/limits.js';
import type { ApiMetrics } from '../../core/metrics.js';
import type { ReadIdentity } from '../../core/model.js';
import { federatedCredentials } from './federation.js';
import { gcpKeySecretFromEnv, storedKeyCredentials } from './stored-key.js';
import { errorMessage, isMissingCredentials, RetriesExhausted, RETRY_CODES, Status } from './errors.js';
import { adcIdentity, federatedGcpIdentity, SANDBOX_GCP_IDENTITY } from './identity.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type IAsset = protos.google.cloud.asset.v1.IAsset;
type IListAssetsRequest = protos.google.cloud.asset.v1.IListAssetsRequest;
type ClientOptions = NonNullable<ConstructorParameters<typeof AssetServiceClient>[0]>;
type RequestOptions = Parameters<AuthClient['request']>[0];

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** The bearer token sent to a plain-http endpoint (the sandbox, an emulator) instead of real credentials. */
export const PLACEHOLDER_TOKEN = 'ward-placeholder-token';
/** listAssets accepts at most 1,000 assets per page. */
export const MAX_PAGE_SIZE = 1000;

export type ContentType = 'RESOURCE' | 'IAM_POLICY';

export interface GcpRetrySettings {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Upper bound of the first backoff; each wait is a random fraction of the current bound (full jitter). */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Per attempt. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: GcpRetrySettings = { maxAttempts: 8, initialDelayMs: 1000, maxDelayMs: 32_000, timeoutMs: 60_000 };

export interface GcpClientSettings {
  /** Base URL of the Cloud Asset API (`WARD_GCP_ENDPOINT`); unset: cloudasset.googleapis.com with ADC. */
  endpoint?: string;
  retry?: Partial<GcpRetrySettings>;
  /** Assets per listAssets page (1–1000). */
  pageSize?: number;
  metrics?: ApiMetrics;
  /**
   * A workload identity federation file (`external_account`, AWS as the identity provider); unset:
   * WARD_GCP_CREDENTIALS, else Application Default Credentials. Used over plain http as well.
   */
  credentialsFile?: string;
}

export interface ParsedEndpoint {
  protocol: 'http' | 'https';
  host: string;
  port: number;
}

/** `http://host:port` or `https://host[:port]`; anything else (a path, a query, another scheme) is a user error. */
export function parseEndpoint(text: string): ParsedEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`WARD_GCP_ENDPOINT must be a URL such as http://127.0.0.1:4566 or https://cloudasset.googleapis.com, got "${text}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`WARD_GCP_ENDPOINT must use http:// or https://, got "${text}".`);
  }
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new UserError(`WARD_GCP_ENDPOINT must be a bare base URL (scheme, host and port: the client adds /v1/…), got "${text}".`);
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port);
  // IPv6 literals come back bracketed; the client wants the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { protocol, host, port };
}

/** HTTP statuses whose response must not have a body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * The response with its body read into memory, failing past `cap` bytes: the transport would read it
 * whole (arrayBuffer) before decoding, so a huge page is stopped here, before it is held or parsed.
 */
async function boundedResponse(response: Response, cap: number): Promise<Response> {
  const body = response.body;
  if (body === null) return response;
  const chunks: Buffer[] = [];
  let bytes = 0;
  // Leaving the loop by the throw cancels the stream: the rest of the body is not downloaded.
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    bytes += buffer.length;
    if (bytes > cap) throw new ReadLimitError('PageTooLarge', `a Cloud Asset API response body exceeded ${cap} bytes (WARD_MAX_PAGE_BYTES); the page was not parsed`);
    chunks.push(buffer);
  }
  const content = NULL_BODY_STATUSES.has(response.status) ? null : Buffer.concat(chunks);
  return new Response(content, { status: response.status, statusText: response.statusText, headers: response.headers });
}

function transportError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code, details: message });
}

/**
 * The auth object the REST transport calls for every attempt: adds the credentials' headers, resolves
 * with every HTTP response (the transport decodes Google's error body), counts attempts and throttles.
 */
export class TransportAuth {
  constructor(
    private readonly inner: AuthClient,
    private readonly timeoutMs: number,
    private readonly metrics: ApiMetrics | undefined,
    /** Bytes of one response body (core/limits.ts, WARD_MAX_PAGE_BYTES). */
    private readonly maxBodyBytes: number = readLimits().maxPageBytes,
  ) {}

  getRequestHeaders(url?: string | URL): Promise<Headers> {
    return this.inner.getRequestHeaders(url);
  }

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    if (this.metrics !== undefined) this.metrics.attempts += 1;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const caller = init.signal ?? undefined;
    // The read's deadline (core/limits.ts) aborts the attempt in flight too.
    const others = [caller, currentReadSignal()].filter((s): s is AbortSignal => s !== undefined);
    const signal = others.length === 0 ? timeout : AbortSignal.any([...others, timeout]);
    try {
      const options = { ...init, url: String(url), signal, validateStatus: () => true } as unknown as RequestOptions;
      const response = await this.inner.request<unknown>(options);
      if (response.status === 429 && this.metrics !== undefined) this.metrics.throttled += 1;
      return await boundedResponse(response, this.maxBodyBytes);
    } catch (error) {
      if (error instanceof ReadLimitError || caller?.aborted === true) throw error;
      if (timeout.aborted) throw transportError(Status.DEADLINE_EXCEEDED, `no response from the Cloud Asset API within ${this.timeoutMs} ms`);
      const e = error as { code?: unknown; response?: { status?: number } };
      if (e.response !== undefined) {
        // Every API response resolves above, so an HTTP error here came from the token endpoint.
        throw transportError(Status.UNAUTHENTICATED, `could not obtain an access token: ${errorMessage(error)}`);
      }
      if ((typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code)) || /fetch failed|socket hang up|network/i.test(errorMessage(error))) {
        throw transportError(Status.UNAVAILABLE, `network error calling the Cloud Asset API: ${errorMessage(error)}`);
      }
      throw transportError(Status.UNAUTHENTICATED, `could not authenticate to the Cloud Asset API: ${errorMessage(error)}`);
    }
  }
}

export const MISSING_CREDENTIALS_MESSAGE =
  'No Google Cloud credentials found (Application Default Credentials). Provide them with `gcloud auth application-default login`, GOOGLE_APPLICATION_CREDENTIALS=<service account key or workload identity federation config>, or an attached service account; or point WARD_GCP_ENDPOINT at a plain-http sandbox.';

async function defaultCredentials(): Promise<{ client: AuthClient; identity: ReadIdentity }> {
  try {
    const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
    const client = await auth.getClient();
    return { client, identity: await adcIdentity(auth, client) };
  } catch (error) {
    if (isMissingCredentials(error)) throw new UserError(MISSING_CREDENTIALS_MESSAGE);
    throw new UserError(`Could not load Google Cloud Application Default Credentials (${errorMessage(error)}). ${MISSING_CREDENTIALS_MESSAGE}`);
  }
}

function placeholderCredentials(): AuthClient {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: PLACEHOLDER_TOKEN });
  return client;
}

export function resolveRetry(settings: Partial<GcpRetrySettings> | undefined): GcpRetrySettings {
  const merged = { ...DEFAULT_RETRY, ...settings };
  return { ...merged, maxAttempts: Math.max(1, Math.floor(merged.maxAttempts)) };
}

/** The Cloud Asset API as Ward uses it: every page of a listAssets call, retried per page. */
export class AssetApi {
  private constructor(
    private readonly client: AssetServiceClient,
    readonly retry: GcpRetrySettings,
    private readonly pageSize: number,
    private readonly metrics: ApiMetrics | undefined,
    /** Who the API is read as (core/model.ts ReadIdentity): recorded on every project's scan. */
    readonly identity: ReadIdentity,
  ) {}

  static async connect(settings: GcpClientSettings): Promise<AssetApi> {
    const retry = resolveRetry(settings.retry);
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(settings.pageSize ?? MAX_PAGE_SIZE)));
    const endpoint = settings.endpoint === undefined || settings.endpoint === '' ? undefined : parseEndpoint(settings.endpoint);
    const file = settings.credentialsFile ?? process.env['WARD_GCP_CREDENTIALS'];
    // The second choice, a service-account key in SSM or Secrets Manager (providers/gcp/stored-key.ts).
    const storedKey = settings.credentialsFile === undefined ? gcpKeySecretFromEnv() : undefined;
    const stored = storedKey === undefined ? undefined : await storedKeyCredentials(storedKey, [CLOUD_PLATFORM_SCOPE]);
    const federated = stored !== undefined || file === undefined || file === '' ? undefined : federatedCredentials(file, [CLOUD_PLATFORM_SCOPE]);
    const signIn =
      stored !== undefined
        ? { client: stored.client, identity: { principal: stored.identity, via: 'service-account key stored in SSM or Secrets Manager (the second choice to federation)' } }
        : federated !== undefined
          ? { client: federated.client, identity: federatedGcpIdentity(federated.identity) }
          : endpoint?.protocol === 'http'
            ? { client: placeholderCredentials(), identity: SANDBOX_GCP_IDENTITY }
            : await defaultCredentials();
    const inner = signIn.client;
    const auth = new TransportAuth(inner, retry.timeoutMs, settings.metrics);
    const options: ClientOptions = {
      fallback: true,
      // The transport only calls getRequestHeaders and fetch, which TransportAuth provides.
      authClient: auth as unknown as ClientOptions['authClient'],
      ...(endpoint === undefined ? {} : { apiEndpoint: endpoint.host, port: endpoint.port, protocol: endpoint.protocol }),
    };
    return new AssetApi(new AssetServiceClient(options), retry, pageSize, settings.metrics, signIn.identity);
  }

  /** One page, retried with exponential backoff and full jitter while the error is transient. */
  private async page(request: IListAssetsRequest): Promise<[IAsset[], IListAssetsRequest | null]> {
    if (this.metrics !== undefined) this.metrics.calls += 1;
    for (let attempt = 1; ; attempt += 1) {
      try {
        // The client's own retry is off (retry: null): its REST transport cannot tell a 429 from a
        // permanent error (see the header), and when it gives up it hides the last error's status.
        const [assets, next] = await this.client.listAssets(request, { autoPaginate: false, retry: null });
        return [assets, next];
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code !== 'number' || !RETRY_CODES.includes(code)) throw error;
        if (attempt >= this.retry.maxAttempts) throw new RetriesExhausted(attempt, error);
        const bound = Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** (attempt - 1));
        await sleep(Math.random() * bound);
      }
    }
  }

  /** Every asset of the given types under `parent` (all pages), with the requested content. */
  async listAssets(parent: string, assetTypes: readonly string[], contentType: ContentType): Promise<IAsset[]> {
    const assets: IAsset[] = [];
    let request: IListAssetsRequest | null = { parent, assetTypes: [...assetTypes], contentType, pageSize: this.pageSize };
    const guard = new PageGuard(`cloudasset.assets.list ${parent}`);
    while (request !== null) {
      const [page, next]: [IAsset[], IListAssetsRequest | null] = await this.page(request);
      assets.push(...page);
      // The client returns the next request only when the response carried a nextPageToken.
      request = next !== null && next !== undefined && typeof next.pageToken === 'string' && guard.next(next.pageToken) ? next : null;
    }
    return assets;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

// A wire-level simulator of the AWS APIs Ward reads, on node:http. The unmodified AWS SDK v3 clients,
// pointed at it (endpoint or AWS_ENDPOINT_URL), sign requests as usual; the server routes each one by
// its SigV4 credential scope (service and region) and access key (account), answers from the world in
// the service's own protocol (EC2 query, AWS Query, JSON 1.1), and applies the world's latency, rate
// limits and faults. Signatures are not verified.

import { handleAzureRequest } from './azure/handler.js';
import { handleGcpRequest } from './gcp/handler.js';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Behaviour } from './behaviour.js';
import { QueryParams, type CallContext, type JsonHandler, type JsonObject, type Principal, type ServerState, type XmlHandler } from './context.js';
import {
  AwsError,
  accessDeniedError,
  internalError,
  invalidTokenError,
  missingAuthError,
  throttlingError,
  unavailableError,
  unknownActionError,
  type ServiceName,
} from './errors.js';
import { buildModel, regionOf, type WorldModel } from './model.js';
import { CLOUDTRAIL_HANDLERS } from './services/cloudtrail.js';
import { EC2_HANDLERS } from './services/ec2.js';
import { IAM_HANDLERS } from './services/iam.js';
import { KMS_HANDLERS } from './services/kms.js';
import { LOGS_HANDLERS } from './services/logs.js';
import { ORGANIZATIONS_HANDLERS } from './services/organizations.js';
import { RDS_HANDLERS } from './services/rds.js';
import { STS_HANDLERS, userPrincipal } from './services/sts.js';
import { CLOUDTRAIL_WRITE_HANDLERS, EC2_WRITE_HANDLERS, IAM_WRITE_HANDLERS, LOGS_WRITE_HANDLERS, RDS_WRITE_HANDLERS } from './services/writes.js';
import type { ChangeListener } from './changes.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from './env.js';
import { GcpFederation, type GcpFederationOptions } from './gcp/federation.js';
import { EntraFederation, type EntraOptions } from './azure/entra.js';
import { issuerDocument, issuerUrl, newOutboundIssuer, OUTBOUND_PATH } from './federation/jwt.js';
import { SecurityHubStandIn } from './services/securityhub.js';
import type { Fault, World } from './types.js';
import { checkWorld } from './world.js';
import { escapeXml } from './xml.js';

/** Counters the benchmark reads: every request, every throttled answer, and both per API. */
export interface SandboxStats {
  requests: number;
  throttled: number;
  /** Every answer other than success (throttling included). */
  errors: number;
  /** Requests per API, keyed `service:Action` (e.g. `ec2:DescribeVolumes`). */
  byApi: Record<string, number>;
  throttledByApi: Record<string, number>;
  reset(): void;
}

export interface SandboxOptions {
  world: World;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Workload Identity Federation with AWS: the sandbox answers Google's token exchange and
   * impersonation, and its Cloud Asset API then accepts only the tokens it issued.
   */
  gcpFederation?: GcpFederationOptions;
  /**
   * Entra ID with federated identity credentials: the sandbox answers MSAL's OpenID configuration
   * and token requests (client assertions verified against the AWS issuer's JWKS), and its Resource
   * Manager then accepts only the access tokens it issued. MSAL needs https: give `tls` too.
   */
  azureFederation?: EntraOptions;
  /** A certificate and key (PEM): the same server also listens over https, at `httpsUrl`. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface Sandbox {
  url: string;
  /** With `tls`: the https listener (every path, Entra's authority host included). */
  httpsUrl?: string;
  port: number;
  stats: SandboxStats;
  /** Hears the CloudTrail event of every write call the sandbox applies; returns the way to stop. */
  onChange(listener: ChangeListener): () => void;
  close(): Promise<void>;
}

type ServiceDef =
  | { protocol: 'ec2' | 'query'; xmlns: string; handlers: Record<string, XmlHandler>; global?: boolean }
  | { protocol: 'json'; handlers: Record<string, JsonHandler>; global?: boolean };

const SERVICES: Record<ServiceName, ServiceDef> = {
  ec2: { protocol: 'ec2', xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/', handlers: { ...EC2_HANDLERS, ...EC2_WRITE_HANDLERS } },
  rds: { protocol: 'query', xmlns: 'http://rds.amazonaws.com/doc/2014-10-31/', handlers: { ...RDS_HANDLERS, ...RDS_WRITE_HANDLERS } },
  iam: { protocol: 'query', xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/', handlers: { ...IAM_HANDLERS, ...IAM_WRITE_HANDLERS }, global: true },
  sts: { protocol: 'query', xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/', handlers: STS_HANDLERS },
  cloudtrail: { protocol: 'json', handlers: { ...CLOUDTRAIL_HANDLERS, ...CLOUDTRAIL_WRITE_HANDLERS } },
  logs: { protocol: 'json', handlers: { ...LOGS_HANDLERS, ...LOGS_WRITE_HANDLERS } },
  organizations: { protocol: 'json', handlers: ORGANIZATIONS_HANDLERS, global: true },
  kms: { protocol: 'json', handlers: KMS_HANDLERS },
};

/** JSON 1.1 target prefixes, to name the service of a request that carries no credentials. */
const TARGET_PREFIXES: Record<string, ServiceName> = {
  CloudTrail_20131101: 'cloudtrail',
  'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101': 'cloudtrail',
  Logs_20140328: 'logs',
  AWSOrganizationsV20161128: 'organizations',
  TrentService: 'kms',
};

const MAX_BODY = 5 * 1024 * 1024;

interface Scope {
  accessKeyId: string;
  region: string;
  service: string;
}

/** `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/ec2/aws4_request, …` (or a presigned URL). */
function credentialScope(req: IncomingMessage, url: URL): Scope | undefined {
  const header = req.headers.authorization ?? '';
  const credential = /Credential=([^,\s]+)/.exec(header)?.[1] ?? url.searchParams.get('X-Amz-Credential') ?? undefined;
  if (credential === undefined) return undefined;
  const [accessKeyId, , region, service] = credential.split('/');
  if (accessKeyId === undefined || region === undefined || service === undefined) return undefined;
  return { accessKeyId, region, service };
}

function isService(name: string): name is ServiceName {
  return Object.prototype.hasOwnProperty.call(SERVICES, name);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function newStats(): SandboxStats {
  const stats: SandboxStats = {
    requests: 0,
    throttled: 0,
    errors: 0,
    byApi: {},
    throttledByApi: {},
    reset() {
      stats.requests = 0;
      stats.throttled = 0;
      stats.errors = 0;
      stats.byApi = {};
      stats.throttledByApi = {};
    },
  };
  return stats;
}

function faultError(fault: Fault, service: ServiceName, principal: Principal, action: string): AwsError {
  switch (fault.kind) {
    case 'access-denied':
      return accessDeniedError(service, principal.arn, action);
    case 'throttle':
      return throttlingError(service);
    case 'internal-error':
      return internalError(service, fault.status ?? 500);
    case 'unavailable':
      return unavailableError(service);
    case 'region-disabled':
      return invalidTokenError(service);
    default:
      return new AwsError(fault.code ?? 'InternalFailure', fault.message ?? 'Injected fault', fault.status ?? 400);
  }
}

class SandboxServer {
  readonly stats = newStats();
  private readonly model: WorldModel;
  private readonly behaviour: Behaviour;
  readonly state: ServerState = { sessions: new Map(), credentialReports: new Map(), sessionCounter: 0, outboundIssuer: newOutboundIssuer(), macKeys: new Map(), changeListeners: new Set() };
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly gcpFederation: GcpFederation | undefined;
  private readonly entra: EntraFederation | undefined;
  readonly securityHub = new SecurityHubStandIn();
  closed = false;

  constructor(
    private readonly world: World,
    gcpFederation?: GcpFederationOptions,
    azureFederation?: EntraOptions,
  ) {
    this.model = buildModel(world);
    this.behaviour = new Behaviour(world, this.model);
    this.gcpFederation = gcpFederation === undefined ? undefined : new GcpFederation(gcpFederation, this.credentialLookup());
    this.entra = azureFederation === undefined ? undefined : new EntraFederation(azureFederation, (account) => issuerUrl(this.state.outboundIssuer, account));
  }

  /** What AWS would know about an access key: its secret, its session token and who it is. */
  private credentialLookup() {
    const longTerm = (key: string) => !key.startsWith('ASIA') && (key === SANDBOX_ACCESS_KEY_ID || this.model.accessKeys.has(key));
    return {
      secretFor: (key: string) => this.state.sessions.get(key)?.secretAccessKey ?? (longTerm(key) ? SANDBOX_SECRET_ACCESS_KEY : undefined),
      sessionTokenFor: (key: string) => this.state.sessions.get(key)?.sessionToken,
      arnFor: (key: string) => this.state.sessions.get(key)?.arn ?? (longTerm(key) ? userPrincipal(this.model.accessKeys.get(key) ?? this.model.current, key).arn : undefined),
    };
  }

  /** Counts a request the Google Cloud or Azure handler answered (they answer synchronously). */
  private countOther(provider: 'gcp' | 'azure', handled: boolean, res: ServerResponse): boolean {
    if (!handled) return false;
    const api = `${provider}:${res.req.method ?? 'GET'}`;
    this.stats.requests += 1;
    this.stats.byApi[api] = (this.stats.byApi[api] ?? 0) + 1;
    if (res.statusCode === 429) {
      this.stats.throttled += 1;
      this.stats.throttledByApi[api] = (this.stats.throttledByApi[api] ?? 0) + 1;
    } else if (res.statusCode >= 400) {
      this.stats.errors += 1;
    }
    return true;
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  shutdown(): void {
    this.closed = true;
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.timers.clear();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const body = await readBody(req);
    if (req.method === 'GET' && url.pathname.startsWith(OUTBOUND_PATH)) {
      const document = issuerDocument(this.state.outboundIssuer, url.pathname);
      return document === undefined ? send(res, 404, 'text/plain; charset=utf-8', 'Not found\n') : send(res, 200, 'application/json', JSON.stringify(document));
    }
    // Google Cloud (Cloud Asset REST) and Azure (ARM REST) are told apart from AWS by their paths.
    if (this.gcpFederation !== undefined) {
      if (this.countOther('gcp', this.gcpFederation.handle(req, res, body, url), res)) return;
      if (this.world.gcp !== undefined && url.pathname.startsWith('/v1/') && this.countOther('gcp', this.gcpFederation.refuseUnlessAuthorized(req, res), res)) return;
    }
    if (this.world.gcp !== undefined && url.pathname.startsWith('/v1/') && this.countOther('gcp', handleGcpRequest(req, res, body, this.world.gcp), res)) return;
    if (this.entra !== undefined) {
      if (this.countOther('azure', await this.entra.handle(req, res, body, url), res)) return;
      if (this.world.azure !== undefined && url.pathname.startsWith('/subscriptions') && this.countOther('azure', this.entra.refuseUnlessAuthorized(req, res), res)) return;
    }
    if (this.world.azure !== undefined && url.pathname.startsWith('/subscriptions') && this.countOther('azure', handleAzureRequest(req, res, body, this.world.azure), res)) return;
    const scope = credentialScope(req, url);
    const target = typeof req.headers['x-amz-target'] === 'string' ? req.headers['x-amz-target'] : undefined;
    if (scope?.service === 'securityhub') return this.handleSecurityHub(req, res, url, body, scope);

    let service: ServiceName | undefined;
    if (scope !== undefined && isService(scope.service)) service = scope.service;
    else if (scope === undefined && target !== undefined) service = TARGET_PREFIXES[target.slice(0, target.lastIndexOf('.'))];
    else if (scope === undefined) service = this.guessQueryService(body, url);

    if (service === undefined) {
      if (scope === undefined && req.method === 'GET') return this.info(url, res);
      const what = scope === undefined ? 'no SigV4 credential scope' : `service "${scope.service}"`;
      return send(res, 400, 'text/plain; charset=utf-8', `Ward sandbox: ${what} is not simulated (services: ${Object.keys(SERVICES).join(', ')}).\n`);
    }

    const def = SERVICES[service];
    const requestId = randomUUID();
    let action: string;
    let params: QueryParams | undefined;
    let json: JsonObject = {};
    if (def.protocol === 'json') {
      action = target === undefined ? '' : target.slice(target.lastIndexOf('.') + 1);
      try {
        const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as JsonObject;
        else throw new Error('not an object');
      } catch {
        return this.answerError(res, service, `${service}:${action}`, requestId, new AwsError('SerializationException', 'Start of structure or map found where not expected.', 400));
      }
    } else {
      params = QueryParams.parse(body, service, url.search.slice(1));
      action = params.get('Action') ?? '';
    }
    const api = `${service}:${action}`;
    this.stats.requests += 1;
    this.stats.byApi[api] = (this.stats.byApi[api] ?? 0) + 1;

    try {
      await this.sleep(this.behaviour.latencyMs());
      if (scope === undefined) throw missingAuthError(service);
      const principal = this.principal(scope.accessKeyId, service);
      const account = principal.account;
      const region = scope.region;
      if (def.global !== true && regionOf(account, region).optInStatus === 'not-opted-in') throw invalidTokenError(service);

      const call = { api, account: account.id, region };
      const outcome = this.behaviour.faultsFor(call);
      await this.sleep(outcome.delayMs);
      if (outcome.fault?.kind === 'hang') return; // never answered; close() drops the connection
      if (outcome.fault !== undefined) throw faultError(outcome.fault, service, principal, action);
      if (!this.behaviour.allow(call)) throw throttlingError(service);

      const ctx: CallContext = { service, action, region, account, principal, model: this.model, state: this.state, now: new Date() };
      if (def.protocol === 'json') {
        const handler = def.handlers[action];
        if (handler === undefined) throw unknownActionError(service, action);
        const result = handler(ctx, json);
        return this.reply(res, 200, 'application/x-amz-json-1.1', requestId, JSON.stringify(result));
      }
      const handler = def.handlers[action];
      if (handler === undefined || params === undefined) throw unknownActionError(service, action);
      const inner = handler(ctx, params);
      const xml =
        def.protocol === 'ec2'
          ? `<${action}Response xmlns="${def.xmlns}"><requestId>${requestId}</requestId>${inner}</${action}Response>`
          : `<${action}Response xmlns="${def.xmlns}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
      return this.reply(res, 200, 'text/xml;charset=UTF-8', requestId, `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
    } catch (error) {
      const aws = error instanceof AwsError ? error : internalError(service);
      if (!(error instanceof AwsError)) console.error(`ward sandbox: ${api} failed:`, error);
      return this.answerError(res, service, api, requestId, aws);
    }
  }

  /** Security Hub speaks restJson1 (REST paths, JSON bodies, the error code in a header). */
  private async handleSecurityHub(req: IncomingMessage, res: ServerResponse, url: URL, body: string, scope: Scope): Promise<void> {
    const requestId = randomUUID();
    const action = url.pathname === '/findings/import' ? 'BatchImportFindings' : url.pathname === '/findings' ? 'GetFindings' : url.pathname;
    const api = `securityhub:${action}`;
    this.stats.requests += 1;
    this.stats.byApi[api] = (this.stats.byApi[api] ?? 0) + 1;
    const fail = (status: number, code: string, message: string) => {
      this.stats.errors += 1;
      if (status === 429) {
        this.stats.throttled += 1;
        this.stats.throttledByApi[api] = (this.stats.throttledByApi[api] ?? 0) + 1;
      }
      res.setHeader('x-amzn-ErrorType', code);
      this.reply(res, status, 'application/json', requestId, JSON.stringify({ Message: message, Code: code }));
    };
    await this.sleep(this.behaviour.latencyMs());
    const account = (this.state.sessions.get(scope.accessKeyId) ?? userPrincipal(this.model.accessKeys.get(scope.accessKeyId) ?? this.model.current, scope.accessKeyId)).account;
    const outcome = this.behaviour.faultsFor({ api, account: account.id, region: scope.region });
    if (outcome.fault?.kind === 'throttle') return fail(429, 'TooManyRequestsException', 'Rate exceeded');
    if (outcome.fault !== undefined) return fail(outcome.fault.status ?? 500, outcome.fault.code ?? 'InternalException', outcome.fault.message ?? 'Injected fault');
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(body === '' ? '{}' : body) as Record<string, unknown>;
    } catch {
      return fail(400, 'InvalidInputException', 'The request body is not JSON');
    }
    const reply = this.securityHub.handle(req.method ?? 'GET', url.pathname, json, { account: account.id, region: scope.region });
    if (reply.errorType !== undefined) {
      const message = (reply.body as { Message?: string }).Message ?? '';
      return fail(reply.status, reply.errorType, message);
    }
    return this.reply(res, reply.status, 'application/json', requestId, JSON.stringify(reply.body));
  }

  private principal(accessKeyId: string, service: ServiceName): Principal {
    const session = this.state.sessions.get(accessKeyId);
    if (session !== undefined) return session;
    // Temporary keys this server did not issue (or issued before a restart) are not valid.
    if (accessKeyId.startsWith('ASIA')) throw invalidTokenError(service);
    return userPrincipal(this.model.accessKeys.get(accessKeyId) ?? this.model.current, accessKeyId);
  }

  private guessQueryService(body: string, url: URL): ServiceName | undefined {
    const action = new URLSearchParams(body).get('Action') ?? url.searchParams.get('Action');
    if (action === null) return undefined;
    for (const [name, def] of Object.entries(SERVICES) as Array<[ServiceName, ServiceDef]>) {
      if (def.protocol !== 'json' && Object.prototype.hasOwnProperty.call(def.handlers, action)) return name;
    }
    return undefined;
  }

  private info(url: URL, res: ServerResponse): void {
    if (url.pathname === '/_sandbox/stats') return send(res, 200, 'application/json', JSON.stringify(this.stats));
    const accounts = this.model.accountList.map((a) => ({ id: a.id, name: a.name, current: a === this.model.current, organization: a.organization }));
    return send(res, 200, 'application/json', JSON.stringify({ sandbox: 'ward', services: Object.keys(SERVICES), accounts }, null, 2));
  }

  private answerError(res: ServerResponse, service: ServiceName, api: string, requestId: string, error: AwsError): void {
    this.stats.errors += 1;
    if (error.throttling) {
      this.stats.throttled += 1;
      this.stats.throttledByApi[api] = (this.stats.throttledByApi[api] ?? 0) + 1;
    }
    const def = SERVICES[service];
    const message = escapeXml(error.message);
    if (def.protocol === 'json') {
      return this.reply(res, error.status, 'application/x-amz-json-1.1', requestId, JSON.stringify({ __type: error.code, message: error.message }));
    }
    const xml =
      def.protocol === 'ec2'
        ? `<Response><Errors><Error><Code>${error.code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
        : `<ErrorResponse xmlns="${def.xmlns}"><Error><Type>${error.type}</Type><Code>${error.code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return this.reply(res, error.status, 'text/xml;charset=UTF-8', requestId, `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  }

  private reply(res: ServerResponse, status: number, contentType: string, requestId: string, body: string): void {
    if (this.closed) return;
    res.setHeader('x-amzn-RequestId', requestId);
    send(res, status, contentType, body);
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Starts the sandbox on host:port (port 0: a free one). The world is validated and expanded first. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const sandbox = new SandboxServer(checkWorld(options.world), options.gcpFederation, options.azureFederation);
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    sandbox.handle(req, res).catch((error: unknown) => {
      console.error('ward sandbox: request failed:', error);
      send(res, 500, 'text/plain; charset=utf-8', 'Ward sandbox internal error\n');
    });
  };
  const host = options.host ?? '127.0.0.1';
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const server = createServer(listener);
  const port = await listen(server, options.port ?? 0);
  // https on a port of its own (0: a free one; with a fixed port, the next one).
  const tlsServer = options.tls === undefined ? undefined : createTlsServer({ cert: options.tls.cert, key: options.tls.key }, listener);
  const tlsPort =
    tlsServer === undefined
      ? undefined
      : await listen(tlsServer, options.port === undefined || options.port === 0 ? 0 : options.port + 1).catch(async (error: unknown) => {
          await new Promise<void>((resolve) => server.close(() => resolve()));
          throw error;
        });
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const urlHost = reachable.includes(':') ? `[${reachable}]` : reachable;
  let closing: Promise<void> | undefined;
  sandbox.state.outboundIssuer.base = `http://${urlHost}:${port}`;
  return {
    url: `http://${urlHost}:${port}`,
    ...(tlsPort === undefined ? {} : { httpsUrl: `https://${urlHost}:${tlsPort}` }),
    port,
    stats: sandbox.stats,
    onChange(listener) {
      sandbox.state.changeListeners.add(listener);
      return () => sandbox.state.changeListeners.delete(listener);
    },
    close() {
      closing ??= (() => {
        sandbox.shutdown();
        const servers = tlsServer === undefined ? [server] : [server, tlsServer];
        return Promise.all(
          servers.map(
            (s) =>
              new Promise<void>((resolve) => {
                s.close(() => resolve());
                s.closeAllConnections();
              }),
          ),
        ).then(() => undefined);
      })();
      return closing;
    },
  };
}

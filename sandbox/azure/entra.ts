// Microsoft Entra ID, simulated for workload identity federation: the v2.0 token endpoint taking a
// client assertion (client_credentials with a jwt-bearer assertion), the OpenID configuration MSAL
// reads before it (the authority's metadata; instance discovery is off for a custom authority), and
// the check that the sandbox's Resource Manager then accepts only the access tokens issued here.
// Every assertion is *verified* as Entra does: the signature against the issuer's published JWKS,
// then issuer, subject and audience against the app's federated identity credentials, and expiry.
// Refusals carry Entra's shape and AADSTS codes. MSAL insists on https, so the sandbox serves these
// paths over TLS as well (SandboxOptions.tls).

import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { verifyJwt } from '../federation/jwt.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

/** One federated identity credential of an app registration (`az ad app federated-credential create`). */
export interface EntraFederatedCredential {
  /** The trusted issuer URL; `{ awsAccount }`: that AWS account's outbound issuer in this sandbox. */
  issuer: string | { awsAccount: string };
  subject: string;
  /** Default api://AzureADTokenExchange. */
  audience?: string;
}

export interface EntraApp {
  clientId: string;
  federatedCredentials: EntraFederatedCredential[];
  /** A client secret the app also accepts (Ward's second choice); unset: none. */
  clientSecret?: string;
}

/**
 * The tenant and its app registrations. Read on every request, so a test may change a credential
 * between two sign-ins.
 */
export interface EntraOptions {
  tenantId: string;
  apps: EntraApp[];
}

interface IssuedToken {
  clientId: string;
  expires: number;
}

const TOKEN_LIFETIME_S = 3599;
const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
const METADATA_PATH = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/;

function sendJson(res: ServerResponse, status: number, body: unknown): true {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
  return true;
}

/** Entra's refusal: the OAuth error plus the AADSTS code, the trace ids and the timestamp in its description. */
function refuse(res: ServerResponse, status: number, error: string, code: number, message: string): true {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.(\d{3})Z$/, '.$1Z');
  return sendJson(res, status, {
    error,
    error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}

function decodeClaims(token: string): Record<string, unknown> | undefined {
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function origin(req: IncomingMessage): string {
  const tls = (req.socket as Partial<TLSSocket>).encrypted === true;
  return `${tls ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
}

export class EntraFederation {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly options: EntraOptions,
    /** An AWS account's outbound issuer URL in this sandbox. */
    private readonly awsIssuer: (accountId: string) => string,
    /** How the relying party fetches the issuer's JWKS. */
    private readonly fetchJson?: (url: string) => Promise<unknown>,
  ) {}

  /** Answers the OpenID configuration and the token endpoint; false for every other request. */
  async handle(req: IncomingMessage, res: ServerResponse, body: string, url: URL): Promise<boolean> {
    const metadata = METADATA_PATH.exec(url.pathname);
    if (req.method === 'GET' && metadata !== null) return this.metadata(req, res, decodeURIComponent(metadata[1] ?? ''));
    const token = TOKEN_PATH.exec(url.pathname);
    if (req.method === 'POST' && token !== null) return this.token(res, decodeURIComponent(token[1] ?? ''), new URLSearchParams(body));
    return false;
  }

  /** For Resource Manager: false when the bearer token is one issued here and still valid, else a 401 sent. */
  refuseUnlessAuthorized(req: IncomingMessage, res: ServerResponse): boolean {
    const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = presented === undefined ? undefined : this.tokens.get(presented);
    if (token !== undefined && token.expires > Date.now()) return false;
    const code = presented === undefined ? 'AuthenticationFailed' : 'InvalidAuthenticationToken';
    const message = presented === undefined ? "Authentication failed. The 'Authorization' header is missing." : 'The access token is invalid.';
    return sendJson(res, 401, { error: { code, message } });
  }

  private tenantKnown(tenant: string): boolean {
    return tenant.toLowerCase() === this.options.tenantId.toLowerCase();
  }

  private metadata(req: IncomingMessage, res: ServerResponse, tenant: string): true {
    if (!this.tenantKnown(tenant)) return refuse(res, 400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    const base = `${origin(req)}/${this.options.tenantId}`;
    return sendJson(res, 200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${origin(req)}/${this.options.tenantId}/discovery/v2.0/keys`,
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      tenant_region_scope: 'NA',
      cloud_instance_name: 'sandbox',
    });
  }

  private issuerOf(credential: EntraFederatedCredential): string {
    return typeof credential.issuer === 'string' ? credential.issuer : this.awsIssuer(credential.issuer.awsAccount);
  }

  private async token(res: ServerResponse, tenant: string, form: URLSearchParams): Promise<true> {
    if (!this.tenantKnown(tenant)) return refuse(res, 400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    if (form.get('grant_type') !== 'client_credentials') return refuse(res, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.get('grant_type') ?? ''}'.`);
    const clientId = form.get('client_id') ?? '';
    const app = this.options.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
    if (app === undefined) {
      return refuse(res, 400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${this.options.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant.`);
    }
    const scope = form.get('scope') ?? '';
    if (!/(^|\s)\S+\/\.default(\s|$)/.test(scope)) return refuse(res, 400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    const secret = form.get('client_secret');
    if (secret !== null) {
      if (app.clientSecret === undefined || secret !== app.clientSecret) return refuse(res, 401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
      return this.grant(res, app);
    }
    if (form.get('client_assertion_type') !== JWT_BEARER) {
      return refuse(res, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    const assertion = form.get('client_assertion') ?? '';
    const claims = decodeClaims(assertion);
    if (claims === undefined) return refuse(res, 401, 'invalid_client', 50027, 'JWT token is invalid or malformed.');

    const issuer = String(claims['iss'] ?? '');
    const subject = String(claims['sub'] ?? '');
    const audiences = (Array.isArray(claims['aud']) ? claims['aud'] : [claims['aud']]).map(String);
    const record = `Assertion Issuer: '${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audiences.join(',')}'.`;
    const credentials = app.federatedCredentials.map((c) => ({ issuer: this.issuerOf(c), subject: c.subject, audience: c.audience ?? TOKEN_EXCHANGE_AUDIENCE }));
    const byIssuer = credentials.filter((c) => c.issuer === issuer);
    if (byIssuer.length === 0) return refuse(res, 400, 'invalid_request', 700211, `No matching federated identity record found for presented assertion issuer '${issuer}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`);
    const bySubject = byIssuer.filter((c) => c.subject === subject);
    if (bySubject.length === 0) return refuse(res, 400, 'invalid_request', 700213, `No matching federated identity record found for presented assertion subject '${subject}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`);
    const match = bySubject.find((c) => audiences.includes(c.audience));
    if (match === undefined) return refuse(res, 400, 'invalid_request', 700212, `No matching federated identity record found for presented assertion audience '${audiences.join(',')}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`);
    try {
      await verifyJwt(assertion, match, this.fetchJson);
    } catch (error) {
      const reason = (error as Error).message;
      if (reason.includes('expired')) return refuse(res, 400, 'invalid_client', 700024, `Client assertion is not within its valid time range. ${record}`);
      if (/signature|key|JWKS|HTTP/.test(reason)) return refuse(res, 401, 'invalid_client', 700027, `Client assertion failed signature validation: ${reason}. ${record}`);
      return refuse(res, 401, 'invalid_client', 70021, `No matching federated identity record found for presented assertion. ${record} The assertion could not be verified: ${reason}.`);
    }

    return this.grant(res, app);
  }

  private grant(res: ServerResponse, app: EntraApp): true {
    const accessToken = `eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.sandbox-entra-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(accessToken, { clientId: app.clientId, expires: Date.now() + TOKEN_LIFETIME_S * 1000 });
    return sendJson(res, 200, { token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S, ext_expires_in: TOKEN_LIFETIME_S, access_token: accessToken });
  }
}

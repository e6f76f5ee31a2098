// Google's side of Workload Identity Federation with AWS, simulated: the STS token exchange
// (POST /v1/token) and service-account impersonation
// (POST /v1/projects/-/serviceAccounts/{email}:generateAccessToken), and the bearer-token check the
// Cloud Asset API then makes. Each step verifies what it receives as Google does:
//
// - the subject token is a signed sts:GetCallerIdentity request. Google forwards it to AWS; the sandbox
//   plays AWS and verifies the SigV4 signature with the secret it issued for the access key (a session
//   from AssumeRole, or the long-term sandbox key), and that the request names this provider in its
//   `x-goog-cloud-target-resource` header (google-auth-library adds it after signing);
// - the audience must be the configured pool provider;
// - the attribute condition: `attribute.aws_role` (the role ARN of an assumed-role session) must be one
//   of the allowed roles;
// - impersonation needs a federated token and a service account the pool may impersonate;
// - the Cloud Asset API accepts only access tokens issued here (while federation is configured).

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifySigV4 } from '../federation/sigv4.js';

export interface GcpFederationOptions {
  /** The provider: `//iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`. */
  audience: string;
  /** The attribute condition: role ARNs (`arn:aws:sts::<account>:assumed-role/<role>`) allowed to federate. */
  allowedRoles: string[];
  /** Service accounts the pool's principals may impersonate (roles/iam.workloadIdentityUser). */
  serviceAccounts: string[];
}

/** What the sandbox knows about AWS credentials: the secret of an access key and its caller ARN. */
export interface AwsCredentialLookup {
  secretFor(accessKeyId: string): string | undefined;
  sessionTokenFor(accessKeyId: string): string | undefined;
  arnFor(accessKeyId: string): string | undefined;
}

interface IssuedToken {
  kind: 'federated' | 'service-account';
  subject: string;
  expires: number;
}

const TOKEN_LIFETIME_S = 3600;
const ASSUMED_ROLE = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;
const IMPERSONATE = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Google STS refuses with OAuth's error shape. */
function stsRefusal(res: ServerResponse, status: number, error: string, description: string): true {
  sendJson(res, status, { error, error_description: description });
  return true;
}

function googleError(res: ServerResponse, code: number, status: string, message: string): true {
  sendJson(res, code, { error: { code, message, status } });
  return true;
}

function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
}

export class GcpFederation {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly options: GcpFederationOptions,
    private readonly aws: AwsCredentialLookup,
  ) {}

  /** Answers the token exchange and impersonation calls; false for every other request. */
  handle(req: IncomingMessage, res: ServerResponse, body: string, url: URL): boolean {
    if (req.method === 'POST' && url.pathname === '/v1/token') return this.exchange(res, body);
    const impersonate = IMPERSONATE.exec(url.pathname);
    if (req.method === 'POST' && impersonate !== null) return this.impersonate(req, res, decodeURIComponent(impersonate[1] ?? ''));
    return false;
  }

  /** For the Cloud Asset API: undefined when the bearer token is one this sandbox issued and still valid. */
  refuseUnlessAuthorized(req: IncomingMessage, res: ServerResponse): boolean {
    const token = this.tokens.get(bearer(req) ?? '');
    if (token !== undefined && token.expires > Date.now()) return false;
    return googleError(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
  }

  private issue(kind: IssuedToken['kind'], subject: string): string {
    const token = `ya29.sandbox-${kind}-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { kind, subject, expires: Date.now() + TOKEN_LIFETIME_S * 1000 });
    return token;
  }

  private exchange(res: ServerResponse, body: string): true {
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange') return stsRefusal(res, 400, 'unsupported_grant_type', 'Only token exchange is supported.');
    if (form.get('subject_token_type') !== 'urn:ietf:params:aws:token-type:aws4_request') return stsRefusal(res, 400, 'invalid_request', 'Unsupported subject token type.');
    const audience = form.get('audience') ?? '';
    if (audience !== this.options.audience) return stsRefusal(res, 400, 'invalid_target', `The target service indicated by the "audience" parameters is invalid: ${audience}`);

    let signed: { url?: unknown; method?: unknown; headers?: unknown; body?: unknown };
    try {
      signed = JSON.parse(decodeURIComponent(form.get('subject_token') ?? '')) as typeof signed;
    } catch {
      return stsRefusal(res, 400, 'invalid_grant', 'The subject token is not a serialized AWS request.');
    }
    const headerList = Array.isArray(signed.headers) ? (signed.headers as Array<{ key?: unknown; value?: unknown }>) : [];
    const headers: Record<string, string> = {};
    for (const h of headerList) if (typeof h.key === 'string' && typeof h.value === 'string') headers[h.key.toLowerCase()] = h.value;
    if (typeof signed.url !== 'string' || typeof signed.method !== 'string') return stsRefusal(res, 400, 'invalid_grant', 'The subject token is not a serialized AWS request.');
    let target: URL;
    try {
      target = new URL(signed.url);
    } catch {
      return stsRefusal(res, 400, 'invalid_grant', 'The subject token names no AWS URL.');
    }
    if (target.searchParams.get('Action') !== 'GetCallerIdentity' || !/^sts(-fips)?\.[a-z0-9-]+\.amazonaws\.com$/.test(target.hostname)) {
      return stsRefusal(res, 400, 'invalid_grant', 'The subject token must be a signed sts:GetCallerIdentity request to a regional STS endpoint.');
    }
    if (headers['x-goog-cloud-target-resource'] !== audience) {
      return stsRefusal(res, 400, 'invalid_grant', 'The subject token does not name this provider in its x-goog-cloud-target-resource header.');
    }
    let accessKeyId: string;
    try {
      const verified = verifySigV4({ method: signed.method, url: signed.url, headers, ...(typeof signed.body === 'string' ? { body: signed.body } : {}) }, (key) => this.aws.secretFor(key));
      accessKeyId = verified.accessKeyId;
      const token = this.aws.sessionTokenFor(accessKeyId);
      if (token !== undefined && (headers['x-amz-security-token'] !== token || !verified.signedHeaders.includes('x-amz-security-token'))) {
        throw new Error('the security token is missing or not the one issued with the access key');
      }
    } catch (error) {
      return stsRefusal(res, 400, 'invalid_grant', `AWS rejected the subject token: ${(error as Error).message}.`);
    }
    const arn = this.aws.arnFor(accessKeyId) ?? '';
    const role = ASSUMED_ROLE.exec(arn);
    const awsRole = role === null ? undefined : `arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}`;
    if (awsRole === undefined || !this.options.allowedRoles.includes(awsRole)) {
      return stsRefusal(res, 400, 'invalid_grant', `The given credential is rejected by the attribute condition (attribute.aws_role ${awsRole ?? 'is unset: not an assumed-role session'}, subject ${arn}).`);
    }
    const subject = `principal://iam.googleapis.com/${audience.replace(/^\/\/iam\.googleapis\.com\//, '').replace(/\/providers\/[^/]+$/, '')}/subject/${arn}`;
    sendJson(res, 200, {
      access_token: this.issue('federated', subject),
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_S,
    });
    return true;
  }

  private impersonate(req: IncomingMessage, res: ServerResponse, email: string): true {
    const token = this.tokens.get(bearer(req) ?? '');
    if (token === undefined || token.kind !== 'federated' || token.expires <= Date.now()) {
      return googleError(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    }
    if (!this.options.serviceAccounts.includes(email)) {
      return googleError(res, 403, 'PERMISSION_DENIED', `Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist): ${email}`);
    }
    const expires = new Date(Date.now() + TOKEN_LIFETIME_S * 1000);
    sendJson(res, 200, { accessToken: this.issue('service-account', email), expireTime: expires.toISOString().replace(/\.\d{3}Z$/, 'Z') });
    return true;
  }
}

// What a service handler gets for one call: who is calling, as which account, in which region, with
// which parameters; and the pagination and parameter helpers every service shares.

import type { OutboundIssuer } from './federation/jwt.js';
import { invalidNextTokenError, validationError, type ServiceName } from './errors.js';
import type { AccountModel, WorldModel } from './model.js';
import type { ChangeListener } from './changes.js';

export interface Principal {
  accessKeyId: string;
  account: AccountModel;
  arn: string;
  userId: string;
  /** Set for assumed-role credentials. */
  role?: { name: string; session: string; expiration: Date };
  /** Assumed-role credentials: the secret and token issued with them, to verify their signatures. */
  secretAccessKey?: string;
  sessionToken?: string;
}

/** A generated credential report: it shows the account as it was then, not as it is now. */
export interface CredentialReportState {
  startedAt: number;
  readyAt: number;
  csv: string;
}

/** State that changes while the server runs (sessions, credential reports). */
export interface ServerState {
  sessions: Map<string, Principal>;
  /** Per account: the credential report, as IAM built it when its generation started. */
  credentialReports: Map<string, CredentialReportState>;
  sessionCounter: number;
  /** sts:GetWebIdentityToken's signing key and issuer base URL (set once the server listens). */
  outboundIssuer: OutboundIssuer;
  /** KMS HMAC key material, per account, region and key id (sandbox/services/kms.ts). */
  macKeys: Map<string, Buffer>;
  /** Who hears the CloudTrail events of the write calls the sandbox applies (sandbox/changes.ts). */
  changeListeners: Set<ChangeListener>;
}

export interface CallContext {
  service: ServiceName;
  action: string;
  region: string;
  account: AccountModel;
  principal: Principal;
  model: WorldModel;
  state: ServerState;
  now: Date;
}

export type XmlHandler = (ctx: CallContext, params: QueryParams) => string;
export type JsonHandler = (ctx: CallContext, body: JsonObject) => JsonObject;
export type JsonObject = { [key: string]: unknown };

export interface Filter {
  name: string;
  values: string[];
}

/** Form parameters of an EC2 or Query request (Action=…&Version=…&Filter.1.Name=…). */
export class QueryParams {
  constructor(
    private readonly values: Map<string, string>,
    private readonly service: ServiceName,
  ) {}

  static parse(body: string, service: ServiceName, query = ''): QueryParams {
    const map = new Map<string, string>();
    for (const source of [query, body]) {
      for (const [key, value] of new URLSearchParams(source)) map.set(key, value);
    }
    return new QueryParams(map, service);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  int(name: string): number | undefined {
    const raw = this.values.get(name);
    if (raw === undefined) return undefined;
    if (!/^-?\d+$/.test(raw)) throw validationError(this.service, `Value (${raw}) for parameter ${name} is invalid. Expected an integer.`);
    return Number(raw);
  }

  bool(name: string): boolean | undefined {
    const raw = this.values.get(name);
    if (raw === undefined) return undefined;
    if (raw !== 'true' && raw !== 'false') throw validationError(this.service, `Value (${raw}) for parameter ${name} is invalid. Expected true or false.`);
    return raw === 'true';
  }

  /** `prefix.1`, `prefix.2`, … in order. */
  list(prefix: string): string[] {
    const out: Array<[number, string]> = [];
    const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)$`);
    for (const [key, value] of this.values) {
      const m = re.exec(key);
      if (m !== null) out.push([Number(m[1]), value]);
    }
    return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }

  /** EC2: Filter.N.Name / Filter.N.Value.M. RDS: Filters.Filter.N.Name / Filters.Filter.N.Values.Value.M. */
  filters(style: 'ec2' | 'rds'): Filter[] {
    const base = style === 'ec2' ? 'Filter' : 'Filters.Filter';
    const valuePrefix = style === 'ec2' ? 'Value' : 'Values.Value';
    const out: Filter[] = [];
    for (let n = 1; ; n += 1) {
      const name = this.values.get(`${base}.${n}.Name`);
      if (name === undefined) break;
      out.push({ name, values: this.list(`${base}.${n}.${valuePrefix}`) });
    }
    return out;
  }
}

/** One page of a list, with an opaque token that only this list (api, account, region) accepts. */
export function paginate<T>(ctx: CallContext, items: readonly T[], token: string | undefined, size: number | undefined): { items: T[]; next?: string } {
  const scope = `${ctx.service}:${ctx.action}:${ctx.account.id}:${ctx.region}`;
  let offset = 0;
  if (token !== undefined && token !== '') {
    try {
      const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { s?: unknown; o?: unknown };
      if (decoded.s !== scope || typeof decoded.o !== 'number' || !Number.isInteger(decoded.o) || decoded.o < 0) throw new Error('foreign token');
      offset = decoded.o;
    } catch {
      throw invalidNextTokenError(ctx.service);
    }
  }
  if (size === undefined) return { items: items.slice(offset) };
  const end = offset + size;
  const page = items.slice(offset, end);
  if (end >= items.length) return { items: page };
  return { items: page, next: Buffer.from(JSON.stringify({ s: scope, o: end })).toString('base64') };
}

export function checkRange(service: ServiceName, name: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && (value < min || value > max)) {
    throw validationError(service, `Value ( ${value} ) for parameter ${name} is invalid. Expecting a value between ${min} and ${max}.`);
  }
}

export function stringField(service: ServiceName, body: JsonObject, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw validationError(service, `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must be a string`);
  return v;
}

export function intField(service: ServiceName, body: JsonObject, name: string): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw validationError(service, `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must be an integer`);
  return v;
}

export function boolField(service: ServiceName, body: JsonObject, name: string): boolean | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw validationError(service, `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must be a boolean`);
  return v;
}


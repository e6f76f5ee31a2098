// ward.config.yml: parsed, validated against a JSON Schema, and turned into settings. Every error
// names the file, the line, the path inside the file, what was expected and what was found.

import { Ajv } from 'ajv';
import { explainSchemaErrors, formatPath, type PathSegment } from './schema-errors.js';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { UserError } from './errors.js';
import { FileTooLargeError, readFileCapped } from './read-capped.js';
import type { Thresholds } from './model.js';
import { broadness, DEFAULT_MUTE_LIMITS, latestExpiry, type MuteLimits, type MuteRule } from './mutes.js';
import configSchema from '../schemas/ward.config.schema.json' with { type: 'json' };

export interface AwsAccountConfig {
  id: string;
  name?: string;
  roleArn: string;
  externalId?: string;
}

export interface WardConfig {
  profile?: 'default' | 'hipaa-6y';
  /** Shown on reports. */
  organizationName: string;
  /** Scan every ACTIVE account of the AWS Organization (through aws.memberRole), not only those listed. */
  organization: boolean;
  thresholds: Thresholds;
  controls: { disabled: string[] };
  aws: {
    includeCurrentAccount: boolean;
    regions?: string[];
    accounts: AwsAccountConfig[];
    /** The role every member account has (deploy/member-role.yml), for organisation fan-out. */
    memberRole?: { name: string; externalId?: string };
  };
  scan: { concurrency: number; maxAttempts?: number };
  mutes: MuteRule[];
  muteLimits: MuteLimits;
  /** Present when Google Cloud is configured: the scopes to read (projects/…, folders/…, organizations/…). */
  gcp?: { scopes: string[] };
  /** Present when Azure is configured: the subscriptions to read (none listed: every one the identity can list). */
  azure?: { subscriptions?: string[] };
}

export const DEFAULT_MIN_LOG_RETENTION_DAYS = 365;
/** Six years: the documentation retention period of 45 CFR 164.316(b)(2)(i). */
export const HIPAA_6Y_RETENTION_DAYS = 2190;

/** The schema lives in schemas/ so editors can use it too (`# yaml-language-server: $schema=…`). */
export const CONFIG_SCHEMA = configSchema;

interface RawConfig {
  profile?: 'default' | 'hipaa-6y';
  organizationName?: string;
  organization?: boolean;
  thresholds?: { minLogRetentionDays?: number };
  controls?: { disabled?: string[] };
  aws?: { includeCurrentAccount?: boolean; regions?: string[]; accounts?: AwsAccountConfig[]; memberRole?: { name: string; externalId?: string } };
  scan?: { concurrency?: number; maxAttempts?: number };
  mutes?: MuteRule[];
  muteLimits?: Partial<MuteLimits>;
  gcp?: { scopes: string[] };
  azure?: { subscriptions?: string[] };
}

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false });
const validate = ajv.compile<RawConfig>(CONFIG_SCHEMA);

/** A validation problem located in the source file. */
export interface ConfigProblem {
  path: string;
  line?: number;
  column?: number;
  text: string;
}

export class ConfigError extends UserError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      [`${file} is not valid; nothing was scanned or written:`, ...problems.map((p) => `  ${file}${p.line === undefined ? '' : `:${p.line}:${p.column ?? 1}`}: ${p.path}: ${p.text}`)].join('\n'),
    );
  }
}

function applyDefaults(raw: RawConfig): WardConfig {
  const profileDays = raw.profile === 'hipaa-6y' ? HIPAA_6Y_RETENTION_DAYS : DEFAULT_MIN_LOG_RETENTION_DAYS;
  const config: WardConfig = {
    organizationName: raw.organizationName ?? 'Your organisation',
    organization: raw.organization ?? false,
    thresholds: { minLogRetentionDays: raw.thresholds?.minLogRetentionDays ?? profileDays },
    controls: { disabled: raw.controls?.disabled ?? [] },
    aws: { includeCurrentAccount: raw.aws?.includeCurrentAccount ?? true, accounts: raw.aws?.accounts ?? [] },
    scan: { concurrency: raw.scan?.concurrency ?? 32 },
    mutes: raw.mutes ?? [],
    muteLimits: { ...DEFAULT_MUTE_LIMITS, ...raw.muteLimits },
  };
  if (raw.profile !== undefined) config.profile = raw.profile;
  if (raw.aws?.regions !== undefined) config.aws.regions = raw.aws.regions;
  if (raw.aws?.memberRole !== undefined) config.aws.memberRole = raw.aws.memberRole;
  if (raw.scan?.maxAttempts !== undefined) config.scan.maxAttempts = raw.scan.maxAttempts;
  if (raw.gcp !== undefined) config.gcp = raw.gcp;
  if (raw.azure !== undefined) config.azure = raw.azure;
  return config;
}

/** Checks that JSON Schema cannot express: duplicates, and ids that contradict each other. */
function crossCheck(config: RawConfig, knownControls: readonly string[], today: Date): Array<{ path: PathSegment[]; text: string }> {
  const problems: Array<{ path: PathSegment[]; text: string }> = [];
  if (config.organization === true && config.aws?.memberRole === undefined) {
    problems.push({ path: ['organization'], text: 'expected aws.memberRole (the role name every member account has) when organization is true, found none' });
  }
  const seen = new Map<string, number>();
  (config.aws?.accounts ?? []).forEach((account, i) => {
    const arnAccount = account.roleArn.split(':')[4];
    if (arnAccount !== account.id) {
      problems.push({ path: ['aws', 'accounts', i, 'roleArn'], text: `expected a role in account ${account.id} (the entry's id), found a role in account ${arnAccount ?? '?'}` });
    }
    const first = seen.get(account.id);
    if (first !== undefined) problems.push({ path: ['aws', 'accounts', i, 'id'], text: `account ${account.id} is already listed at aws.accounts[${first}]` });
    else seen.set(account.id, i);
  });
  const maxDays = config.muteLimits?.maxDays ?? DEFAULT_MUTE_LIMITS.maxDays;
  const latest = latestExpiry(today, { maxDays });
  (config.mutes ?? []).forEach((mute, i) => {
    const day = new Date(`${mute.expires}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== mute.expires) {
      problems.push({ path: ['mutes', i, 'expires'], text: `expected a real calendar date, found "${mute.expires}"` });
    } else if (mute.expires > latest) {
      problems.push({
        path: ['mutes', i, 'expires'],
        text: `expected a date no later than ${latest} (at most ${maxDays} days ahead; muteLimits.maxDays), found ${mute.expires}: renew accepted risks instead of muting for ever`,
      });
    }
    const broad = broadness(mute);
    if (broad.length > 0 && mute.broad !== true) {
      problems.push({ path: ['mutes', i], text: `this mute matches ${broad.join(' and ')}; narrow it (controls, resources or tags) or add \`broad: true\` to say that is intended` });
    }
    (mute.controls ?? []).forEach((id, j) => {
      if (!id.includes('*') && !knownControls.includes(id)) problems.push({ path: ['mutes', i, 'controls', j], text: `expected a known control id, found "${id}"` });
    });
  });
  (config.controls?.disabled ?? []).forEach((id, i) => {
    if (!knownControls.includes(id)) problems.push({ path: ['controls', 'disabled', i], text: `expected a known control id, found "${id}" (see \`ward controls\`)` });
  });
  return problems;
}

/** Largest configuration file Ward reads; a real one (1,000 accounts, hundreds of mutes) is well under 1 MiB. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** YAML aliases per document: enough for anchors shared by mutes, far too few for an alias bomb. */
export const MAX_CONFIG_ALIASES = 100;

const tooLarge = (file: string): UserError =>
  new UserError(`${file} is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB, Ward's limit for a configuration file; nothing was scanned or written. Fix: remove what does not belong in it.`);

export function parseConfig(text: string, file: string, knownControls: readonly string[], today: Date = new Date()): WardConfig {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
    throw tooLarge(file);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const locate = (path: readonly PathSegment[]): Pick<ConfigProblem, 'line' | 'column'> => {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range !== undefined && node.range !== null) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return { line, column: col };
      }
    }
    return {};
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { path: '(YAML syntax)', line, column: col, text: e.message.split('\n')[0] ?? e.message };
      }),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_CONFIG_ALIASES }) ?? {};
  } catch (error) {
    if (/alias/i.test((error as Error).message)) {
      throw new UserError(
        `${file} uses YAML aliases (*name) more than ${MAX_CONFIG_ALIASES} times or nests them (excessive alias count); nothing was scanned or written. Fix: write the values out instead of expanding aliases.`,
      );
    }
    throw error;
  }
  if (!validate(raw)) {
    const problems = explainSchemaErrors(validate.errors ?? [], raw).map(({ path, text }) => ({ path: formatPath(path), ...locate(path), text }));
    throw new ConfigError(file, problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  }
  const cross = crossCheck(raw, knownControls, today);
  if (cross.length > 0) {
    const located = cross.map((p) => ({ path: formatPath(p.path), ...locate(p.path), text: p.text }));
    throw new ConfigError(file, located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  }
  return applyDefaults(raw);
}

/**
 * Reads the file if it exists; with no file, the defaults apply (scan the current account). Read with
 * a cap, so `--config /dev/zero` (or a FIFO, or a huge file) is refused, not hung on.
 */
export function loadConfig(file: string, required: boolean, knownControls: readonly string[]): WardConfig {
  let text: string;
  try {
    text = readFileCapped(file, MAX_CONFIG_BYTES).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return applyDefaults({});
    if (error instanceof FileTooLargeError) throw tooLarge(file);
    throw new UserError(`Cannot read configuration ${file}: ${(error as Error).message}. Fix: check the --config path.`);
  }
  return parseConfig(text, file, knownControls);
}

// What every Lambda handler shares: configuration, the store, the Slack webhook from SSM, and a
// log line format. Loaded once per container, never logged.

import { CONTROL_IDS } from '../checks/index.js';
import { loadConfig, type WardConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import type { ScanStore } from '../core/store/scans.js';
import { openStore } from '../app/store.js';
import { withLastingLinks } from '../app/lasting-links.js';

export interface LambdaContext {
  getRemainingTimeInMillis?(): number;
  awsRequestId?: string;
  invokedFunctionArn?: string;
}

/**
 * Fills `{accountId}` in a configured name from the function's own ARN: the template carries
 * plain strings, so the same settings work deployed and under `sls invoke local`.
 */
export function withAccount(value: string, context: LambdaContext | undefined, name?: string): string {
  if (!value.includes('{accountId}')) return value;
  const account = context?.invokedFunctionArn?.split(':')[4];
  if (account === undefined || !/^\d{12}$/.test(account)) {
    const variable = name === undefined ? 'the variable' : name;
    const fix = name === undefined ? '' : ` (sls invoke local: -e ${name}=${value.replaceAll('{accountId}', '123456789012')}, or -e ${name}=none where that turns it off)`;
    throw new UserError(`${name === undefined ? '' : `${name}=`}${value} needs the account id, which comes from the function ARN; set ${variable} to a full value when running outside Lambda${fix}.`);
  }
  return value.replaceAll('{accountId}', account);
}

/**
 * An environment variable, with `{accountId}` filled in. Unset, empty or `none` is undefined, so
 * `sls invoke local -e WARD_SCAN_QUEUE_URL=none` turns a setting off (empty overrides are ignored).
 */
export function setting(name: string, context: LambdaContext | undefined): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' || value === 'none' ? undefined : withAccount(value, context, name);
}

/** Stop starting new reads when less than this is left: enough to judge, store and hand over. */
export const TIME_MARGIN_MS = 120_000;

export function keepGoingFor(context: LambdaContext | undefined): (() => boolean) | undefined {
  const remaining = context?.getRemainingTimeInMillis;
  if (remaining === undefined) return undefined;
  return () => remaining.call(context) > TIME_MARGIN_MS;
}

let cachedConfig: WardConfig | undefined;
export function config(): WardConfig {
  cachedConfig ??= loadConfig(process.env['WARD_CONFIG'] ?? 'ward.config.yml', false, CONTROL_IDS);
  return cachedConfig;
}

/** The store itself: its download links are plain pre-signed URLs (the download function's own door). */
export function directStore(context?: LambdaContext): ScanStore {
  const location = setting('WARD_STORE', context);
  if (location === undefined) throw new UserError('WARD_STORE is not set: the functions need the store location (s3://bucket/prefix).');
  return openStore(location);
}

/**
 * The store, whose download links last as long as they say: with a download function configured
 * (WARD_DOWNLOAD_LINK_KEY_ID, and WARD_DOWNLOAD_URL or the SSM parameter WARD_DOWNLOAD_URL_PARAMETER
 * names), a link is the function's URL with a KMS-signed token. Without one, a pre-signed URL, which
 * stops working when the credentials that signed it expire.
 */
export function store(context?: LambdaContext): ScanStore {
  const direct = directStore(context);
  const keyId = setting('WARD_DOWNLOAD_LINK_KEY_ID', context);
  const url = setting('WARD_DOWNLOAD_URL', context);
  const parameter = setting('WARD_DOWNLOAD_URL_PARAMETER', context);
  if (keyId === undefined || (url === undefined && parameter === undefined)) return direct;
  const downloadUrl = url !== undefined ? () => Promise.resolve(url) : () => downloadUrlFrom(parameter ?? '');
  return withLastingLinks(direct, keyId, downloadUrl);
}

let cachedDownloadUrl: Promise<string> | undefined;
function downloadUrlFrom(parameter: string): Promise<string> {
  cachedDownloadUrl ??= ssmParameter(parameter, false).then((value) => {
    if (value === undefined || !value.startsWith('https://')) throw new Error(`SSM parameter ${parameter} holds no https download URL`);
    return value;
  });
  // A failed look-up is tried again by the next link, not remembered for the container's life.
  cachedDownloadUrl.catch(() => (cachedDownloadUrl = undefined));
  return cachedDownloadUrl;
}

async function ssmParameter(name: string, decrypt: boolean): Promise<string | undefined> {
  // Loaded here, not at import: every cold start compiles what is imported.
  const { GetParameterCommand, SSMClient } = await import('@aws-sdk/client-ssm');
  const ssm = new SSMClient({});
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: decrypt }));
    return Parameter?.Value;
  } finally {
    ssm.destroy();
  }
}

let cachedWebhook: Promise<string | undefined> | undefined;
/** The webhook URL: WARD_SLACK_WEBHOOK_URL, else the SSM SecureString named by WARD_SLACK_WEBHOOK_PARAMETER. */
export function slackWebhook(): Promise<string | undefined> {
  cachedWebhook ??= (async () => {
    const direct = process.env['WARD_SLACK_WEBHOOK_URL'];
    if (direct !== undefined && direct !== '') return direct;
    const name = setting('WARD_SLACK_WEBHOOK_PARAMETER', undefined);
    if (name === undefined) return undefined;
    return ssmParameter(name, true);
  })();
  return cachedWebhook;
}

/** One JSON line per event; callers pass only what is safe to log (never the webhook or keys). */
export function log(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ level: 'info', event, ...fields })}\n`);
}

/** Test hook: forget what was loaded for this container. */
export function resetRuntime(): void {
  cachedConfig = undefined;
  cachedWebhook = undefined;
  cachedDownloadUrl = undefined;
}

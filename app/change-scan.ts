// Change-driven scans (issue 18): CloudTrail says something changed, so re-judge just that. A batch of
// EventBridge events (an SQS batch: a Terraform apply's burst arrives together) becomes one targeted
// read per resource, one partial scan document, one lifecycle step that can touch nothing but what was
// read, and one run with the run-digest's rules — one Slack message per batch.

import { selectControls } from '../checks/index.js';
import { affectedBy, CLOUDTRAIL_DETAIL_TYPE, type CloudTrailDetail } from '../core/change-events.js';
import type { WardConfig } from '../core/config.js';
import { judgeChanges, type ChangeScope } from '../core/change-judge.js';
import { compareFindings, GLOBAL_REGION, scopeError, type ReadFailure } from '../core/engine.js';
import { newScanId } from '../core/ids.js';
import type { ApiMetrics } from '../core/metrics.js';
import type { CoverageGap, Finding, PartialScope, ScanDocument, ScannedTarget, ScanRunner } from '../core/model.js';
import { applyMutes } from '../core/mutes.js';
import { currentRunner } from '../core/runner.js';
import type { RecordOutcome, ScanStore } from '../core/store/scans.js';
import { WARD_VERSION } from '../core/version.js';
import type { DigestOutcome } from '../alerts/run-digest.js';
import { announceScan } from './announce.js';
import { awsOptions } from './scan.js';
import { ACCOUNT_ID_PATTERNS, derivedAwsTarget } from './target-trust.js';

/** One EventBridge "AWS API Call via CloudTrail" event, checked. */
export interface ChangeEvent {
  id: string;
  /** The account the change happened in. */
  account: string;
  region: string;
  time: string;
  detail: CloudTrailDetail;
}

export class InvalidChangeEventError extends Error {
  override readonly name = 'InvalidChangeEventError';
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The event, if it is a CloudTrail API-call event EventBridge delivered; throws InvalidChangeEventError otherwise. */
export function parseChangeEvent(value: unknown): ChangeEvent {
  const bad = (why: string) => new InvalidChangeEventError(`not a CloudTrail change event: ${why}. Expected an EventBridge event with "detail-type": "${CLOUDTRAIL_DETAIL_TYPE}".`);
  if (!isObject(value)) throw bad('not a JSON object');
  if (value['detail-type'] !== CLOUDTRAIL_DETAIL_TYPE) throw bad(`detail-type is ${JSON.stringify(value['detail-type'] ?? null)}`);
  const { id, account, region, time, detail } = value;
  if (typeof account !== 'string' || !ACCOUNT_ID_PATTERNS.aws.test(account)) throw bad(`account ${JSON.stringify(account ?? null)} is not a 12-digit AWS account id`);
  if (typeof region !== 'string' || !REGION.test(region)) throw bad(`region ${JSON.stringify(region ?? null)} is not an AWS region`);
  if (!isObject(detail) || typeof detail['eventSource'] !== 'string' || typeof detail['eventName'] !== 'string') throw bad('detail has no eventSource and eventName');
  const awsRegion = detail['awsRegion'];
  return {
    id: typeof id === 'string' ? id : '(no id)',
    account,
    region: typeof awsRegion === 'string' && REGION.test(awsRegion) ? awsRegion : region,
    time: typeof time === 'string' ? time : '',
    detail: detail as unknown as CloudTrailDetail,
  };
}

/** The coalesced work of a batch: per account, each control's scope once, with the union of its resources. */
export function planChangeScopes(events: readonly ChangeEvent[], config: Pick<WardConfig, 'controls' | 'aws'>): Map<string, ChangeScope[]> {
  const controls = selectControls({ disabled: config.controls.disabled, providers: ['aws'] });
  const byKey = new Map<string, ChangeScope & { account: string }>();
  for (const event of events) {
    if (event.detail.errorCode !== undefined) continue;
    for (const control of controls) {
      const affected = affectedBy(control, event.detail);
      if (affected === undefined) continue;
      const region = control.scope === 'account' ? GLOBAL_REGION : event.region;
      if (region !== GLOBAL_REGION && config.aws.regions !== undefined && !config.aws.regions.includes(region)) continue;
      const key = `${event.account}|${control.id}|${region}`;
      const existing = byKey.get(key);
      if (existing === undefined) {
        byKey.set(key, { account: event.account, control, region, ...affected });
      } else if (existing.resourceIds !== undefined) {
        // One event needing the whole scope makes the whole scope the read.
        if (affected.resourceIds === undefined) byKey.set(key, { account: event.account, control, region });
        else existing.resourceIds = [...new Set([...existing.resourceIds, ...affected.resourceIds])];
      }
    }
  }
  const plan = new Map<string, ChangeScope[]>();
  for (const { account, ...scope } of byKey.values()) {
    const list = plan.get(account);
    if (list === undefined) plan.set(account, [scope]);
    else list.push(scope);
  }
  return plan;
}

export interface ChangeScanRequest {
  config: WardConfig;
  events: readonly ChangeEvent[];
  store: ScanStore;
  /** The account Ward runs in (its own account is read with its own role). */
  homeAccount: string | undefined;
  webhookUrl: string | undefined;
  awsEndpoint?: string;
  metrics?: ApiMetrics;
  runner?: ScanRunner;
  now?: () => Date;
}

export interface ChangeScanOutcome {
  /** Undefined when no event of the batch concerned an enabled control in a configured account. */
  scan?: ScanDocument;
  recorded?: RecordOutcome;
  alerts?: DigestOutcome;
  /** Accounts whose events were ignored: not covered by the configuration. */
  ignoredAccounts: string[];
}

/** Reads, judges, records and announces one batch of change events. */
export async function changeScan(request: ChangeScanRequest): Promise<ChangeScanOutcome> {
  const { config } = request;
  const now = request.now ?? (() => new Date());
  const plan = planChangeScopes(request.events, config);
  const ignoredAccounts: string[] = [];
  const refs = [...plan.keys()].flatMap((account) => {
    const derived = derivedAwsTarget(config, account, request.homeAccount);
    if (derived === undefined) {
      ignoredAccounts.push(account);
      return [];
    }
    const name = config.aws.accounts.find((a) => a.id === account)?.name;
    return [{ ...(derived === 'home' ? { provider: 'aws' as const, account } : derived), ...(name === undefined ? {} : { name }) }];
  });
  if (refs.length === 0) return { ignoredAccounts };

  const startedAt = now();
  const { awsPlan } = await import('../providers/aws/provider.js');
  const aws = awsOptions(config, request);
  const results: Finding[] = [];
  const coverage: CoverageGap[] = [];
  const partial: PartialScope[] = [];
  const targets: ScannedTarget[] = [];
  await Promise.all(
    awsPlan(refs, aws).targets.map(async (target) => {
      const scopes = plan.get(target.account) ?? [];
      const regions = [...new Set(scopes.map((s) => s.region).filter((r) => r !== GLOBAL_REGION))].sort();
      targets.push({ provider: 'aws', account: target.account, ...(target.name === undefined ? {} : { name: target.name }), regions, disabledRegions: [] });
      const opening = await target.open();
      if (!opening.ok) {
        const failure: ReadFailure = opening.failure;
        for (const scope of scopes) {
          results.push(scopeError(scope.control, { provider: 'aws', account: target.account, region: scope.region, thresholds: config.thresholds }, failure));
          partial.push({ controlId: scope.control.id, account: target.account, region: scope.region, ...(scope.resourceIds === undefined ? {} : { resourceIds: scope.resourceIds }) });
        }
        coverage.push({ provider: 'aws', account: target.account, region: regions.join(',') || GLOBAL_REGION, ...failure, controls: [...new Set(scopes.map((s) => s.control.id))] });
        return;
      }
      const session = opening.session;
      try {
        const judged = await judgeChanges(session, scopes, { thresholds: config.thresholds, now });
        results.push(...judged.findings);
        coverage.push(...judged.gaps);
        partial.push(...judged.scopes);
        const scanned = targets.find((t) => t.account === target.account);
        if (scanned !== undefined && session.identity !== undefined) scanned.identity = session.identity;
      } finally {
        session.close();
      }
    }),
  );
  const judged: ScanDocument = {
    schemaVersion: 1,
    scanId: newScanId(startedAt),
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    wardVersion: WARD_VERSION,
    thresholds: config.thresholds,
    controls: [...new Set(partial.map((p) => p.controlId))].sort(),
    targets: targets.sort((a, b) => a.account.localeCompare(b.account)),
    coverage,
    results: results.sort(compareFindings),
    runner: request.runner ?? currentRunner(),
    partial,
  };
  const { scan } = applyMutes(judged, config.mutes, new Date(judged.finishedAt));
  const recorded = await request.store.recordChangeScan(scan);
  const alerts = await announceScan(request.store, scan, request.webhookUrl);
  return { scan, recorded, alerts, ignoredAccounts };
}

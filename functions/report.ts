// Lambda `report`: Monday 08:00 UTC, the evidence for the week that just ended — PDF, JSON, CSV and a
// KMS-signed, hash-chained bundle under Object Lock — and a Slack message with a download link.

import { KMSClient } from '@aws-sdk/client-kms';
import { deliverToSlack } from '../alerts/slack-delivery.js';
import { renderWeeklySummary } from '../alerts/weekly-summary.js';
import { KmsEvidenceSigner } from '../reports/signing-kms.js';
import { hmacSignerFrom, type EvidenceSigner } from '../reports/signing.js';
import { isoWeekOf, parseIsoWeek } from '../reports/week.js';
import { buildWeeklyEvidence } from '../reports/weekly.js';
import { VERIFY_PAGE_KEY } from '../reports/html/verify-page.js';
import { config, log, setting, slackWebhook, store, type LambdaContext } from './runtime.js';

/** The Slack link lasts a week (through the download function in AWS: README, Download links that last). */
const LINK_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

export interface ReportResponse {
  week: string;
  pages: number;
  findings: number;
  keys: Record<string, string>;
  slack: 'delivered' | 'failed' | 'no-channel';
}

/** `{ "week": "2026-W47" }` on demand; a scheduled run reports the ISO week that just ended. */
export function weekFor(event: unknown, now: Date): string {
  const requested = typeof event === 'object' && event !== null && 'week' in event ? (event as { week: unknown }).week : undefined;
  if (requested !== undefined) {
    if (typeof requested !== 'string') throw new Error('Invalid report payload: "week" must be a string such as 2026-W47.');
    return parseIsoWeek(requested).id;
  }
  return isoWeekOf(new Date(now.getTime() - 7 * DAY_MS)).id;
}

function signer(context: LambdaContext | undefined): EvidenceSigner | undefined {
  const keyId = setting('WARD_EVIDENCE_KMS_KEY_ID', context);
  if (keyId !== undefined) return new KmsEvidenceSigner(new KMSClient({}), keyId);
  return hmacSignerFrom();
}

export async function handler(event: unknown, context?: LambdaContext): Promise<ReportResponse> {
  const now = new Date();
  const week = weekFor(event, now);
  const settings = config();
  const results = store(context);
  const evidenceSigner = signer(context);
  const evidence = await buildWeeklyEvidence(results, {
    week,
    organization: settings.organizationName,
    mutes: settings.mutes,
    muteWarnShare: settings.muteLimits.warnShare,
    now,
    ...(evidenceSigner === undefined ? {} : { signer: evidenceSigner }),
  });
  const webhook = await slackWebhook();
  let slack: ReportResponse['slack'] = 'no-channel';
  if (webhook !== undefined) {
    // Made only for Slack: a lasting link asks SSM and KMS, which a run without a channel need not reach.
    // The message carries the bundle and verify.html beside the bundles (the report wrote it).
    const link = await results.blobs.downloadLink(evidence.keys.bundle, LINK_DAYS * 24 * 3600);
    const verifyLink = await results.blobs.downloadLink(VERIFY_PAGE_KEY, LINK_DAYS * 24 * 3600);
    const message = renderWeeklySummary({ organization: settings.organizationName, week, pages: evidence.pages, findings: evidence.findings, link, verifyLink, linkExpiresInDays: LINK_DAYS });
    slack = (await deliverToSlack(webhook, message)).delivered ? 'delivered' : 'failed';
  }
  // The link is a bearer credential for the bundle: it goes to Slack, never to the logs.
  log('report.done', { week, pages: evidence.pages, findings: evidence.findings, slack });
  return { week, pages: evidence.pages, findings: evidence.findings, keys: { ...evidence.keys }, slack };
}

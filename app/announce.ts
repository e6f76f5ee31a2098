// The doors' shared way to announce a run: the CLI, `npm start` and the Lambda handlers build the
// same digest options (account names, the week's report link) and call alerts/run-digest.ts.

import { announceRun, finishTargets, sweepRuns, type DigestOptions, type DigestOutcome, type SweepOutcome } from '../alerts/run-digest.js';
import type { ScanDocument } from '../core/model.js';
import { RunStore, targetKey } from '../core/store/runs.js';
import type { ScanStore } from '../core/store/scans.js';

/** The week's report is what the message points to; its link lasts a week (README, Download links that last). */
const REPORT_LINK_SECONDS = 7 * 24 * 3600;

/** The latest weekly report in the store, as a link (a path locally, a lasting link or a pre-signed URL on S3). */
export async function latestReportLink(store: ScanStore): Promise<string | undefined> {
  const reports = (await store.blobs.list('reports/')).filter((k) => k.endsWith('/report.pdf'));
  const latest = reports.at(-1);
  return latest === undefined ? undefined : store.blobs.downloadLink(latest, REPORT_LINK_SECONDS);
}

export function targetsOf(scan: Pick<ScanDocument, 'targets'>): { keys: string[]; names: Record<string, string> } {
  const names: Record<string, string> = {};
  for (const t of scan.targets) if (t.name !== undefined && t.name !== '') names[targetKey(t)] = t.name;
  return { keys: scan.targets.map(targetKey), names };
}

type Extra = Omit<DigestOptions, 'webhookUrl' | 'reportLink'>;

async function optionsFor(store: ScanStore, webhookUrl: string | undefined, extra: Extra): Promise<DigestOptions> {
  const reportLink = webhookUrl === undefined || webhookUrl === '' ? undefined : await latestReportLink(store);
  return { webhookUrl, ...extra, ...(reportLink === undefined ? {} : { reportLink }) };
}

/** A scan that is a run of its own (a CLI scan, an inline Lambda scan): one message. */
export async function announceScan(store: ScanStore, scan: Pick<ScanDocument, 'scanId' | 'targets'>, webhookUrl: string | undefined, extra: Extra = {}): Promise<DigestOutcome> {
  const { keys, names } = targetsOf(scan);
  return announceRun(store, scan.scanId, keys, { ...(await optionsFor(store, webhookUrl, extra)), names });
}

/** A fan-out target has finished: the last one of its run sends the run's message. */
export async function announceTarget(store: ScanStore, runId: string, target: string, webhookUrl: string | undefined, extra: Extra = {}): Promise<DigestOutcome> {
  const options = await optionsFor(store, webhookUrl, extra);
  // A message from before runs were recorded (or whose run record was lost): a run of its own.
  if ((await new RunStore(store.blobs, extra.now).load(runId)) === undefined) return announceRun(store, runId, [target], options);
  return finishTargets(store, runId, [target], options);
}

export async function sweep(store: ScanStore, webhookUrl: string | undefined, extra: Extra = {}): Promise<SweepOutcome[]> {
  return sweepRuns(store, await optionsFor(store, webhookUrl, extra));
}

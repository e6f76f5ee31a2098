// The weekly job: report.pdf, report.json and report.csv for an ISO week, written into the store
// under reports/<week>/, then the evidence bundle bundles/<week>.zip (with its manifest, chained to
// the previous week's, and signed when a signer is given) and the manifest copy beside it.
// `npm start`, `ward report` and the weekly Lambda all call `buildWeeklyEvidence`.

import { PassThrough } from 'node:stream';
import { UserError } from '../core/errors.js';
import type { MuteRule } from '../core/mutes.js';
import type { ScanStore } from '../core/store/scans.js';
import { scanKey } from '../core/store/scans.js';
import { bundleKey, BundleWriter, chainLinkFor, CHECKSUMS_NAME, sha256sums, manifestKey, MANIFEST_KIND, MANIFEST_SCHEMA_VERSION, type Manifest } from './bundle.js';
import { restoreManifestCopies } from './chain-repair.js';
import { reportCsvStream } from './csv.js';
import { collectReportData, TextArena, type ReportData } from './data.js';
import { reportJsonStream } from './json.js';
import { preloadFonts, type FontFiles } from './pdf/fonts.js';
import { renderReportPdf } from './pdf/render.js';
import type { EvidenceSigner } from './signing.js';
import { isoWeekOf, parseIsoWeek, type IsoWeek } from './week.js';
import { addReportPage } from './html/report-page.js';
import { addVerifyPage } from './html/verify-page.js';

export interface WeeklyEvidenceOptions {
  /** `2026-W47`; default: the current ISO week (UTC) at `now`. */
  week?: string;
  organization: string;
  /** The configuration's mutes, for the report's mutes section. */
  mutes: MuteRule[];
  /** muteLimits.warnShare from the configuration. */
  muteWarnShare?: number;
  signer?: EvidenceSigner;
  now?: Date;
  fonts?: FontFiles;
  /** Called as each stage finishes, with its duration in seconds. */
  onStage?: (stage: WeeklyStage, seconds: number) => void;
}

export type WeeklyStage = 'collect' | 'pdf' | 'json' | 'csv' | 'bundle';

export interface WeeklyEvidenceKeys {
  pdf: string;
  json: string;
  csv: string;
  bundle: string;
  manifest: string;
}

export interface WeeklyEvidence {
  week: string;
  keys: WeeklyEvidenceKeys;
  /** Pages of report.pdf. */
  pages: number;
  /** Findings in report.json / report.csv. */
  findings: number;
  /** Where the store is, for messages. */
  location: string;
}

export const reportKeys = (week: string): Pick<WeeklyEvidenceKeys, 'pdf' | 'json' | 'csv'> => ({
  pdf: `reports/${week}/report.pdf`,
  json: `reports/${week}/report.json`,
  csv: `reports/${week}/report.csv`,
});

export function resolveWeek(week: string | undefined, now: Date): IsoWeek {
  return week === undefined ? isoWeekOf(now) : parseIsoWeek(week);
}

/** In a function of its own, so that the document and its fonts can be collected once written. */
async function writePdf(bundle: BundleWriter, key: string, data: ReportData, fonts: FontFiles | undefined): Promise<number> {
  const out = new PassThrough();
  const [{ pages }] = await Promise.all([renderReportPdf(data, out, fonts === undefined ? {} : { fonts }), bundle.addStreamed('report.pdf', key, out, { compress: false })]);
  return pages;
}

function releaseRows(data: ReportData): void {
  for (const c of data.controls) c.failing = [];
  data.errors = [];
  data.notAssessable = [];
  data.texts = new TextArena();
}

function countFindings(data: ReportData): number {
  let n = 0;
  for (const s of Object.values(data.totals.results)) n += s;
  return n + data.resolvedAbsent.length;
}

export async function buildWeeklyEvidence(store: ScanStore, options: WeeklyEvidenceOptions): Promise<WeeklyEvidence> {
  const now = options.now ?? new Date();
  const week = resolveWeek(options.week, now);
  // A week that has not started has nothing to report, and its bundle would join the hash chain ahead
  // of the weeks before it, which could then no longer be rebuilt.
  if (week.start.getTime() > now.getTime()) {
    throw new UserError(`Week ${week.id} has not started yet (it starts ${week.start.toISOString().slice(0, 10)}); its report cannot be written before then. Fix: give a week that has started, e.g. --week ${isoWeekOf(now).id}.`);
  }
  const stage = (name: WeeklyStage, started: number) => options.onStage?.(name, (performance.now() - started) / 1000);
  const blobs = store.blobs;
  // Before any work: a bundle left without its manifest copy by a crash gets it back, and
  // rebuilding a week a later bundle chains to is refused.
  await restoreManifestCopies(blobs);
  const link = await chainLinkFor(blobs, week.id);

  let t = performance.now();
  preloadFonts(options.fonts);
  const data = await collectReportData(store, { week, organization: options.organization, mutes: options.mutes, now, ...(options.muteWarnShare === undefined ? {} : { muteWarnShare: options.muteWarnShare }) });
  stage('collect', t);

  const keys: WeeklyEvidenceKeys = { ...reportKeys(week.id), bundle: bundleKey(week.id), manifest: manifestKey(week.id) };
  // Each report goes into the store and into the bundle in the same pass.
  const bundle = new BundleWriter(blobs, keys.bundle, now);
  let pages: number;
  try {
    t = performance.now();
    pages = await writePdf(bundle, keys.pdf, data, options.fonts);
    // The rows were for the PDF; JSON and CSV stream the findings again from the store.
    releaseRows(data);
    stage('pdf', t);

    t = performance.now();
    await bundle.addStreamed('report.json', keys.json, reportJsonStream(store, data), { compress: true });
    stage('json', t);

    t = performance.now();
    await bundle.addStreamed('report.csv', keys.csv, reportCsvStream(store, data), { compress: true });
    stage('csv', t);

    await addReportPage(bundle, blobs, keys.json, week.id, options.organization);

    t = performance.now();
    await Promise.all(data.scans.map((scan) => bundle.addStored(scanKey(scan.scanId), scanKey(scan.scanId))));
    await addVerifyPage(bundle, blobs);
    bundle.addBuffer(CHECKSUMS_NAME, sha256sums(bundle.manifestFiles));
    const manifest: Manifest = {
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      kind: MANIFEST_KIND,
      week: week.id,
      period: { start: week.start.toISOString(), end: week.end.toISOString() },
      organization: options.organization,
      generator: { name: 'ward', version: data.wardVersion },
      createdAt: now.toISOString(),
      previous: link.previous,
      previousWeek: link.previousWeek,
      files: bundle.manifestFiles.map(({ path, sha256, size }) => ({ path, sha256, size })),
    };
    await bundle.seal(manifest, options.signer, keys.manifest);
    stage('bundle', t);
  } catch (error) {
    await bundle.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  return { week: week.id, keys, pages, findings: countFindings(data), location: blobs.location };
}

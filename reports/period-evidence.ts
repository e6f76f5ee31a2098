// `ward report --from DATE --to DATE`: the audit-period report as PDF, JSON and CSV under
// reports/periods/<from>_<to>/, and its bundle bundles/periods/<from>_<to>.zip. The bundle holds the
// weekly manifests of the weeks the period covers (weekly/<week>.manifest.json), and its manifest lists
// their SHA-256 digests, so the period's evidence chains to the weekly bundles (and their hash chain).
// Period bundles are not links of the weekly chain: rebuilding one never blocks a weekly report.

import { Readable, PassThrough } from 'node:stream';
import type { MuteRule } from '../core/mutes.js';
import type { ScanStore } from '../core/store/scans.js';
import { BundleWriter, CHECKSUMS_NAME, manifestKey, PERIOD_MANIFEST_KIND, sha256Hex, sha256sums, type PeriodManifest } from './bundle.js';
import { csvRow } from './csv.js';
import { collectPeriodData, parsePeriod, type PeriodData } from './period.js';
import { preloadFonts, type FontFiles } from './pdf/fonts.js';
import { renderPeriodPdf } from './pdf/period.js';
import type { EvidenceSigner } from './signing.js';
import { isoWeekOf, shiftWeek } from './week.js';
import { addVerifyPage } from './html/verify-page.js';
import { addPeriodReportPage } from './html/report-page.js';

export const PERIOD_REPORT_KIND = 'ward.period-report';

export interface PeriodEvidenceOptions {
  from: string;
  to: string;
  organization: string;
  mutes: readonly MuteRule[];
  signer?: EvidenceSigner;
  now?: Date;
  fonts?: FontFiles;
  onStage?: (stage: 'collect' | 'pdf' | 'bundle', seconds: number) => void;
}

export interface PeriodEvidence {
  id: string;
  keys: { pdf: string; json: string; csv: string; bundle: string; manifest: string };
  pages: number;
  data: PeriodData;
  location: string;
}

export const periodKeys = (id: string): PeriodEvidence['keys'] => ({
  pdf: `reports/periods/${id}/report.pdf`,
  json: `reports/periods/${id}/report.json`,
  csv: `reports/periods/${id}/report.csv`,
  bundle: `bundles/periods/${id}.zip`,
  manifest: `bundles/periods/${id}.manifest.json`,
});

export function periodReportJson(data: PeriodData): string {
  const { period, ...rest } = data;
  return `${JSON.stringify(
    {
      schemaVersion: 1,
      kind: PERIOD_REPORT_KIND,
      generator: { name: 'ward', version: data.wardVersion },
      period: { from: period.from, to: period.to, start: period.start.toISOString(), end: period.end.toISOString(), inProgress: data.inProgress },
      ...rest,
    },
    null,
    2,
  )}\n`;
}

export const PERIOD_CSV_COLUMNS = ['finding_id', 'kind', 'control_id', 'severity', 'provider', 'account', 'region', 'resource', 'opened_at', 'resolved_at', 'days', 'status_at_end'] as const;

/** One row per finding remediated in the period (days: time to remediate) or open at its end (days: age). */
export function periodCsv(data: PeriodData): string {
  let out = `\uFEFF${csvRow([...PERIOD_CSV_COLUMNS])}`;
  for (const r of data.remediated) out += csvRow([r.id, 'remediated', r.controlId, r.severity, r.provider, r.account, r.region, r.resource, r.openedAt, r.resolvedAt, r.days, 'resolved']);
  for (const o of data.openAtEnd) out += csvRow([o.id, 'open-at-end', o.controlId, o.severity, o.provider, o.account, o.region, o.resource, o.openedAt, '', o.ageDays, o.status]);
  return out;
}

/** Every ISO week the period overlaps, oldest first. */
function weeksOf(start: Date, end: Date): string[] {
  const weeks: string[] = [];
  for (let w = isoWeekOf(start); w.start < end; w = shiftWeek(w, 1)) weeks.push(w.id);
  return weeks;
}

export async function buildPeriodEvidence(store: ScanStore, options: PeriodEvidenceOptions): Promise<PeriodEvidence> {
  const now = options.now ?? new Date();
  const period = parsePeriod(options.from, options.to, now);
  const stage = (name: 'collect' | 'pdf' | 'bundle', started: number) => options.onStage?.(name, (performance.now() - started) / 1000);
  const blobs = store.blobs;
  let t = performance.now();
  preloadFonts(options.fonts);
  const data = await collectPeriodData(store, { period, organization: options.organization, mutes: options.mutes, now });
  stage('collect', t);

  const keys = periodKeys(period.id);
  const bundle = new BundleWriter(blobs, keys.bundle, now);
  let pages = 0;
  try {
    t = performance.now();
    const pdf = new PassThrough();
    [{ pages }] = await Promise.all([renderPeriodPdf(data, pdf, options.fonts === undefined ? {} : { fonts: options.fonts }), bundle.addStreamed('report.pdf', keys.pdf, pdf, { compress: false })]);
    stage('pdf', t);

    t = performance.now();
    await bundle.addStreamed('report.json', keys.json, Readable.from([Buffer.from(periodReportJson(data), 'utf8')]), { compress: true });
    await bundle.addStreamed('report.csv', keys.csv, Readable.from([Buffer.from(periodCsv(data), 'utf8')]), { compress: true });
    await addPeriodReportPage(bundle, blobs, keys.json, period, options.organization);
    const weeklyManifests: PeriodManifest['weeklyManifests'] = [];
    const weeksWithoutBundle: string[] = [];
    for (const week of weeksOf(period.start, period.end)) {
      const bytes = await blobs.readBytes(manifestKey(week));
      if (bytes === undefined) {
        weeksWithoutBundle.push(week);
        continue;
      }
      weeklyManifests.push({ week, sha256: sha256Hex(bytes) });
      bundle.addBuffer(`weekly/${week}.manifest.json`, bytes);
    }
    await addVerifyPage(bundle, blobs);
    bundle.addBuffer(CHECKSUMS_NAME, sha256sums(bundle.manifestFiles));
    const manifest: PeriodManifest = {
      schemaVersion: 1,
      kind: PERIOD_MANIFEST_KIND,
      period: { from: period.from, to: period.to, start: period.start.toISOString(), end: period.end.toISOString() },
      organization: options.organization,
      generator: { name: 'ward', version: data.wardVersion },
      createdAt: now.toISOString(),
      weeklyManifests,
      weeksWithoutBundle,
      files: bundle.manifestFiles.map(({ path, sha256, size }) => ({ path, sha256, size })),
    };
    await bundle.seal(manifest, options.signer, keys.manifest);
    stage('bundle', t);
  } catch (error) {
    await bundle.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  return { id: period.id, keys, pages, data, location: blobs.location };
}

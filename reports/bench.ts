// The report benchmark: a store with 100,000 findings in the report week (40 accounts × every AWS
// control, eight weeks of history with lifecycle; earlier weeks' scan summaries cached, as earlier
// weekly runs leave them), then `buildWeeklyEvidence` on it. The report runs
// in a child process so that its peak RSS is its own, not the store builder's.
//
//   import { runReportBench } from './reports/bench.js';
//   const { pdfSeconds, pdfPeakRssMb, jsonSeconds, csvSeconds, pages } = await runReportBench();
//
// Targets (2-core machine): PDF ≤ 20 s and ≤ 300 MB peak RSS; JSON and CSV streamed.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_CONTROLS } from '../checks/index.js';
import { LocalBlobStore } from '../core/store/local.js';
import { ScanStore } from '../core/store/scans.js';
import { buildSampleStore, SAMPLE_MUTES } from './fixtures.js';
import { buildWeeklyEvidence, type WeeklyStage } from './weekly.js';

export interface ReportBenchResult {
  pdfSeconds: number;
  /** Peak resident memory of the report process up to the end of the PDF (store loading included). */
  pdfPeakRssMb: number;
  jsonSeconds: number;
  csvSeconds: number;
  pages: number;
  /** Findings in the report (report.json / report.csv rows). */
  findings: number;
  collectSeconds: number;
  bundleSeconds: number;
  /** Peak resident memory of the report process over the whole run. */
  peakRssMb: number;
  setupSeconds: number;
}

export interface ReportBenchOptions {
  /** Findings in the report week (default 100,000). */
  findings?: number;
  accounts?: number;
  weeks?: number;
  /** Share of findings failing (default 0.6). */
  failRate?: number;
  /** Run the report in this process instead of a child (its RSS then includes the store build). */
  inProcess?: boolean;
  keepStore?: boolean;
}

const WEEK = '2026-W47';
const NOW = new Date('2026-11-22T23:00:00Z');
const CHILD_FLAG = '--ward-report-bench-child';

const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

interface ChildResult {
  stages: Partial<Record<WeeklyStage, number>>;
  pdfPeakRssMb: number;
  peakRssMb: number;
  pages: number;
  findings: number;
}

async function runReport(dir: string): Promise<ChildResult> {
  const stages: Partial<Record<WeeklyStage, number>> = {};
  let pdfPeak = 0;
  const store = new ScanStore(new LocalBlobStore(dir));
  const out = await buildWeeklyEvidence(store, {
    week: WEEK,
    organization: 'Benchmark Health',
    mutes: SAMPLE_MUTES,
    now: NOW,
    onStage: (stage, seconds) => {
      stages[stage] = seconds;
      if (stage === 'pdf') pdfPeak = peakRssMb();
    },
  });
  return { stages, pdfPeakRssMb: pdfPeak, peakRssMb: peakRssMb(), pages: out.pages, findings: out.findings };
}

function runChild(dir: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), CHILD_FLAG, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`report benchmark child exited with ${code}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as ChildResult);
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

export async function runReportBench(options: ReportBenchOptions = {}): Promise<ReportBenchResult> {
  const accounts = options.accounts ?? 40;
  const controls = ALL_CONTROLS.filter((c) => c.provider === 'aws').length;
  const resourcesPerControl = Math.ceil((options.findings ?? 100_000) / (accounts * controls));
  const dir = mkdtempSync(join(tmpdir(), 'ward-report-bench-'));
  try {
    const t = performance.now();
    await buildSampleStore(dir, { week: WEEK, accounts, resourcesPerControl, weeks: options.weeks ?? 8, failRate: options.failRate ?? 0.6, recordSummaries: 'history' });
    const setupSeconds = (performance.now() - t) / 1000;
    // Running the compiled file, the report runs in a child; from TypeScript sources, in process.
    const inProcess = options.inProcess === true || import.meta.url.endsWith('.ts');
    const r = inProcess ? await runReport(dir) : await runChild(dir);
    const round = (n: number | undefined) => Math.round((n ?? 0) * 100) / 100;
    return {
      pdfSeconds: round(r.stages.pdf),
      pdfPeakRssMb: Math.round(r.pdfPeakRssMb),
      jsonSeconds: round(r.stages.json),
      csvSeconds: round(r.stages.csv),
      pages: r.pages,
      findings: r.findings,
      collectSeconds: round(r.stages.collect),
      bundleSeconds: round(r.stages.bundle),
      peakRssMb: Math.round(r.peakRssMb),
      setupSeconds: round(setupSeconds),
    };
  } finally {
    if (options.keepStore !== true) rmSync(dir, { recursive: true, force: true });
  }
}

// As a child process: run the report on the given store and print one JSON line.
if (process.argv[2] === CHILD_FLAG && process.argv[3] !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runReport(process.argv[3]);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

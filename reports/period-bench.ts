// The audit-period benchmark: a year of daily scans of 100 accounts (every AWS control, a few
// resources each, failures that start and get fixed over the year), then `buildPeriodEvidence` over
// the whole year in a child process, so that its time and peak RSS are its own.
//
// The store is built the way Ward leaves it, without Ward's per-scan I/O: each day's scan document is
// judged in memory, its summary written as recordScanSummary writes it, each account's lifecycle
// advanced with advanceLifecycle and its final state written. The scan documents are stored without
// their results (365 × 100 accounts of results would be gigabytes of fixture): the period report never
// reads a scan document, only summaries and states.
//
// Targets (2-core machine): ≤ 20 s and ≤ 300 MB peak RSS, the weekly report's budget.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_CONTROLS } from '../checks/index.js';
import { advanceLifecycle, type TrackedFinding } from '../core/lifecycle.js';
import type { Finding, ScanDocument } from '../core/model.js';
import { LocalBlobStore } from '../core/store/local.js';
import { scanKey, ScanStore, stateKey, type AccountState } from '../core/store/scans.js';
import { makeFinding, mulberry32, sampleAccount, SAMPLE_MUTES } from './fixtures.js';
import { buildPeriodEvidence } from './period-evidence.js';
import { summarizeScanForReport, summaryKey } from './summaries.js';

export interface PeriodBenchOptions {
  accounts?: number;
  days?: number;
  resourcesPerControl?: number;
  keepStore?: boolean;
}


const FROM = '2025-12-01';
const DAY_MS = 86_400_000;
const CHILD_FLAG = '--ward-period-bench-child';
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;
const dayOf = (i: number): string => new Date(Date.parse(`${FROM}T00:00:00Z`) + i * DAY_MS).toISOString().slice(0, 10);

/** A year of daily scans, written as Ward would leave the store (see the header). */
export async function buildPeriodBenchStore(dir: string, options: PeriodBenchOptions = {}): Promise<{ from: string; to: string }> {
  const accounts = Array.from({ length: options.accounts ?? 100 }, (_, i) => sampleAccount(i));
  const days = options.days ?? 365;
  const perControl = options.resourcesPerControl ?? 4;
  const controls = ALL_CONTROLS.filter((c) => c.provider === 'aws');
  const blobs = new LocalBlobStore(dir);
  const random = mulberry32(42);
  // Whether each resource fails today: failures start rarely and are fixed after a while.
  const failing = new Map<string, boolean>();
  const tracked = new Map<string, TrackedFinding[]>();
  let last: ScanDocument | undefined;
  for (let d = 0; d < days; d += 1) {
    // Some days have no scan (an outage): the report lists them.
    if (d % 97 === 50) continue;
    const at = `${dayOf(d)}T03:00:00.000Z`;
    const results: Finding[] = [];
    for (const account of accounts) {
      for (const control of controls) {
        for (let n = 0; n < perControl; n += 1) {
          const key = `${account}|${control.id}|${n}`;
          const was = failing.get(key) ?? random() < 0.3;
          const now = was ? random() > 0.08 : random() < 0.01;
          failing.set(key, now);
          results.push(makeFinding(control, account, REGIONS[n % REGIONS.length] ?? 'us-east-1', n, now ? 'FAIL' : 'PASS', control.severity, at));
        }
      }
    }
    const scan: ScanDocument = {
      schemaVersion: 1,
      scanId: `${dayOf(d).replace(/-/g, '')}T030000Z-bench`,
      startedAt: at,
      finishedAt: at,
      wardVersion: '0.1.0',
      thresholds: { minLogRetentionDays: 365 },
      controls: controls.map((c) => c.id),
      targets: accounts.map((account) => ({ provider: 'aws', account, regions: REGIONS, disabledRegions: [] })),
      coverage: [],
      results,
    };
    await blobs.write(summaryKey(scan.scanId), JSON.stringify(summarizeScanForReport(scan)));
    await blobs.write(scanKey(scan.scanId), JSON.stringify({ ...scan, results: [] }));
    for (const account of accounts) tracked.set(account, advanceLifecycle(tracked.get(account) ?? [], scan, 'aws', account).tracked);
    last = scan;
  }
  if (last !== undefined) {
    for (const [account, list] of tracked) {
      const state: AccountState = { provider: 'aws', account, scanId: last.scanId, updatedAt: last.finishedAt, tracked: list, errors: [], pendingAlerts: [] };
      await blobs.write(stateKey('aws', account), JSON.stringify(state));
    }
  }
  return { from: FROM, to: dayOf(days - 1) };
}

interface ChildResult {
  /** buildPeriodEvidence end to end (collect, PDF, JSON, CSV, bundle). */
  seconds: number;
  peakRssMb: number;
  collectSeconds: number;
  pdfSeconds: number;
  pages: number;
  scans: number;
  accountScans: number;
  remediated: number;
  openAtEnd: number;
}

export interface PeriodBenchResult extends ChildResult {
  setupSeconds: number;
}

async function runPeriod(dir: string, from: string, to: string): Promise<ChildResult> {
  const stages: Record<string, number> = {};
  const t = performance.now();
  const out = await buildPeriodEvidence(new ScanStore(new LocalBlobStore(dir)), {
    from,
    to,
    organization: 'Benchmark Health',
    mutes: SAMPLE_MUTES,
    now: new Date(Date.parse(`${to}T23:00:00Z`) + DAY_MS),
    onStage: (stage, seconds) => (stages[stage] = seconds),
  });
  const d = out.data;
  return {
    seconds: (performance.now() - t) / 1000,
    peakRssMb: peakRssMb(),
    collectSeconds: stages['collect'] ?? 0,
    pdfSeconds: stages['pdf'] ?? 0,
    pages: out.pages,
    scans: d.scans,
    accountScans: d.accountScans,
    remediated: d.remediated.length,
    openAtEnd: d.openAtEnd.length,
  };
}

function runChild(dir: string, from: string, to: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), CHILD_FLAG, dir, from, to], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`period benchmark child exited with ${code}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as ChildResult);
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

export async function runPeriodBench(options: PeriodBenchOptions = {}): Promise<PeriodBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ward-period-bench-'));
  try {
    const t = performance.now();
    const { from, to } = await buildPeriodBenchStore(dir, options);
    const setupSeconds = (performance.now() - t) / 1000;
    const r = import.meta.url.endsWith('.ts') ? await runPeriod(dir, from, to) : await runChild(dir, from, to);
    const round = (n: number) => Math.round(n * 100) / 100;
    return { ...r, seconds: round(r.seconds), peakRssMb: Math.round(r.peakRssMb), collectSeconds: round(r.collectSeconds), pdfSeconds: round(r.pdfSeconds), setupSeconds: round(setupSeconds) };
  } finally {
    if (options.keepStore !== true) rmSync(dir, { recursive: true, force: true });
  }
}

// As a child process: run the period report on the given store and print one JSON line.
if (process.argv[2] === CHILD_FLAG && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir, from, to] = process.argv.slice(3);
  if (dir === undefined || from === undefined || to === undefined) throw new Error('usage: period-bench.js --ward-period-bench-child <dir> <from> <to>');
  process.stdout.write(`${JSON.stringify(await runPeriod(dir, from, to))}\n`);
}

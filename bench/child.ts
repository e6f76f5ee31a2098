// One scenario, in a fresh process (bench/run.ts forks this file), so its CPU time and peak RSS are its
// own: starts the scenario's sandbox (a child process of its own unless --in-process), points Ward's
// clients at it, runs scan() and reports the figures to the parent over IPC.
//
//   node dist/bench/child.js <scenario> [--quick] [--in-process]

import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sandboxVariables } from '../app/demo.js';
import { scanByTarget } from '../app/scan.js';
import { boundHeapGrowth } from '../cli/heap.js';
import { newApiMetrics, retriesOf } from '../core/metrics.js';
import { forkSandbox, hostSandbox, peakRssMb, type SandboxSnapshot } from './sandbox-host.js';
import { buildScenario, isScenarioName, type PageScenario, type PeriodScenario, type ReportScenario, type ScanScenario } from './scenarios.js';
import type { PageBenchResult } from './report-page-bench.js';
import type { ReportBenchResult } from '../reports/bench.js';
import type { PeriodBenchResult } from '../reports/period-bench.js';

export interface ScanFigures {
  kind: 'scan';
  wallSeconds: number;
  /** Logical API calls (a page counts once), as Ward's ApiMetrics count them. */
  apiCalls: number;
  /** HTTP attempts, retries included. */
  attempts: number;
  throttled: number;
  retries: number;
  /** process.cpuUsage() user + system of the scanner process during the scan. */
  cpuSeconds: number;
  /** Peak RSS of the scanner process (sampled every 50 ms, and the kernel's high-water mark). */
  peakRssMb: number;
  /** RSS when the scan started: Ward and its SDKs loaded, nothing read yet. */
  rssAtStartMb: number;
  /** Share of the scan the scanner's event loop was busy (1 = CPU-bound on one core). */
  eventLoopUtilization: number;
  /** p99 event-loop delay during the scan (ms): how late timers and I/O callbacks ran. */
  eventLoopDelayP99Ms: number;
  targets: number;
  regions: number;
  findings: number;
  /** Coverage gaps: scopes Ward could not read (throttled past retries, errors). 0 = a complete scan. */
  coverageGaps: number;
  gapApis: Record<string, number>;
  statuses: Record<string, number>;
  /** When the engine had its plans (targets resolved) and when the first / last target finished. */
  phases: { planSeconds: number; firstTargetSeconds: number; lastTargetSeconds: number };
  sandbox: SandboxSnapshot & { mode: 'process' | 'in-process'; meanInFlight: number };
  /**
   * The machine during the scan (/proc/stat): cores busy in all, and cores busy with anything but this
   * scan and its sandbox. Other processes on a shared machine inflate wall times.
   */
  machine: { busyCores: number; otherCores: number };
}

export interface ReportFigures extends ReportBenchResult {
  kind: 'report';
  /** The whole child process (store building included), for reference. */
  childPeakRssMb: number;
}

export interface PeriodFigures extends PeriodBenchResult {
  kind: 'period';
}

export interface PageFigures extends PageBenchResult {
  kind: 'page';
}

export interface ChangeFigures {
  kind: 'change';
  rounds: number;
  medianMs: number;
  maxMs: number;
}

export type ChildFigures = ScanFigures | ReportFigures | PeriodFigures | PageFigures | ChangeFigures;

export type ChildResult = { ok: true; figures: ChildFigures } | { ok: false; error: string };

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Busy CPU seconds of the whole machine so far (all cores), or undefined off Linux. */
export function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, ...fields] = line.trim().split(/\s+/);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields.map(Number);
    return (user + nice + system + irq + softirq + steal) / 100; // USER_HZ
  } catch {
    return undefined;
  }
}

function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, 50);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak / (1024 * 1024), peakRssMb());
    },
  };
}

async function runScanScenario(scenario: ScanScenario, inProcess: boolean): Promise<ScanFigures> {
  // As `ward scan` runs (cli/heap.ts).
  boundHeapGrowth();
  const sandbox = inProcess ? await hostSandbox(scenario.world) : await forkSandbox(scenario.world);
  try {
    Object.assign(process.env, sandboxVariables(sandbox.url, scenario.config));
    const metrics = newApiMetrics();
    const phases = { planSeconds: 0, firstTargetSeconds: 0, lastTargetSeconds: 0 };
    const rssAtStartMb = process.memoryUsage.rss() / (1024 * 1024);
    const rss = sampleRss();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const t0 = performance.now();
    const since = () => (performance.now() - t0) / 1000;
    const cpu0 = process.cpuUsage();
    const machine0 = machineBusySeconds();
    const elu0 = performance.eventLoopUtilization();
    delay.enable();
    // Results by scope, as `ward scan` reads them: no array of every finding (flat memory, issue 13).
    const statuses: Record<string, number> = {};
    const outcome = await scanByTarget({
      config: scenario.config,
      providers: scenario.providers,
      metrics,
      ...(scenario.providers.includes('aws') ? { awsEndpoint: sandbox.url } : {}),
      onProgress: (p) => {
        if (phases.planSeconds === 0) phases.planSeconds = since();
        if (p.targetsDone >= 1 && phases.firstTargetSeconds === 0) phases.firstTargetSeconds = since();
        if (p.targetsDone === p.targetsTotal) phases.lastTargetSeconds = since();
      },
    }, {
      results: ({ results }) => {
        for (const f of results) statuses[f.status] = (statuses[f.status] ?? 0) + 1;
      },
    });
    const wallSeconds = since();
    delay.disable();
    const cpu = process.cpuUsage(cpu0);
    const machine1 = machineBusySeconds();
    const elu = performance.eventLoopUtilization(elu0);
    const peak = rss.stop();
    const snapshot = await sandbox.snapshot();
    const document = outcome;
    const scannerCpu = (cpu.user + cpu.system) / 1e6;
    const busyCores = machine0 === undefined || machine1 === undefined ? 0 : (machine1 - machine0) / wallSeconds;
    const ours = (scannerCpu + (sandbox.mode === 'process' ? snapshot.cpuSeconds : 0)) / wallSeconds;
    const gapApis: Record<string, number> = {};
    for (const g of document.coverage) gapApis[`${g.api} ${g.code}`] = (gapApis[`${g.api} ${g.code}`] ?? 0) + 1;
    return {
      kind: 'scan',
      wallSeconds: round(wallSeconds),
      apiCalls: metrics.calls,
      attempts: metrics.attempts,
      throttled: metrics.throttled,
      retries: retriesOf(metrics),
      cpuSeconds: round(scannerCpu),
      peakRssMb: round(peak, 1),
      rssAtStartMb: round(rssAtStartMb, 1),
      eventLoopUtilization: round(elu.utilization),
      eventLoopDelayP99Ms: round(delay.percentile(99) / 1e6, 1),
      targets: document.targets.length,
      regions: document.targets.reduce((n, t) => n + t.regions.length, 0),
      findings: document.results,
      coverageGaps: document.coverage.length,
      gapApis,
      statuses,
      phases: { planSeconds: round(phases.planSeconds), firstTargetSeconds: round(phases.firstTargetSeconds), lastTargetSeconds: round(phases.lastTargetSeconds) },
      sandbox: {
        ...snapshot,
        busySeconds: round(snapshot.busySeconds),
        cpuSeconds: round(snapshot.cpuSeconds),
        peakRssMb: round(snapshot.peakRssMb, 1),
        mode: sandbox.mode,
        meanInFlight: round(snapshot.busySeconds / wallSeconds, 1),
      },
      machine: { busyCores: round(busyCores, 2), otherCores: round(Math.max(0, busyCores - ours), 2) },
    };
  } finally {
    await sandbox.close();
  }
}

async function runReportScenario(scenario: ReportScenario): Promise<ReportFigures> {
  // Imported here, not at the top: a scan scenario's process should not carry the report's modules.
  const { runReportBench } = await import('../reports/bench.js');
  const r = await runReportBench({ findings: scenario.findings });
  return {
    kind: 'report',
    pdfSeconds: r.pdfSeconds,
    pdfPeakRssMb: r.pdfPeakRssMb,
    jsonSeconds: r.jsonSeconds,
    csvSeconds: r.csvSeconds,
    pages: r.pages,
    findings: r.findings,
    peakRssMb: r.peakRssMb,
    setupSeconds: r.setupSeconds,
    collectSeconds: r.collectSeconds,
    bundleSeconds: r.bundleSeconds,
    childPeakRssMb: round(peakRssMb(), 1),
  };
}

async function runPeriodScenario(scenario: PeriodScenario): Promise<PeriodFigures> {
  const { runPeriodBench } = await import('../reports/period-bench.js');
  return { kind: 'period', ...(await runPeriodBench({ accounts: scenario.accounts, days: scenario.days })) };
}

async function runPageScenario(scenario: PageScenario): Promise<PageFigures> {
  const { runReportPageBench } = await import('./report-page-bench.js');
  return { kind: 'page', ...(await runReportPageBench({ findings: scenario.findings })) };
}

export async function runChild(name: string, flags: readonly string[]): Promise<ChildFigures> {
  if (!isScenarioName(name)) throw new Error(`unknown scenario "${name}"`);
  const accounts = flags.find((f) => f.startsWith('--accounts='))?.slice('--accounts='.length);
  const scenario = buildScenario(name, { quick: flags.includes('--quick'), ...(accounts === undefined ? {} : { accounts: Number(accounts) }) });
  if (scenario.kind === 'period') return runPeriodScenario(scenario);
  if (scenario.kind === 'page') return runPageScenario(scenario);
  if (scenario.kind === 'change') {
    const { measureChangeLatency } = await import('./change-latency.js');
    const { rounds, medianMs, maxMs } = await measureChangeLatency(scenario.rounds);
    return { kind: 'change', rounds, medianMs, maxMs };
  }
  return scenario.kind === 'scan' ? runScanScenario(scenario, flags.includes('--in-process')) : runReportScenario(scenario);
}

// As a forked child: run the scenario named on the command line, send the figures, exit.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The AWS SDK warns once per process that it will need Node 22 from 2027: noise in every scenario.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'NodeVersionSupportWarning' && !warning.message.includes('NodeVersionSupportWarning')) console.warn(`${warning.name}: ${warning.message}`);
  });
  const [name = '', ...flags] = process.argv.slice(2);
  let result: ChildResult;
  try {
    result = { ok: true, figures: await runChild(name, flags) };
  } catch (error) {
    result = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  if (process.send !== undefined) process.send(result, () => process.exit(0));
  else {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  }
}

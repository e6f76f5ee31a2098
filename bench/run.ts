// `npm run bench`: Ward's scenarios against the sandbox, each in a fresh child process, each compared
// with its floor (bench/floor.ts). The last line printed is one JSON object with every figure.
//
//   npm run bench                       every scenario, full size (several minutes)
//   npm run bench -- --only a,c         some scenarios
//   npm run bench -- --quick            small sizes: a smoke test
//   npm run bench -- --in-process       the sandbox in the scanner's process (default: its own process)
//   npm run bench -- --profile          V8 CPU profiles of each scenario's processes, under
//                                       $TMPDIR/ward-bench-profiles/<scenario>/ (node dist/bench/profile.js)
//   npm run bench -- --sequential       never overlap scenarios (by default the rate-limited scenario c,
//                                       which waits ~400 s on DescribeLogGroups' 5/s and uses ~3 % of a
//                                       core, runs alongside the single-core report scenario f)
//
// Exit code 0 when the bench ran (missed targets are printed as MISSED), 1 when it broke.

import { fork } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChangeFigures, ChildFigures, ChildResult, PageFigures, PeriodFigures, ReportFigures, ScanFigures } from './child.js';
import { computeFloor, type Floor } from './floor.js';
import { buildScenario, isScenarioName, SCENARIO_NAMES, type Scenario, type ScenarioName } from './scenarios.js';

export interface CliOptions {
  only: ScenarioName[];
  quick: boolean;
  inProcess: boolean;
  profile: boolean;
  sequential: boolean;
  /** Member accounts for scenario b (`--accounts 1000`). */
  accounts?: number;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { only: [...SCENARIO_NAMES], quick: false, inProcess: false, profile: false, sequential: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--quick') options.quick = true;
    else if (arg === '--in-process') options.inProcess = true;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--sequential') options.sequential = true;
    else if (arg === '--accounts' || arg.startsWith('--accounts=')) {
      const value = arg === '--accounts' ? argv[(i += 1)] : arg.slice('--accounts='.length);
      const accounts = Number(value);
      if (!Number.isInteger(accounts) || accounts < 1) throw new Error(`--accounts expects a positive whole number (member accounts of scenario b), got "${value ?? ''}"`);
      options.accounts = accounts;
    }    else if (arg === '--only' || arg.startsWith('--only=')) {
      const list = arg === '--only' ? argv[(i += 1)] : arg.slice('--only='.length);
      const names = (list ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
      const unknown = names.filter((n) => !isScenarioName(n));
      if (names.length === 0 || unknown.length > 0) throw new Error(`--only expects scenario names among ${SCENARIO_NAMES.join(',')}, got "${list ?? ''}"`);
      options.only = SCENARIO_NAMES.filter((n) => names.includes(n));
    } else throw new Error(`unknown argument "${arg}" (use --only a,c, --quick, --in-process, --sequential, --profile, --accounts N)`);
  }
  return options;
}

interface Check {
  limit: number;
  value: number;
  pass: boolean;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const check = (value: number, limit: number): Check => ({ limit, value: round(value), pass: value <= limit });

type ScenarioReport = Record<string, unknown> & { targets: Record<string, Check>; pass: boolean };

/** A first reading of where the time went, from the run's own figures. */
export function diagnose(f: Pick<ScanFigures, 'eventLoopUtilization' | 'throttled' | 'wallSeconds' | 'cpuSeconds'>, floor: Floor, concurrency: number, meanInFlight: number): string {
  if (f.eventLoopUtilization >= 0.85) return `scanner CPU-bound: event loop busy ${Math.round(f.eventLoopUtilization * 100)} % of the scan (${f.cpuSeconds.toFixed(1)} s CPU for a ${floor.seconds.toFixed(2)} s floor)`;
  if (floor.bound === 'rate') return `rate-bound as the floor predicts${f.throttled > 0 ? ` (${f.throttled} throttled attempts)` : ''}`;
  if (meanInFlight < concurrency / 2) return `latency-bound: ${meanInFlight} requests in flight on average of ${concurrency} allowed (sequential chains, waits)`;
  return 'throughput-bound at the concurrency limit';
}

function scanReport(scenario: Extract<Scenario, { kind: 'scan' }>, floor: Floor, concurrency: number, f: ScanFigures): ScenarioReport {
  const ratio = f.wallSeconds / floor.seconds;
  const targets: Record<string, Check> = {};
  if (scenario.targets.ratio !== undefined) targets['ratio'] = check(ratio, scenario.targets.ratio);
  targets['peakRssMb'] = check(f.peakRssMb, scenario.targets.peakRssMb);
  // A scan that gave up on a scope (throttled past its retries) is fast for the wrong reason.
  targets['coverageGaps'] = check(f.coverageGaps, 0);
  return {
    id: scenario.id,
    title: scenario.title,
    wallSeconds: f.wallSeconds,
    floorSeconds: round(floor.seconds),
    ratio: round(ratio),
    diagnosis: diagnose(f, floor, concurrency, f.sandbox.meanInFlight),
    concurrency,
    apiCalls: f.apiCalls,
    attempts: f.attempts,
    throttled: f.throttled,
    retries: f.retries,
    cpuSeconds: f.cpuSeconds,
    peakRssMb: f.peakRssMb,
    rssAtStartMb: f.rssAtStartMb,
    floor: {
      bound: floor.bound,
      criticalPathSeconds: round(floor.criticalPathSeconds),
      throughputSeconds: round(floor.throughputSeconds),
      rateSeconds: round(floor.rateSeconds),
      calls: floor.calls,
      depth: floor.depth,
      ...(floor.criticalApi === undefined ? {} : { criticalApi: floor.criticalApi }),
      ...(floor.rateBucket === undefined ? {} : { rateBucket: floor.rateBucket }),
    },
    eventLoopUtilization: f.eventLoopUtilization,
    eventLoopDelayP99Ms: f.eventLoopDelayP99Ms,
    targetsScanned: f.targets,
    regionsScanned: f.regions,
    findings: f.findings,
    coverageGaps: f.coverageGaps,
    ...(f.coverageGaps > 0 ? { gapApis: f.gapApis } : {}),
    phases: f.phases,
    machine: f.machine,
    sandbox: {
      mode: f.sandbox.mode,
      requests: f.sandbox.requests,
      throttled: f.sandbox.throttled,
      errors: f.sandbox.errors,
      meanInFlight: f.sandbox.meanInFlight,
      maxInFlight: f.sandbox.maxInFlight,
      cpuSeconds: f.sandbox.cpuSeconds,
      peakRssMb: f.sandbox.peakRssMb,
      byApi: f.sandbox.byApi,
      ...(f.sandbox.throttled > 0 ? { throttledByApi: f.sandbox.throttledByApi } : {}),
    },
    targets,
    pass: Object.values(targets).every((t) => t.pass),
  };
}

function reportReport(scenario: Extract<Scenario, { kind: 'report' }>, f: ReportFigures): ScenarioReport {
  const targets = { pdfSeconds: check(f.pdfSeconds, scenario.targets.pdfSeconds), pdfPeakRssMb: check(f.pdfPeakRssMb, scenario.targets.pdfPeakRssMb) };
  return { id: scenario.id, title: scenario.title, ...f, targets, pass: Object.values(targets).every((t) => t.pass) };
}

function periodReport(scenario: Extract<Scenario, { kind: 'period' }>, f: PeriodFigures): ScenarioReport {
  const targets = { seconds: check(f.seconds, scenario.targets.seconds), peakRssMb: check(f.peakRssMb, scenario.targets.peakRssMb) };
  return { id: scenario.id, title: scenario.title, ...f, targets, pass: Object.values(targets).every((t) => t.pass) };
}

const mark = (c: Check | undefined): string => (c === undefined ? '' : c.pass ? `[target ≤ ${c.limit}: ok]` : `[target ≤ ${c.limit}: MISSED]`);

function printScan(name: string, r: ScenarioReport, f: ScanFigures, floor: Floor, alongside?: string): void {
  const t = r.targets;
  console.log(`\n(${name}) ${String(r['title'])}`);
  console.log(`    wall ${f.wallSeconds.toFixed(2)} s   floor ${floor.seconds.toFixed(2)} s (${floor.bound}: critical path ${floor.criticalPathSeconds.toFixed(2)} s, throughput ${floor.throughputSeconds.toFixed(2)} s, rate ${floor.rateSeconds.toFixed(2)} s)`);
  console.log(`    ratio to floor ${Number(r['ratio']).toFixed(2)} ${mark(t['ratio'])} — ${String(r['diagnosis'])}`);
  console.log(`    API calls ${f.apiCalls} (floor ${floor.calls}), attempts ${f.attempts}, throttled ${f.throttled}, retries ${f.retries}; sandbox requests ${f.sandbox.requests}, throttled ${f.sandbox.throttled}`);
  console.log(`    CPU ${f.cpuSeconds.toFixed(2)} s, event loop busy ${(f.eventLoopUtilization * 100).toFixed(0)} %, p99 delay ${f.eventLoopDelayP99Ms} ms   peak RSS ${f.peakRssMb.toFixed(0)} MB ${mark(t['peakRssMb'])} (${f.rssAtStartMb.toFixed(0)} MB before the scan)`);
  console.log(`    requests in flight: mean ${f.sandbox.meanInFlight}, max ${f.sandbox.maxInFlight}   sandbox (${f.sandbox.mode}) CPU ${f.sandbox.cpuSeconds.toFixed(2)} s`);
  console.log(`    ${f.targets} targets, ${f.regions} regions, ${f.findings} results, ${f.coverageGaps} coverage gaps ${mark(t['coverageGaps'])}   plan ${f.phases.planSeconds} s, first target ${f.phases.firstTargetSeconds} s`);
  if (f.coverageGaps > 0) console.log(`    gaps: ${JSON.stringify(f.gapApis)}`);
  if (f.machine.otherCores >= 0.25) {
    const why = alongside === undefined ? 'its wall time is inflated' : `scenario ${alongside} ran alongside and is counted here`;
    console.log(`    ${alongside === undefined ? 'WARNING: ' : ''}other processes kept ~${f.machine.otherCores} of ${cpus().length} cores busy during this scan (${why})`);
  }
}

function printReport(name: string, r: ScenarioReport, f: ReportFigures): void {
  const t = r.targets;
  console.log(`\n(${name}) ${String(r['title'])}`);
  console.log(`    PDF ${f.pdfSeconds.toFixed(2)} s ${mark(t['pdfSeconds'])}, peak RSS ${f.pdfPeakRssMb} MB ${mark(t['pdfPeakRssMb'])}, ${f.pages} pages`);
  console.log(`    JSON ${f.jsonSeconds.toFixed(2)} s, CSV ${f.csvSeconds.toFixed(2)} s, collect ${f.collectSeconds.toFixed(2)} s, bundle ${f.bundleSeconds.toFixed(2)} s; ${f.findings} findings; store setup ${f.setupSeconds.toFixed(2)} s`);
}

function pageReport(scenario: Extract<Scenario, { kind: 'page' }>, f: PageFigures): ScenarioReport {
  const targets = { firstPaintSeconds: check(f.firstPaintSeconds, scenario.targets.firstPaintSeconds), slowestFilterMs: check(f.slowestFilterMs, scenario.targets.slowestFilterMs) };
  return { id: scenario.id, title: scenario.title, ...f, targets, pass: Object.values(targets).every((t) => t.pass) };
}

function printPage(name: string, r: ScenarioReport, f: PageFigures): void {
  const t = r.targets;
  console.log(`\n(${name}) ${String(r['title'])}`);
  console.log(`    first paint ${f.firstPaintSeconds.toFixed(2)} s ${mark(t['firstPaintSeconds'])}, all drawn ${f.readySeconds.toFixed(2)} s; page ${f.pageMb} MB`);
  console.log(`    slowest filter ${f.slowestFilterMs.toFixed(0)} ms ${mark(t['slowestFilterMs'])}: ${Object.entries(f.filters).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(', ')}; first sort by resource ${f.firstSortMs.toFixed(0)} ms`);
}

function changeReport(scenario: Extract<Scenario, { kind: 'change' }>, f: ChangeFigures): ScenarioReport {
  const targets = { maxMs: check(f.maxMs, scenario.targets.maxMs) };
  return { id: scenario.id, title: scenario.title, ...f, targets, pass: targets.maxMs.pass };
}

function printChange(name: string, r: ScenarioReport, f: ChangeFigures): void {
  console.log(`\n(${name}) ${String(r['title'])}`);
  console.log(`    event → message: median ${f.medianMs.toFixed(0)} ms, max ${f.maxMs.toFixed(0)} ms ${mark(r.targets['maxMs'])} over ${f.rounds} rounds`);
}

function printPeriod(name: string, r: ScenarioReport, f: PeriodFigures): void {
  const t = r.targets;
  console.log(`\n(${name}) ${String(r['title'])}`);
  console.log(`    report ${f.seconds.toFixed(2)} s ${mark(t['seconds'])}, peak RSS ${f.peakRssMb} MB ${mark(t['peakRssMb'])}; collect ${f.collectSeconds.toFixed(2)} s, PDF ${f.pdfSeconds.toFixed(2)} s, ${f.pages} pages`);
  console.log(`    ${f.scans} scans, ${f.accountScans} account scans, ${f.remediated} remediated, ${f.openAtEnd} open at the end; store setup ${f.setupSeconds.toFixed(2)} s`);
}

export function profileDir(name: ScenarioName): string {
  return join(tmpdir(), 'ward-bench-profiles', name);
}

function runChildProcess(name: ScenarioName, options: CliOptions): Promise<ChildFigures> {
  const flags = [...(options.quick ? ['--quick'] : []), ...(options.inProcess ? ['--in-process'] : []), ...(options.accounts === undefined ? [] : [`--accounts=${options.accounts}`])];
  // The sandbox process the child forks inherits these flags: its profile lands next to the scanner's.
  const execArgv = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir(name)}`] : [];
  return new Promise((resolvePromise, reject) => {
    const child = fork(fileURLToPath(new URL('./child.js', import.meta.url)), [name, ...flags], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: ChildResult | undefined;
    child.on('message', (message: ChildResult) => (result = message));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result === undefined) return reject(new Error(`scenario ${name}: child exited (${code ?? signal ?? '?'}) without a result`));
      if (!result.ok) return reject(new Error(`scenario ${name} failed:\n${result.error}`));
      resolvePromise(result.figures);
    });
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    return 2;
  }
  const started = performance.now();
  console.log(`Ward bench: ${options.quick ? 'QUICK sizes (smoke test; ratios are not meaningful)' : 'full sizes'}, scenarios ${options.only.join(',')}, sandbox ${options.inProcess ? 'in the scanner process' : 'in its own process'}; node ${process.version}, ${cpus().length} CPUs`);
  const reports: Partial<Record<ScenarioName, ScenarioReport | { error: string; pass: false }>> = {};
  let broke = false;
  const runOne = async (name: ScenarioName, alongside?: ScenarioName): Promise<void> => {
    const scenario = buildScenario(name, { quick: options.quick, ...(options.accounts === undefined ? {} : { accounts: options.accounts }) });
    try {
      if (scenario.kind === 'scan') {
        const floorWorld = scenario.floorWorld();
        const floor = computeFloor(floorWorld);
        const figures = await runChildProcess(name, options);
        if (figures.kind !== 'scan') throw new Error(`scenario ${name}: expected scan figures`);
        const report = scanReport(scenario, floor, floorWorld.concurrency, figures);
        reports[name] = report;
        printScan(name, report, figures, floor, alongside);
        if (options.profile) console.log(`    CPU profiles: ${profileDir(name)} (summarise: node dist/bench/profile.js <file>)`);
        for (const note of scenario.notes ?? []) console.log(`    note: ${note}`);
      } else if (scenario.kind === 'page') {
        const figures = await runChildProcess(name, options);
        if (figures.kind !== 'page') throw new Error(`scenario ${name}: expected page figures`);
        const report = pageReport(scenario, figures);
        reports[name] = report;
        printPage(name, report, figures);
      } else if (scenario.kind === 'change') {
        const figures = await runChildProcess(name, options);
        if (figures.kind !== 'change') throw new Error(`scenario ${name}: expected change figures`);
        const report = changeReport(scenario, figures);
        reports[name] = report;
        printChange(name, report, figures);
      } else if (scenario.kind === 'period') {
        const figures = await runChildProcess(name, options);
        if (figures.kind !== 'period') throw new Error(`scenario ${name}: expected period figures`);
        const report = periodReport(scenario, figures);
        reports[name] = report;
        printPeriod(name, report, figures);
      } else {
        const figures = await runChildProcess(name, options);
        if (figures.kind !== 'report') throw new Error(`scenario ${name}: expected report figures`);
        const report = reportReport(scenario, figures);
        reports[name] = report;
        printReport(name, report, figures);
      }
    } catch (error) {
      broke = true;
      const message = error instanceof Error ? error.message : String(error);
      console.error(`\n(${name}) BROKE: ${message}`);
      reports[name] = { error: message.split('\n')[0] ?? message, pass: false };
    }
  };
  // c is rate-bound (it waits on DescribeLogGroups' 5/s for ~400 s at ~3 % of a core) and f is a
  // single-core report: on two cores they can share the machine, which keeps the bench near 10 minutes.
  const overlap = !options.sequential && options.only.includes('c') && options.only.includes('f');
  for (const name of options.only) {
    if (overlap && (name === 'c' || name === 'f')) continue;
    await runOne(name);
  }
  if (overlap) {
    console.log('\n(c) and (f) run side by side (--sequential to run them one after the other)…');
    await Promise.all([runOne('c', 'f'), runOne('f', 'c')]);
  }
  const missed = options.only.flatMap((name) => {
    const r = reports[name];
    if (r === undefined || !('targets' in r)) return [`${name}.broke`];
    return Object.entries(r.targets)
      .filter(([, c]) => !c.pass)
      .map(([key]) => `${name}.${key}`);
  });
  const totalSeconds = round((performance.now() - started) / 1000, 1);
  console.log(`\n${missed.length === 0 ? 'All targets met.' : `MISSED: ${missed.join(', ')}`}   (${totalSeconds} s in all)`);
  const summary = {
    bench: 'ward',
    quick: options.quick,
    sandbox: options.inProcess ? 'in-process' : 'process',
    node: process.version,
    cpus: cpus().length,
    totalSeconds,
    overlapped: overlap ? ['c', 'f'] : [],
    scenarios: Object.fromEntries(options.only.map((n) => [n, reports[n]])),
    missed,
    pass: missed.length === 0,
  };
  console.log(JSON.stringify(summary));
  return broke ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}

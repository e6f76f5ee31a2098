import { Option, type Command } from 'commander';
import { scan, scanByTarget, type ScanRequest } from '../../app/scan.js';
import { CONTROL_IDS } from '../../checks/index.js';
import { loadConfig } from '../../core/config.js';
import { severityRank, type Provider, type ScanDocument, type Severity } from '../../core/model.js';
import { renderScanSummary, renderTallySummary } from '../../reports/console.js';
import { ScanTallyBuilder } from '../../reports/scan-tally.js';
import { WARD_VERSION } from '../../core/version.js';
import { commaList, providerOption, severityOption } from '../options.js';
import { renderOcsf } from '../../reports/ocsf.js';
import { renderJunit } from '../../reports/junit.js';
import { renderScanCsv } from '../../reports/scan-csv.js';
import { lifecycleAfter, newFailuresAtOrAbove } from '../../app/scan-lifecycle.js';
import { progressReporter } from '../progress.js';
import { JsonDocumentWriter } from '../json-stream.js';
import { forStream } from '../colour.js';
import { openStore } from '../../app/store.js';
import { announceScan } from '../../app/announce.js';
import type { ScanStore } from '../../core/store/scans.js';
import { UserError } from '../../core/errors.js';
import { boundHeapGrowth } from '../heap.js';

export const DEFAULT_CONFIG = 'ward.config.yml';

interface ScanFlags {
  config?: string;
  provider?: Provider[];
  accounts?: string[];
  regions?: string[];
  output: ScanOutput;
  failOn?: Severity;
  failOnNew?: Severity;
  quiet?: boolean;
  securityHub?: boolean;
  color?: boolean;
  store?: string;
}

export const SCAN_OUTPUTS = ['table', 'json', 'ocsf', 'csv', 'junit'] as const;
export type ScanOutput = (typeof SCAN_OUTPUTS)[number];

/** The machine-readable formats: the document on stdout, the human summary on stderr. */
function renderDocument(output: Exclude<ScanOutput, 'table' | 'json'>, document: ScanDocument, lifecycle: Parameters<typeof renderScanCsv>[1]): string {
  switch (output) {
    case 'ocsf':
      return renderOcsf(document);
    case 'csv':
      return renderScanCsv(document, lifecycle);
    case 'junit':
      return renderJunit(document);
  }
}

export function failingAtOrAbove(scan: ScanDocument, severity: Severity): number {
  return scan.results.filter((f) => f.status === 'FAIL' && severityRank(f.severity) >= severityRank(severity)).length;
}

/** Slack, when WARD_SLACK_WEBHOOK_URL is set. What is said here never includes the URL. */
export async function sendAlerts(store: ScanStore, scan: Pick<ScanDocument, 'scanId' | 'targets'>): Promise<void> {
  const outcome = await announceScan(store, scan, process.env['WARD_SLACK_WEBHOOK_URL']);
  switch (outcome.status) {
    case 'delivered':
      process.stderr.write(`Slack: sent one message with ${outcome.alerts} change(s).\n`);
      break;
    case 'failed':
      process.stderr.write(`Slack: not delivered (${outcome.reason}); ${outcome.alerts} change(s) kept for the next scan of those accounts.\n`);
      break;
    default:
      break;
  }
}

export function registerScan(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('scan')
    .option('-c, --config <file>', `configuration file (default: ${DEFAULT_CONFIG} when it exists, or WARD_CONFIG)`)
    .option('--provider <name>', 'aws, gcp, azure or all (default: every provider configured)', providerOption)
    .option('--accounts <ids>', 'only these accounts, projects or subscriptions (comma-separated ids or names)', commaList)
    .option('--regions <names>', 'only these regions (comma-separated)', commaList)
    .addOption(new Option('-o, --output <format>', 'all but table: the document on stdout, the summary on stderr').choices(SCAN_OUTPUTS).default('table'))
    .option('--fail-on <severity>', 'exit 1 when a failing finding is at or above this severity', severityOption)
    .option('--fail-on-new <severity>', 'exit 1 when a new or reopened failing finding is at or above this severity', severityOption)
    .option('--no-color', 'no colours (also NO_COLOR); colour is only ever used on a terminal')
    .option('-q, --quiet', 'print no summary or progress; only the document (with --output) and errors')
    .option('--security-hub', 'import every result into AWS Security Hub (ASFF) in this account; region: WARD_SECURITY_HUB_REGION or AWS_REGION')
    .option('--store <dir>', 'where findings are kept (default: WARD_STORE or ./.ward)')
    .action(async (flags: ScanFlags) => {
      boundHeapGrowth();
      const configFile = flags.config ?? process.env['WARD_CONFIG'];
      const config = loadConfig(configFile ?? DEFAULT_CONFIG, configFile !== undefined, CONTROL_IDS);
      const store = openStore(flags.store);
      const progress = flags.quiet === true ? { update: () => undefined, done: () => undefined } : progressReporter();
      const request: ScanRequest = {
        config,
        store,
        ...(flags.provider === undefined ? {} : { providers: flags.provider }),
        ...(flags.accounts === undefined ? {} : { accounts: flags.accounts }),
        ...(flags.regions === undefined ? {} : { regions: flags.regions }),
        onProgress: (p) => progress.update(p),
        // Without a channel, alerts would only be queued to be dropped unsent (sendAlerts).
        queueAlerts: (process.env['WARD_SLACK_WEBHOOK_URL'] ?? '') !== '',
      };
      let gates: GateCounts;
      try {
        const { output } = flags;
        gates = output === 'table' || output === 'json' ? await scanStreamed(request, store, flags) : await scanWhole(request, store, flags, output);
      } finally {
        progress.done();
      }
      if (gates.failing > 0 && flags.failOn !== undefined) {
        process.stderr.write(`ward: ${gates.failing} failing finding(s) at or above ${flags.failOn}\n`);
        setExitCode(1);
      }
      if (gates.newFailing > 0 && flags.failOnNew !== undefined) {
        process.stderr.write(`ward: ${gates.newFailing} new or reopened failing finding(s) at or above ${flags.failOnNew}\n`);
        setExitCode(1);
      }
      if (gates.securityHubRefused > 0) throw new UserError(`Security Hub refused ${gates.securityHubRefused} finding(s); the scan itself is stored.`);
    });
}

/** What the exit code depends on, counted as the results go by. */
interface GateCounts {
  failing: number;
  newFailing: number;
  securityHubRefused: number;
}

/** Counts one scan document (a target's part, or a whole scan) towards the gates; imports it into Security Hub when asked. */
async function gateAndImport(store: ScanStore, document: ScanDocument, flags: ScanFlags, gates: GateCounts): Promise<void> {
  if (flags.failOn !== undefined) gates.failing += failingAtOrAbove(document, flags.failOn);
  if (flags.failOnNew === undefined && flags.securityHub !== true) return;
  const lifecycle = await lifecycleAfter(store, document);
  if (flags.failOnNew !== undefined) gates.newFailing += newFailuresAtOrAbove(document, lifecycle, flags.failOnNew);
  if (flags.securityHub === true) {
    const { importToSecurityHub } = await import('../../app/security-hub.js');
    const imported = await importToSecurityHub(document, lifecycle);
    process.stderr.write(`Security Hub: imported ${imported.imported} finding(s) into ${imported.account} in ${imported.region} (${imported.calls} call(s)).\n`);
    for (const f of imported.failed.slice(0, 10)) process.stderr.write(`Security Hub refused ${f.id}: ${f.code} ${f.message}\n`);
    gates.securityHubRefused += imported.failed.length;
  }
}

/**
 * Table and JSON: one scope (the account-wide controls, or a region) at a time. Each target's results
 * are recorded as a scan document of its own (as a fan-out target's are in Lambda); each scope's are
 * written into it, to the JSON stream and counted for the summary as soon as judged, then dropped:
 * memory grows neither with the number of accounts nor with the size of one. The gates read what the
 * recording keeps of a target (its failing results).
 */
async function scanStreamed(request: ScanRequest, store: ScanStore, flags: ScanFlags): Promise<GateCounts> {
  const gates: GateCounts = { failing: 0, newFailing: 0, securityHubRefused: 0 };
  const tally = new ScanTallyBuilder();
  // Indented for a person at a terminal; compact when piped or redirected (a quarter smaller, and cheaper to write and to read).
  const json = flags.output === 'json' ? new JsonDocumentWriter(process.stdout, 'results', process.stdout.isTTY === true ? 'indented' : 'compact') : undefined;
  let started = false;
  const head = (runId: string, frame: Pick<ScanDocument, 'startedAt' | 'wardVersion' | 'thresholds' | 'controls' | 'runner'>) => ({
    schemaVersion: 1,
    scanId: runId,
    startedAt: frame.startedAt,
    wardVersion: frame.wardVersion,
    thresholds: frame.thresholds,
    controls: frame.controls,
    runner: frame.runner,
  });
  const outcome = await scanByTarget(request, {
    // Security Hub imports every result of a target, so it needs them all at the target's end.
    keepPassing: flags.securityHub === true,
    results: async ({ runId, frame, results }) => {
      tally.add({ targets: [], coverage: [], results });
      if (json === undefined) return;
      if (!started) await json.start(head(runId, frame));
      started = true;
      await json.add(results);
    },
    target: async ({ scan: part }) => {
      tally.add({ targets: part.targets, coverage: part.coverage, results: [] });
      await gateAndImport(store, part, flags, gates);
    },
  });
  const summary = renderTallySummary(
    tally.tally({ scanId: outcome.runId, startedAt: outcome.startedAt, finishedAt: outcome.finishedAt, controls: outcome.controls.length, thresholds: outcome.thresholds, runner: outcome.runner }),
    { width: process.stdout.columns ?? 80, ...(outcome.recorded === undefined ? {} : { changes: outcome.recorded }), ...(outcome.muteWarning === undefined ? {} : { muteWarning: outcome.muteWarning }) },
  );
  if (json !== undefined) {
    if (!started) await json.start(head(outcome.runId, { ...outcome, wardVersion: WARD_VERSION }));
    await json.end({ finishedAt: outcome.finishedAt, targets: outcome.targets, coverage: outcome.coverage });
    if (flags.quiet !== true) process.stderr.write(`${forStream(summary, process.stderr, flags.color)}\n`);
  } else if (flags.quiet !== true) {
    const documents = outcome.targets.length === 1 ? 'one scan document' : `${outcome.targets.length} scan documents, one per account`;
    process.stdout.write(`${forStream(summary, process.stdout, flags.color)}\n\nStored in ${store.blobs.location} as run ${outcome.runId} (${documents}).\n`);
  }
  await sendAlerts(store, { scanId: outcome.runId, targets: outcome.targets });
  return gates;
}

/** OCSF, CSV and JUnit are one document each, rendered from the whole scan. */
async function scanWhole(request: ScanRequest, store: ScanStore, flags: ScanFlags, output: Exclude<ScanOutput, 'table' | 'json'>): Promise<GateCounts> {
  const outcome = await scan(request);
  const document = outcome.scan;
  const lifecycle = await lifecycleAfter(store, document);
  if (flags.quiet !== true) {
    const summary = renderScanSummary(document, { width: process.stdout.columns ?? 80, ...(outcome.recorded === undefined ? {} : { changes: outcome.recorded.counts }), ...(outcome.muteWarning === undefined ? {} : { muteWarning: outcome.muteWarning }) });
    process.stderr.write(`${forStream(summary, process.stderr, flags.color)}\n`);
  }
  process.stdout.write(renderDocument(output, document, lifecycle));
  await sendAlerts(store, document);
  const gates: GateCounts = { failing: 0, newFailing: 0, securityHubRefused: 0 };
  await gateAndImport(store, document, flags, gates);
  return gates;
}

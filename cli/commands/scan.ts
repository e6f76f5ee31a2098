import { Option, type Command } from 'commander';
import { scan, type ScanOutcome } from '../../app/scan.js';
import { CONTROL_IDS } from '../../checks/index.js';
import { loadConfig } from '../../core/config.js';
import { severityRank, type Provider, type ScanDocument, type Severity } from '../../core/model.js';
import { renderScanSummary } from '../../reports/console.js';
import { commaList, providerOption, severityOption } from '../options.js';
import { renderOcsf } from '../../reports/ocsf.js';
import { renderJunit } from '../../reports/junit.js';
import { renderScanCsv } from '../../reports/scan-csv.js';
import { lifecycleAfter, newFailuresAtOrAbove } from '../../app/scan-lifecycle.js';
import { progressReporter } from '../progress.js';
import { writeJson } from '../json-stream.js';
import { forStream } from '../colour.js';
import { openStore } from '../../app/store.js';
import { announceScan } from '../../app/announce.js';
import type { ScanStore } from '../../core/store/scans.js';
import { UserError } from '../../core/errors.js';

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
export async function sendAlerts(store: ScanStore, scan: ScanDocument): Promise<void> {
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
      const configFile = flags.config ?? process.env['WARD_CONFIG'];
      const config = loadConfig(configFile ?? DEFAULT_CONFIG, configFile !== undefined, CONTROL_IDS);
      const store = openStore(flags.store);
      const progress = flags.quiet === true ? { update: () => undefined, done: () => undefined } : progressReporter();
      let outcome: ScanOutcome;
      try {
        outcome = await scan({
          config,
          store,
          ...(flags.provider === undefined ? {} : { providers: flags.provider }),
          ...(flags.accounts === undefined ? {} : { accounts: flags.accounts }),
          ...(flags.regions === undefined ? {} : { regions: flags.regions }),
          onProgress: (p) => progress.update(p),
        });
      } finally {
        progress.done();
      }
      const document = outcome.scan;
      const lifecycle = await lifecycleAfter(store, document);
      const summary = renderScanSummary(document, { width: process.stdout.columns ?? 80, ...(outcome.recorded === undefined ? {} : { changes: outcome.recorded.counts }), ...(outcome.muteWarning === undefined ? {} : { muteWarning: outcome.muteWarning }) });
      if (flags.output !== 'table') {
        if (flags.quiet !== true) process.stderr.write(`${forStream(summary, process.stderr, flags.color)}\n`);
        // JSON is streamed: a document of every finding is never built as one string.
        if (flags.output === 'json') await writeJson(process.stdout, document);
        else process.stdout.write(renderDocument(flags.output, document, lifecycle));
      } else if (flags.quiet !== true) {
        process.stdout.write(`${forStream(summary, process.stdout, flags.color)}\n\nStored in ${store.blobs.location} as scan ${document.scanId}.\n`);
      }
      await sendAlerts(store, document);
      if (flags.securityHub === true) {
        const { importToSecurityHub } = await import('../../app/security-hub.js');
        const imported = await importToSecurityHub(document, lifecycle);
        process.stderr.write(`Security Hub: imported ${imported.imported} finding(s) into ${imported.account} in ${imported.region} (${imported.calls} call(s)).\n`);
        if (imported.failed.length > 0) {
          for (const f of imported.failed.slice(0, 10)) process.stderr.write(`Security Hub refused ${f.id}: ${f.code} ${f.message}\n`);
          throw new UserError(`Security Hub refused ${imported.failed.length} finding(s); the scan itself is stored.`);
        }
      }
      if (flags.failOn !== undefined) {
        const n = failingAtOrAbove(document, flags.failOn);
        if (n > 0) {
          process.stderr.write(`ward: ${n} failing finding(s) at or above ${flags.failOn}\n`);
          setExitCode(1);
        }
      }
      if (flags.failOnNew !== undefined) {
        const n = newFailuresAtOrAbove(document, lifecycle, flags.failOnNew);
        if (n > 0) {
          process.stderr.write(`ward: ${n} new or reopened failing finding(s) at or above ${flags.failOnNew}\n`);
          setExitCode(1);
        }
      }
    });
}

import type { Command } from 'commander';
import { scan, type ScanOutcome } from '../../app/scan.js';
import { CONTROL_IDS } from '../../checks/index.js';
import { loadConfig } from '../../core/config.js';
import { severityRank, type Provider, type ScanDocument, type Severity } from '../../core/model.js';
import { renderScanSummary } from '../../reports/console.js';
import { commaList, outputOption, providerOption, severityOption } from '../options.js';
import { progressReporter } from '../progress.js';
import { writeJson } from '../json-stream.js';
import { openStore } from '../../app/store.js';
import { announceScan } from '../../app/announce.js';
import type { ScanStore } from '../../core/store/scans.js';

export const DEFAULT_CONFIG = 'ward.config.yml';

interface ScanFlags {
  config?: string;
  provider?: Provider[];
  accounts?: string[];
  regions?: string[];
  output: 'table' | 'json';
  failOn?: Severity;
  store?: string;
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
    .option('-o, --output <format>', 'table or json (json: the scan document on stdout, summary on stderr)', outputOption, 'table')
    .option('--fail-on <severity>', 'exit 1 when a failing finding is at or above this severity', severityOption)
    .option('--store <dir>', 'where findings are kept (default: WARD_STORE or ./.ward)')
    .action(async (flags: ScanFlags) => {
      const configFile = flags.config ?? process.env['WARD_CONFIG'];
      const config = loadConfig(configFile ?? DEFAULT_CONFIG, configFile !== undefined, CONTROL_IDS);
      const store = openStore(flags.store);
      const progress = progressReporter();
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
      const summary = renderScanSummary(document, { width: process.stdout.columns ?? 100, ...(outcome.recorded === undefined ? {} : { changes: outcome.recorded.counts }), ...(outcome.muteWarning === undefined ? {} : { muteWarning: outcome.muteWarning }) });
      if (flags.output === 'json') {
        process.stderr.write(`${summary}\n`);
        await writeJson(process.stdout, document);
      } else {
        process.stdout.write(`${summary}\n\nStored in ${store.blobs.location} as scan ${document.scanId}.\n`);
      }
      await sendAlerts(store, document);
      if (flags.failOn !== undefined) {
        const n = failingAtOrAbove(document, flags.failOn);
        if (n > 0) {
          process.stderr.write(`ward: ${n} failing finding(s) at or above ${flags.failOn}\n`);
          setExitCode(1);
        }
      }
    });
}

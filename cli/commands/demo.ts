import type { Command } from 'commander';
import { demoConfig, startDemoSandbox } from '../../app/demo.js';
import { scan } from '../../app/scan.js';
import { openStore } from '../../app/store.js';
import { renderScanSummary } from '../../reports/console.js';
import { progressReporter } from '../progress.js';
import { forStream } from '../colour.js';
import { sendAlerts } from './scan.js';
import { buildWeeklyEvidence } from '../../reports/weekly.js';
import { evidenceSignerFrom } from './report.js';
import { demoChange, renderDemoChange } from '../../app/demo-change.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .option('--store <dir>', 'where findings are kept (default: WARD_STORE or ./.ward)')
    .option('--no-color', 'no colours (also NO_COLOR); colour is only ever used on a terminal')
    .action(async (flags: { store?: string; color?: boolean }) => {
      const config = demoConfig();
      const sandbox = await startDemoSandbox(config);
      try {
        process.stderr.write(`Sandbox cloud for ${config.organizationName} at ${sandbox.url} (AWS, Google Cloud and Azure APIs, offline)\n`);
        const store = openStore(flags.store);
        const progress = progressReporter();
        const outcome = await scan({ config, store, onProgress: (p) => progress.update(p) }).finally(() => progress.done());
        const summary = renderScanSummary(outcome.scan, { width: process.stdout.columns ?? 80, ...(outcome.recorded === undefined ? {} : { changes: outcome.recorded.counts }), ...(outcome.muteWarning === undefined ? {} : { muteWarning: outcome.muteWarning }) });
        process.stdout.write(`${forStream(summary, process.stdout, flags.color)}\n`);
        await sendAlerts(store, outcome.scan);
        const signer = evidenceSignerFrom({});
        const evidence = await buildWeeklyEvidence(store, { organization: config.organizationName, mutes: config.mutes, ...(signer === undefined ? {} : { signer }) });
        process.stdout.write(`\nStored in ${store.blobs.location} as scan ${outcome.scan.scanId}.\n`);
        process.stdout.write(`This week's evidence (${evidence.week}, ${evidence.pages} pages):\n`);
        for (const key of ['pdf', 'json', 'csv', 'bundle'] as const) process.stdout.write(`  ${key.padEnd(7)}${await store.blobs.downloadLink(evidence.keys[key], 3600)}\n`);
        process.stdout.write(`${renderDemoChange(await demoChange(sandbox, config, store))}\n\n`);
        process.stdout.write('Next: npx ward findings --status new · npx ward evidence verify <bundle>\n');
      } finally {
        await sandbox.close();
      }
    });
}

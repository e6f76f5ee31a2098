import { Option, type Command } from 'commander';
import { ALL_CONTROLS } from '../../checks/index.js';
import { controlsMarkdown } from '../../reports/controls-doc.js';
import { renderTable } from '../../reports/console.js';
import { datasetsOf } from '../../core/control.js';

export function registerControls(program: Command): void {
  program
    .command('controls')
    .addOption(new Option('-o, --output <format>', 'the format').choices(['table', 'json', 'markdown']).default('table'))
    .action((flags: { output: string }) => {
      if (flags.output === 'markdown') {
        process.stdout.write(controlsMarkdown(ALL_CONTROLS));
        return;
      }
      if (flags.output === 'json') {
        const rows = ALL_CONTROLS.map((c) => ({
          id: c.id,
          provider: c.provider,
          area: c.area,
          title: c.title,
          severity: c.severity,
          hipaa: c.hipaa,
          reads: datasetsOf(c).flatMap((d) => d.actions),
          remediation: c.remediation,
        }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const rows = ALL_CONTROLS.map((c) => [c.id, c.area, c.severity, c.hipaa.join(' ')]);
      const reads = ALL_CONTROLS.map((c) => `reads ${datasetsOf(c).map((d) => d.api).join(', ')}`);
      process.stdout.write(`${renderTable(['Control', 'Area', 'Severity', 'HIPAA'], rows, Math.max(60, process.stdout.columns ?? 80), reads)}\n`);
    });
}

import { InvalidArgumentError, type Command } from 'commander';
import { FINDING_FILTERS, listFindings, type FindingFilter } from '../../app/findings.js';
import { renderTable } from '../../reports/console.js';
import { outputOption } from '../options.js';
import { openStore } from '../../app/store.js';

function statusOption(value: string): FindingFilter {
  if (!(FINDING_FILTERS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${FINDING_FILTERS.join(', ')}`);
  return value as FindingFilter;
}

function dateOption(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected a date such as 2026-11-01 or 2026-11-01T08:00:00Z');
  return date;
}

export function registerFindings(program: Command): void {
  program
    .command('findings')
    .option('--status <status>', `new, open (failing now), resolved, muted or error`, statusOption)
    .option('--since <date>', 'only findings whose state changed since this date', dateOption)
    .option('-o, --output <format>', 'table or json', outputOption, 'table')
    .option('--store <dir>', 'where findings are kept (default: WARD_STORE or ./.ward)')
    .action(async (flags: { status?: FindingFilter; since?: Date; output: 'table' | 'json'; store?: string }) => {
      const rows = await listFindings(openStore(flags.store), {
        ...(flags.status === undefined ? {} : { status: flags.status }),
        ...(flags.since === undefined ? {} : { since: flags.since }),
      });
      if (flags.output === 'json') {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        process.stdout.write('No findings match.\n');
        return;
      }
      const table = rows.map((r) => [
        r.state,
        r.finding.status,
        r.finding.severity,
        r.finding.controlId,
        `${r.finding.provider}:${r.finding.account}/${r.finding.region}`,
        r.finding.resource.name ?? r.finding.resource.id,
        r.firstSeen.slice(0, 10),
        r.finding.message,
      ]);
      process.stdout.write(`${renderTable(['State', 'Status', 'Severity', 'Control', 'Where', 'Resource', 'First seen', 'What'], table)}\n`);
    });
}

import { InvalidArgumentError, Option, type Command } from 'commander';
import { FINDING_FILTERS, listFindings, type FindingFilter, type ListedFinding } from '../../app/findings.js';
import { queryFindings } from '../../app/findings-query.js';
import { fitLines, wrap } from '../../reports/console.js';
import { csvDocument } from '../../reports/scan-csv.js';
import { commaList, providerOption, severityOption } from '../options.js';
import { openStore } from '../../app/store.js';
import { forStream } from '../colour.js';
import type { Provider, Severity } from '../../core/model.js';

function statusOption(value: string): FindingFilter {
  if (!(FINDING_FILTERS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${FINDING_FILTERS.join(', ')}`);
  return value as FindingFilter;
}

function dateOption(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected a date such as 2026-11-01 or 2026-11-01T08:00:00Z');
  return date;
}

function severityList(value: string): Severity[] {
  return commaList(value).map(severityOption);
}

export const FINDINGS_OUTPUTS = ['table', 'json', 'csv'] as const;

interface FindingsFlags {
  status?: FindingFilter;
  since?: Date;
  severity?: Severity[];
  control?: string[];
  account?: string[];
  provider?: Provider[];
  region?: string[];
  output: (typeof FINDINGS_OUTPUTS)[number];
  color?: boolean;
  store?: string;
}

const INDENT = ' '.repeat(10);

/** One entry per finding: severity, state, control and where; then the resource and age; then what is wrong. */
export function renderFindings(rows: readonly ListedFinding[], width: number): string {
  const lines = [`${rows.length} finding(s), most severe first, oldest first within a severity:`];
  for (const r of rows) {
    const f = r.finding;
    lines.push(`${f.severity.toUpperCase().padEnd(9)} ${r.state.padEnd(8)}  ${f.controlId}  ${f.provider}:${f.account}/${f.region}`);
    lines.push(`${INDENT}${f.resource.name ?? f.resource.id} · ${f.status} · first seen ${r.firstSeen.slice(0, 10)}`);
    for (const line of wrap(f.message, width - INDENT.length)) lines.push(`${INDENT}${line}`);
  }
  return fitLines(lines, width).join('\n');
}

function renderCsv(rows: readonly ListedFinding[]): string {
  return csvDocument(
    rows.map((r) => ({ finding: r.finding, scanId: null, lifecycle: r.state === 'error' ? null : { state: r.state, firstSeen: r.firstSeen, lastSeen: r.lastSeen, changedAt: r.changedAt } })),
  );
}

export function registerFindings(program: Command): void {
  program
    .command('findings')
    .option('--status <status>', `new, open (failing now), resolved, muted or error`, statusOption)
    .option('--since <date>', 'only findings whose state changed since this date', dateOption)
    .option('--severity <list>', 'only these severities (comma-separated: critical,high)', severityList)
    .option('--control <ids>', 'only these controls (comma-separated; * matches any run: aws-rds-*)', commaList)
    .option('--account <ids>', 'only these accounts, projects or subscriptions (comma-separated)', commaList)
    .option('--provider <name>', 'aws, gcp, azure or all', providerOption)
    .option('--region <names>', 'only these regions (comma-separated; global for account-wide findings)', commaList)
    .addOption(new Option('-o, --output <format>', 'the format').choices(FINDINGS_OUTPUTS).default('table'))
    .option('--no-color', 'no colours (also NO_COLOR); colour is only ever used on a terminal')
    .option('--store <dir>', 'where findings are kept (default: WARD_STORE or ./.ward)')
    .action(async (flags: FindingsFlags) => {
      const listed = await listFindings(openStore(flags.store), {
        ...(flags.status === undefined ? {} : { status: flags.status }),
        ...(flags.since === undefined ? {} : { since: flags.since }),
      });
      const rows = queryFindings(listed, {
        ...(flags.severity === undefined ? {} : { severities: flags.severity }),
        ...(flags.control === undefined ? {} : { controls: flags.control }),
        ...(flags.account === undefined ? {} : { accounts: flags.account }),
        ...(flags.provider === undefined ? {} : { providers: flags.provider }),
        ...(flags.region === undefined ? {} : { regions: flags.region }),
      });
      if (flags.output === 'json') {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (flags.output === 'csv') {
        process.stdout.write(renderCsv(rows));
        return;
      }
      if (rows.length === 0) {
        process.stdout.write('No findings match.\n');
        return;
      }
      process.stdout.write(`${forStream(renderFindings(rows, Math.max(60, process.stdout.columns ?? 80)), process.stdout, flags.color)}\n`);
    });
}

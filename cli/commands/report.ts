import { InvalidArgumentError, type Command } from 'commander';
import { CONTROL_IDS } from '../../checks/index.js';
import { loadConfig } from '../../core/config.js';
import { UserError } from '../../core/errors.js';
import { openStore } from '../../app/store.js';
import { hmacSignerFrom } from '../../reports/signing.js';
import { describeWeek, parseIsoWeek } from '../../reports/week.js';
import { buildWeeklyEvidence } from '../../reports/weekly.js';

const CONFIG_FILE = 'ward.config.yml';

interface ReportFlags {
  week?: string;
  store?: string;
  config?: string;
  organization?: string;
  hmacKeyFile?: string;
}

export function weekOption(value: string): string {
  try {
    return parseIsoWeek(value).id;
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** Where a store object is, for people: a path for the local store, an s3:// URL for S3. */
export function locationOf(location: string, key: string): string {
  return `${location.replace(/\/+$/, '')}/${key}`;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Build the weekly evidence report (PDF, JSON, CSV) and its bundle for an ISO week, into the store.')
    .option('--week <week>', 'ISO week, e.g. 2026-W47 (default: the current week, UTC)', weekOption)
    .option('--store <dir>', 'where findings are kept (default: WARD_STORE or ./.ward)')
    .option('-c, --config <file>', `configuration file, for the organisation name and mutes (default: ${CONFIG_FILE} when it exists, or WARD_CONFIG)`)
    .option('--organization <name>', 'organisation named on the report (default: organizationName from the configuration, else "Your organisation")')
    .option('--hmac-key-file <file>', 'sign the bundle manifest with this HMAC-SHA256 key, base64 or hex (default: WARD_EVIDENCE_HMAC_KEY when set)')
    .action(async (flags: ReportFlags) => {
      const configFile = flags.config ?? process.env['WARD_CONFIG'];
      const config = loadConfig(configFile ?? CONFIG_FILE, configFile !== undefined, CONTROL_IDS);
      const organization = flags.organization ?? config.organizationName;
      if (organization.trim() === '') throw new UserError('The organisation name is empty. Fix: --organization "Acme Health".');
      const signer = hmacSignerFrom(flags.hmacKeyFile === undefined ? {} : { keyFile: flags.hmacKeyFile });
      const store = openStore(flags.store);
      const out = await buildWeeklyEvidence(store, {
        ...(flags.week === undefined ? {} : { week: flags.week }),
        organization,
        mutes: config.mutes,
        muteWarnShare: config.muteLimits.warnShare,
        ...(signer === undefined ? {} : { signer }),
      });
      const week = parseIsoWeek(out.week);
      const where = (key: string) => locationOf(out.location, key);
      process.stdout.write(
        [
          `Weekly evidence for ${out.week} (${describeWeek(week)}, UTC): ${out.findings} findings, ${out.pages} PDF pages.`,
          `  PDF       ${where(out.keys.pdf)}`,
          `  JSON      ${where(out.keys.json)}`,
          `  CSV       ${where(out.keys.csv)}`,
          `  Bundle    ${where(out.keys.bundle)}${signer === undefined ? ' (not signed)' : ` (signed, ${signer.algorithm} key ${signer.keyId})`}`,
          `  Manifest  ${where(out.keys.manifest)}`,
          '',
        ].join('\n'),
      );
      if (out.findings === 0) process.stderr.write(`ward: no scan results for ${out.week}: the report says nothing was assessed.\n`);
    });
}

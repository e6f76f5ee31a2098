import { InvalidArgumentError, Option, type Command } from 'commander';
import { CONTROL_IDS } from '../../checks/index.js';
import { loadConfig } from '../../core/config.js';
import { UserError } from '../../core/errors.js';
import { openStore } from '../../app/store.js';
import { signerFromKeyFile, SIGNING_KEY_ENV } from '../../reports/keys.js';
import { hmacSignerFrom, type EvidenceSigner } from '../../reports/signing.js';
import { describeWeek, parseIsoWeek } from '../../reports/week.js';
import { buildWeeklyEvidence } from '../../reports/weekly.js';
import { buildPeriodEvidence } from '../../reports/period-evidence.js';

const CONFIG_FILE = 'ward.config.yml';

interface ReportFlags {
  week?: string;
  store?: string;
  config?: string;
  organization?: string;
  hmacKeyFile?: string;
  signingKey?: string;
  from?: string;
  to?: string;
}

/** The signer a command line asks for: a private key file, an HMAC key file, or either from the environment. */
export function evidenceSignerFrom(flags: { hmacKeyFile?: string; signingKey?: string }, env: NodeJS.ProcessEnv = process.env): EvidenceSigner | undefined {
  const keyFile = flags.signingKey ?? (flags.hmacKeyFile === undefined ? env[SIGNING_KEY_ENV] : undefined);
  if (keyFile !== undefined && keyFile.trim() !== '') return signerFromKeyFile(keyFile);
  return hmacSignerFrom(flags.hmacKeyFile === undefined ? { env } : { keyFile: flags.hmacKeyFile, env });
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
    .addOption(new Option('--week <week>', 'ISO week, e.g. 2026-W47 (default: the current week, UTC)').argParser(weekOption).conflicts(['from', 'to']))
    .option('--from <date>', 'audit period: first day, YYYY-MM-DD (UTC); with --to, builds the period report instead of a weekly one')
    .option('--to <date>', 'audit period: last day, YYYY-MM-DD (UTC, inclusive)')
    .option('--store <dir>', 'where findings are kept (default: WARD_STORE or ./.ward)')
    .option('-c, --config <file>', `configuration file, for the organisation name and mutes (default: ${CONFIG_FILE} when it exists, or WARD_CONFIG)`)
    .option('--organization <name>', 'organisation named on the report (default: organizationName from the configuration, else "Your organisation")')
    .addOption(new Option('--hmac-key-file <file>', 'sign the bundle manifest with this HMAC-SHA256 key, base64 or hex (default: WARD_EVIDENCE_HMAC_KEY when set)').conflicts('signingKey'))
    .option('--signing-key <file>', `sign the bundle manifest with this private key from \`ward evidence keygen\` (default: ${SIGNING_KEY_ENV} when set)`)
    .action(async (flags: ReportFlags) => {
      const configFile = flags.config ?? process.env['WARD_CONFIG'];
      const config = loadConfig(configFile ?? CONFIG_FILE, configFile !== undefined, CONTROL_IDS);
      const organization = flags.organization ?? config.organizationName;
      if (organization.trim() === '') throw new UserError('The organisation name is empty. Fix: --organization "Acme Health".');
      const signer = evidenceSignerFrom(flags);
      const store = openStore(flags.store);
      if (flags.from !== undefined || flags.to !== undefined) {
        if (flags.from === undefined || flags.to === undefined) throw new UserError('An audit period needs both --from and --to (YYYY-MM-DD). Fix: --from 2026-01-01 --to 2026-12-31.');
        const period = await buildPeriodEvidence(store, { from: flags.from, to: flags.to, organization, mutes: config.mutes, ...(signer === undefined ? {} : { signer }) });
        const at = (key: string) => locationOf(period.location, key);
        const d = period.data;
        process.stdout.write(
          [
            `Audit period ${flags.from} to ${flags.to}${d.inProgress ? ' (in progress: period so far)' : ''}: ${d.scans} scans, ${d.remediated.length} findings remediated, ${d.openAtEnd.length} open at the end, ${d.daysWithoutScan.length} day(s) without a completed scan, ${period.pages} PDF pages.`,
            `  PDF       ${at(period.keys.pdf)}`,
            `  JSON      ${at(period.keys.json)}`,
            `  CSV       ${at(period.keys.csv)}`,
            `  Bundle    ${at(period.keys.bundle)}${signer === undefined ? ' (not signed)' : ` (signed, ${signer.algorithm} key ${signer.keyId})`}`,
            `  Manifest  ${at(period.keys.manifest)}`,
            '',
          ].join('\n'),
        );
        return;
      }
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

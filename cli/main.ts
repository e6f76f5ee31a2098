// `ward`: a thin door into the engine. Commands parse flags, call app/ and print; exit codes are
// 0 (done, failing findings included), 1 (--fail-on threshold met), 2 (could not run).

import { Command, CommanderError } from 'commander';
import { WARD_VERSION } from '../core/version.js';
import { UserError } from '../core/errors.js';
import { registerScan } from './commands/scan.js';
import { registerPolicy } from './commands/policy.js';
import { registerControls } from './commands/controls.js';
import { registerDemo } from './commands/demo.js';
import { registerFindings } from './commands/findings.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerReport } from './commands/report.js';
import { registerEvidence } from './commands/evidence.js';
import { registerCompletion } from './commands/completion.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_CANNOT_RUN = 2;

export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('ward')
    .description('Cloud security posture scanner for HIPAA workloads on AWS, Google Cloud and Azure.')
    .version(WARD_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerScan(program, setExitCode);
  registerFindings(program);
  registerPolicy(program);
  registerControls(program);
  registerDemo(program);
  registerSandbox(program);
  registerReport(program);
  registerEvidence(program, setExitCode);
  registerCompletion(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? EXIT_OK : EXIT_CANNOT_RUN;
    }
    if (error instanceof UserError) {
      process.stderr.write(`ward: ${error.message}\n`);
      return EXIT_CANNOT_RUN;
    }
    const detail = process.env['WARD_DEBUG'] ? `\n${(error as Error).stack ?? ''}` : ' (set WARD_DEBUG=1 for details)';
    process.stderr.write(`ward: unexpected error: ${(error as Error).message ?? String(error)}${detail}\n`);
    return EXIT_CANNOT_RUN;
  }
}

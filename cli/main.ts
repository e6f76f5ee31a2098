// `ward`: a thin door into the engine. Commands parse flags, call app/ and print; exit codes are
// 0 (done, failing findings included), 1 (--fail-on threshold met), 2 (could not run).

import { Command, CommanderError } from 'commander';
import { WARD_VERSION } from '../core/version.js';
import { UserError } from '../core/errors.js';
import { COMMANDS, requestedCommand, type SetExitCode } from './commands/index.js';
import { explainSystemError } from '../core/system-errors.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_CANNOT_RUN = 2;

/**
 * The program with every command of the table listed, and the code of the one `args` asks for loaded
 * (the others stay one-line entries for `--help`).
 */
export async function buildProgram(args: readonly string[], setExitCode: SetExitCode): Promise<Command> {
  const program = new Command('ward')
    .description('Cloud security posture scanner for HIPAA workloads on AWS, Google Cloud and Azure.')
    .version(WARD_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const requested = requestedCommand(args);
  // A completion script describes every command's options, so it loads them all.
  const loadAll = requested?.name === 'completion';
  for (const entry of COMMANDS) {
    if (entry === requested || loadAll) (await entry.load())(program, setExitCode);
    else program.command(entry.name);
    program.commands.at(-1)?.description(entry.description);
  }
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = EXIT_OK;
  try {
    const program = await buildProgram(argv.slice(2), (code) => {
      exitCode = code;
    });
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
    const explained = explainSystemError(error);
    if (explained !== undefined) {
      process.stderr.write(`ward: ${explained}\n`);
      return EXIT_CANNOT_RUN;
    }
    const detail = process.env['WARD_DEBUG'] ? `\n${(error as Error).stack ?? ''}` : ' (set WARD_DEBUG=1 for details)';
    process.stderr.write(`ward: unexpected error: ${(error as Error).message ?? String(error)}${detail}\n`);
    return EXIT_CANNOT_RUN;
  }
}

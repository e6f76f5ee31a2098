import type { Command } from 'commander';

export function registerDemo(program: Command, _setExitCode: (code: number) => void): void {
  program
    .command('demo')
    .description('What `npm start` runs: scan the bundled sandbox cloud.')
    .action(() => {
      process.stdout.write(
        [
          'Ward is built. To scan your AWS account (read-only):',
          '  npx ward policy            # the IAM policy the scan needs',
          '  npx ward scan              # uses your default AWS credentials',
          '  npx ward scan --output json > scan.json',
          '',
        ].join('\n'),
      );
    });
}

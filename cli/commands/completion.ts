import { Argument, type Command } from 'commander';
import { SHELLS, completionScript, type Shell } from '../completion.js';

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('Print a shell completion script: eval "$(ward completion bash)"; zsh and fish: see the script\'s first lines.')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .action((shell: Shell) => {
      process.stdout.write(completionScript(shell, program));
    });
}

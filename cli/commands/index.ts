// The command table: what `ward --help` lists, and how to load each command's code. Only the command
// that runs is imported (`ward --version` / `--help` load none), so start-up does not pay for the
// SDKs, the PDF renderer or the sandbox. A new command adds a row here and a register function in
// its own module.

import type { Command } from 'commander';

export type SetExitCode = (code: number) => void;
export type RegisterCommand = (program: Command, setExitCode: SetExitCode) => void;

export interface CommandEntry {
  name: string;
  description: string;
  load(): Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'scan',
    description: 'Scan the configured accounts and store the findings.',
    load: async () => (await import('./scan.js')).registerScan,
  },
  {
    name: 'findings',
    description: 'List stored findings with their lifecycle (default: everything not resolved).',
    load: async () => (await import('./findings.js')).registerFindings,
  },
  {
    name: 'policy',
    description: "Print the least privilege Ward's scan needs, derived from the enabled controls: an IAM policy (aws), a custom role (gcp, azure).",
    load: async () => (await import('./policy.js')).registerPolicy,
  },
  {
    name: 'controls',
    description: 'List every control: id, area, severity, HIPAA references and what it reads.',
    load: async () => (await import('./controls.js')).registerControls,
  },
  {
    name: 'demo',
    description: 'What `npm start` runs: start the bundled sandbox cloud, scan it, store the findings and print the summary.',
    load: async () => (await import('./demo.js')).registerDemo,
  },
  {
    name: 'sandbox',
    description: 'Run the simulated AWS / Google Cloud / Azure APIs for a world file (default: the bundled demo) until Ctrl-C.',
    load: async () => (await import('./sandbox.js')).registerSandbox,
  },
  {
    name: 'report',
    description: 'Build the weekly evidence report (PDF, JSON, CSV) and its bundle for an ISO week, into the store.',
    load: async () => (await import('./report.js')).registerReport,
  },
  {
    name: 'evidence',
    description: 'Evidence bundles: verify one offline, or get a download link.',
    load: async () => (await import('./evidence.js')).registerEvidence,
  },
  {
    name: 'completion',
    description: 'Print a shell completion script: eval "$(ward completion bash)"; zsh and fish: see the script\'s first lines.',
    load: async () => (await import('./completion.js')).registerCompletion,
  },
];

/** The command the arguments ask for (`ward help <name>` included), if it is one of the table's. */
export function requestedCommand(args: readonly string[]): CommandEntry | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((entry) => entry.name === name);
}

// `ward completion bash|zsh|fish`: shell completion scripts generated from the command definitions
// themselves, so a new command or option completes without anyone editing a script.

import type { Command } from 'commander';
import { FINDING_FILTERS } from '../app/findings.js';
import { SEVERITIES } from '../core/model.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface CommandSpec {
  name: string;
  description: string;
  options: Array<{ flags: string[]; description: string; takesValue: boolean; values?: readonly string[] }>;
}

/** Values for options whose parser is a function rather than a list of choices. */
const VALUE_HINTS: Record<string, readonly string[]> = {
  '--severity': SEVERITIES,
  '--fail-on': SEVERITIES,
  '--fail-on-new': SEVERITIES,
  '--provider': ['aws', 'gcp', 'azure', 'all'],
  '--status': FINDING_FILTERS,
};

export function commandSpecs(program: Command): CommandSpec[] {
  return program.commands.map((command) => ({
    name: command.name(),
    description: command.description(),
    options: [
      ...command.options.map((option) => {
        const long = option.long ?? '';
        const values = option.argChoices ?? VALUE_HINTS[long];
        const flags = [option.short, option.long].filter((f): f is string => f !== undefined);
        return { flags, description: option.description, takesValue: option.required || option.optional, ...(values === undefined ? {} : { values }) };
      }),
      { flags: ['-h', '--help'], description: 'display help for command', takesValue: false },
    ],
  }));
}

/** Single-quoted for the shell: safe for any text. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function bash(specs: CommandSpec[]): string {
  const names = specs.map((s) => s.name).join(' ');
  const optionCases = specs.map((s) => `    ${s.name}) opts=${quote(s.options.flatMap((o) => o.flags).join(' '))} ;;`).join('\n');
  const valueCases = new Map<string, string>();
  for (const s of specs) for (const o of s.options) if (o.values !== undefined) for (const f of o.flags) valueCases.set(`${s.name} ${f}`, o.values.join(' '));
  const values = [...valueCases.entries()].map(([key, list]) => `    ${quote(key)}) COMPREPLY=( $(compgen -W ${quote(list)} -- "$cur") ); return ;;`).join('\n');
  return `# ward bash completion: eval "$(ward completion bash)" (or save it under bash-completion's completions/ward)
_ward() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" command="\${COMP_WORDS[1]}" opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W ${quote(`${names} --help --version`)} -- "$cur") )
    return
  fi
  case "$command $prev" in
${values}
  esac
  case "$command" in
${optionCases}
    *) opts='' ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o filenames -F _ward ward
`;
}

function zsh(specs: CommandSpec[]): string {
  const commands = specs.map((s) => `    ${quote(`${s.name}:${s.description.replace(/:/g, '\\:')}`)}`).join('\n');
  const cases = specs
    .map((s) => {
      const args = s.options.map((o) => {
        const help = o.description.replace(/[[\]:]/g, ' ');
        const value = !o.takesValue ? '' : o.values === undefined ? ':value:_files' : `:value:(${o.values.join(' ')})`;
        const flags = o.flags.length > 1 ? `{${o.flags.join(',')}}` : o.flags[0] ?? '';
        return `        ${o.flags.length > 1 ? `'(${o.flags.join(' ')})'` : ''}${flags}${quote(`[${help}]${value}`)}`;
      });
      return `      ${s.name})\n        _arguments \\\n${args.join(' \\\n')} \\\n          '*:file:_files'\n        ;;`;
    })
    .join('\n');
  return `#compdef ward
# ward zsh completion: ward completion zsh > "\${fpath[1]}/_ward" (then compinit)
_ward() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'ward command' commands
    return
  fi
  shift words
  (( CURRENT-- ))
  case "\${words[1]}" in
${cases}
  esac
}
compdef _ward ward
`;
}

function fish(specs: CommandSpec[]): string {
  const lines = ['# ward fish completion: ward completion fish > ~/.config/fish/completions/ward.fish', 'complete -c ward -f'];
  const names = specs.map((s) => s.name).join(' ');
  for (const s of specs) lines.push(`complete -c ward -n ${quote(`not __fish_seen_subcommand_from ${names}`)} -a ${s.name} -d ${quote(s.description)}`);
  for (const s of specs) {
    for (const o of s.options) {
      const short = o.flags.find((f) => /^-[^-]/.test(f));
      const long = o.flags.find((f) => f.startsWith('--'));
      const parts = [`complete -c ward -n ${quote(`__fish_seen_subcommand_from ${s.name}`)}`];
      if (short !== undefined) parts.push(`-s ${short.slice(1)}`);
      if (long !== undefined) parts.push(`-l ${long.slice(2)}`);
      if (o.values !== undefined) parts.push(`-x -a ${quote(o.values.join(' '))}`);
      else if (o.takesValue) parts.push('-r -F');
      parts.push(`-d ${quote(o.description)}`);
      lines.push(parts.join(' '));
    }
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell, program: Command): string {
  const specs = commandSpecs(program);
  switch (shell) {
    case 'bash':
      return bash(specs);
    case 'zsh':
      return zsh(specs);
    case 'fish':
      return fish(specs);
  }
}

// The command table: `--help` lists every command from the table alone, and each row's module
// registers the command the row names (so a table and its modules cannot drift apart).

import { describe, expect, it } from 'vitest';
import { buildProgram } from '../main.js';
import { COMMANDS, requestedCommand } from './index.js';

const noExit = (): void => undefined;

describe('the command table', () => {
  it('finds the command the arguments ask for, options and `help <name>` included', () => {
    expect(requestedCommand(['scan', '--output', 'json'])?.name).toBe('scan');
    expect(requestedCommand(['--verbose', 'findings'])?.name).toBe('findings');
    expect(requestedCommand(['help', 'report'])?.name).toBe('report');
    expect(requestedCommand(['--version'])).toBeUndefined();
    expect(requestedCommand(['nonsense'])).toBeUndefined();
  });

  it('lists every command with its description without loading any', async () => {
    const program = await buildProgram(['--help'], noExit);
    expect(program.commands.map((c) => [c.name(), c.description()])).toEqual(COMMANDS.map((c) => [c.name, c.description]));
    // Unloaded rows are bare entries: no options of their own.
    expect(program.commands.every((c) => c.options.length === 0)).toBe(true);
  });

  it.each(COMMANDS.map((c) => c.name))('loads and registers `%s` when it runs', async (name) => {
    const program = await buildProgram([name], noExit);
    const command = program.commands.find((c) => c.name() === name);
    expect(command?.description()).toBe(COMMANDS.find((c) => c.name === name)?.description);
    expect(program.commands).toHaveLength(COMMANDS.length);
    expect((command?.options.length ?? 0) + (command?.commands.length ?? 0) + (command?.registeredArguments.length ?? 0)).toBeGreaterThan(0);
  });
});

import type { Command } from 'commander';
import { demoConfig, demoConfigPath, demoWorld, sandboxVariables } from '../../app/demo.js';
import { loadWorld } from '../../sandbox/world.js';
import { startSandbox } from '../../sandbox/server.js';
import { positiveInt } from '../options.js';

/** A value as one shell word: as it is when that is safe, single-quoted otherwise. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .argument('[world]', 'a world file (YAML); see sandbox/README.md')
    .option('--port <n>', 'port to listen on (default: a free one)', positiveInt)
    .action(async (worldFile: string | undefined, flags: { port?: number }) => {
      const world = worldFile === undefined ? demoWorld() : loadWorld(worldFile);
      const sandbox = await startSandbox({ world, port: flags.port ?? 0 });
      const variables = sandboxVariables(sandbox.url, demoConfig());
      if (worldFile !== undefined) {
        delete variables['WARD_GCP_SCOPES'];
        delete variables['WARD_AZURE_SUBSCRIPTIONS'];
      } else {
        // The demo's organisation fan-out (member role, external id) lives in its configuration:
        // without it `ward scan` would see only the current account, not npm start's five targets.
        variables['WARD_CONFIG'] = demoConfigPath();
      }
      process.stdout.write(`# Ward sandbox listening on ${sandbox.url}. Export these, then run ward, the AWS CLI or any SDK:\n`);
      for (const [key, value] of Object.entries(variables)) process.stdout.write(`export ${key}=${shellWord(value)}\n`);
      process.stderr.write('Press Ctrl-C to stop.\n');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sandbox.close();
    });
}

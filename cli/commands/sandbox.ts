import type { Command } from 'commander';
import { demoConfig, demoWorld, sandboxVariables } from '../../app/demo.js';
import { loadWorld } from '../../sandbox/world.js';
import { startSandbox } from '../../sandbox/server.js';
import { positiveInt } from '../options.js';

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
      }
      process.stdout.write(`# Ward sandbox listening on ${sandbox.url}. Export these, then run ward, the AWS CLI or any SDK:\n`);
      for (const [key, value] of Object.entries(variables)) process.stdout.write(`export ${key}=${value}\n`);
      process.stderr.write('Press Ctrl-C to stop.\n');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sandbox.close();
    });
}

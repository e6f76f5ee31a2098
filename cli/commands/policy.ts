import type { Command } from 'commander';
import { CONTROL_IDS, selectControls } from '../../checks/index.js';
import { loadConfig } from '../../core/config.js';
import { awsScanPolicy } from '../../providers/aws/policy.js';
import { DEFAULT_CONFIG } from './scan.js';

export function registerPolicy(program: Command): void {
  program
    .command('policy')
    .description("Print the least-privilege IAM policy Ward's scan needs, derived from the enabled controls.")
    .option('-c, --config <file>', `configuration file (default: ${DEFAULT_CONFIG} when it exists)`)
    .action((flags: { config?: string }) => {
      const configFile = flags.config ?? process.env['WARD_CONFIG'];
      const config = loadConfig(configFile ?? DEFAULT_CONFIG, configFile !== undefined, CONTROL_IDS);
      const controls = selectControls({ disabled: config.controls.disabled, providers: ['aws'] });
      const policy = awsScanPolicy(controls, config.aws.accounts.map((a) => a.roleArn));
      process.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
    });
}

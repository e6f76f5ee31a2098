import { InvalidArgumentError, type Command } from 'commander';
import { CONTROL_IDS, selectControls } from '../../checks/index.js';
import { loadConfig } from '../../core/config.js';
import type { Provider } from '../../core/model.js';
import { azureSubscriptions } from '../../app/targets.js';
import { awsScanPolicy } from '../../providers/aws/policy.js';
import { azureReaderRole } from '../../providers/azure/policy.js';
import { gcpCustomRole } from '../../providers/gcp/policy.js';
import { DEFAULT_CONFIG } from './scan.js';

function oneProvider(value: string): Provider {
  if (value !== 'aws' && value !== 'gcp' && value !== 'azure') throw new InvalidArgumentError('expected aws, gcp or azure');
  return value;
}

export function registerPolicy(program: Command): void {
  program
    .command('policy')
    .option('--provider <name>', 'aws, gcp or azure', oneProvider, 'aws')
    .option('-c, --config <file>', `configuration file (default: ${DEFAULT_CONFIG} when it exists)`)
    .action((flags: { provider: Provider; config?: string }) => {
      const configFile = flags.config ?? process.env['WARD_CONFIG'];
      const config = loadConfig(configFile ?? DEFAULT_CONFIG, configFile !== undefined, CONTROL_IDS);
      const controls = selectControls({ disabled: config.controls.disabled, providers: [flags.provider] });
      const document =
        flags.provider === 'aws'
          ? awsScanPolicy(
              controls,
              config.aws.accounts.map((a) => a.roleArn),
              config.organization && config.aws.memberRole !== undefined ? config.aws.memberRole.name : undefined,
            )
          : flags.provider === 'azure'
            ? azureReaderRole(controls, azureSubscriptions(config) ?? [])
            : gcpCustomRole(controls);
      process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    });
}

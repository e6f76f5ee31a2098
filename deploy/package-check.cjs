// A local Serverless plugin: `sls package` / `sls deploy` warn when no ward.config.yml is there to be
// packaged. The functions would then scan with the defaults (the deploying account only), which is
// rarely what was meant and is silent at run time.
'use strict';

const { existsSync } = require('node:fs');
const { join } = require('node:path');

class WardPackageCheck {
  constructor(serverless, _options, utils) {
    const warn = (text) => (utils?.log?.warning ? utils.log.warning(text) : process.stderr.write(`Warning: ${text}\n`));
    this.hooks = {
      'before:package:createDeploymentArtifacts': () => {
        const file = join(serverless.serviceDir ?? serverless.config.servicePath, 'ward.config.yml');
        if (!existsSync(file)) {
          warn(
            'Ward: no ward.config.yml beside serverless.yml, so none is packaged: the functions will scan with the defaults ' +
              '(the deploying account only, no organisation, GCP or Azure). Copy ward.config.example.yml to ward.config.yml and edit it.',
          );
        }
      },
    };
  }
}

module.exports = WardPackageCheck;

// How Ward's code is bundled, shared by the Lambda package (serverless.yml custom.esbuild, through
// `${file(./deploy/esbuild.cjs):…}`) and the CLI (scripts/bundle-cli.mjs), so the two cannot drift.
// CommonJS: serverless.yml's file() loads CommonJS only (eslint.config.js: **/*.cjs).
'use strict';

module.exports = {
  target: 'node22',
  platform: 'node',
  format: 'esm',
  // The AWS SDK's ES module builds: bundled, only the operations Ward calls remain (its CommonJS
  // builds carry every operation's schema of a client).
  mainFields: ['module', 'main'],
  // CommonJS dependencies inside an ES module bundle still use require(), __filename and __dirname.
  banner: {
    js: "import { createRequire as wardCreateRequire } from 'module'; import { fileURLToPath as wardFileURLToPath } from 'url'; import { dirname as wardDirname } from 'path'; const require = wardCreateRequire(import.meta.url); const __filename = wardFileURLToPath(import.meta.url); const __dirname = wardDirname(__filename);",
  },
};

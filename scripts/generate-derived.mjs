#!/usr/bin/env node
// Writes what is derived from the controls (run after `npm run build`): the docs' control table and
// HIPAA matrix, the read actions Ward's Lambda role gets, the member-role CloudFormation template and
// the EventBridge pattern of the CloudTrail events that trigger change-driven scans.
// `--check` fails, writing nothing, when a committed file is stale.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { ALL_CONTROLS } = await import(join(root, 'dist/checks/index.js'));
const { controlsMarkdown } = await import(join(root, 'dist/reports/controls-doc.js'));
const { awsReadActions } = await import(join(root, 'dist/providers/aws/policy.js'));
const { memberRoleTemplate } = await import(join(root, 'dist/providers/aws/member-role.js'));
const { cloudTrailEventPattern } = await import(join(root, 'dist/core/change-events.js'));

const actions = awsReadActions(ALL_CONTROLS);
const files = {
  'docs/controls.md': `# Controls\n\nGenerated from the files under \`checks/\` by \`npm run generate:derived\`; do not edit.\n\n${controlsMarkdown(ALL_CONTROLS)}`,
  'deploy/generated/aws-read-actions.json': `${JSON.stringify({ actions }, null, 2)}\n`,
  'deploy/member-role.yml': memberRoleTemplate(actions, cloudTrailEventPattern(ALL_CONTROLS)),
  // The EventBridge pattern of the change-driven scan (serverless.yml's ChangeEventsRule reads it).
  'deploy/generated/change-events.json': `${JSON.stringify({ pattern: cloudTrailEventPattern(ALL_CONTROLS) }, null, 2)}\n`,
};

const check = process.argv.includes('--check');
const stale = [];
for (const [path, text] of Object.entries(files)) {
  const target = join(root, path);
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    current = '';
  }
  if (current === text) continue;
  if (check) stale.push(path);
  else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
}
if (stale.length > 0) {
  console.error(`${stale.join(', ')} out of date with the controls. Fix: run \`npm run generate:derived\` and commit the result.`);
  process.exit(1);
}

#!/usr/bin/env node
// Writes docs/controls.md from the built controls (`npm run build` first). `--check` fails when stale.

import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { ALL_CONTROLS } = await import(join(root, 'dist/checks/index.js'));
const { controlsMarkdown } = await import(join(root, 'dist/reports/controls-doc.js'));

const text = `# Controls\n\nGenerated from the files under \`checks/\` by \`npm run docs\`; do not edit.\n\n${controlsMarkdown(ALL_CONTROLS)}`;
const target = join(root, 'docs', 'controls.md');
let current = '';
try {
  current = readFileSync(target, 'utf8');
} catch {
  current = '';
}
if (process.argv.includes('--check')) {
  if (current !== text) {
    console.error('docs/controls.md is out of date with the controls. Fix: run `npm run docs` and commit the result.');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}

#!/usr/bin/env node
// The CLI is compiled and bundled into dist/cli-bundle/ by `npm run build` (run automatically by `npm install`).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`ward needs Node.js 22.12 or later (22 or 24 LTS); this is ${process.version}. Install a current Node, then run npm install again.`);
  process.exit(1);
}
const { main } = await import('../dist/cli-bundle/main.js');

process.exitCode = await main(process.argv);

#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm run build` (run automatically by `npm install`).
// The SDK's notice about future Node versions is not the user's problem at scan time.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../dist/cli/main.js');

process.exitCode = await main(process.argv);

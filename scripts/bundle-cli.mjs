// Bundles the CLI (dist/cli/main.js, compiled by tsc) into dist/cli-bundle/ with esbuild, as the
// Lambda handlers are bundled (serverless.yml custom.esbuild; both take deploy/esbuild.cjs). The AWS SDK's CommonJS builds load
// every operation's schema of a client (EC2: hundreds) and go through Node's ESM-to-CJS loader file
// by file; its ES module builds, bundled, keep only the operations Ward calls. Loading the AWS provider
// this way takes ~0.45 s of CPU and 93 MB instead of ~1.2 s and 172 MB (bench/README.md, issue 13).
// Each command and provider stays a chunk of its own, loaded when used (`ward --version` loads none).
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Target, format, the SDK's ES module builds first and the banner, as the Lambda package has them. */
const shared = createRequire(import.meta.url)('../deploy/esbuild.cjs');
const outdir = `${root}dist/cli-bundle`;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [`${root}dist/cli/main.js`],
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  ...shared,
  // pdfkit reads its font metrics from files beside its own code.
  external: ['pdfkit'],
  logLevel: 'warning',
});

/// <reference lib="dom" />
// verify.html: one self-contained page (no network; script and style inline) where an auditor drops a
// bundle zip, and optionally the previous week's manifest and the signer's public key, and reads the
// same verdict `ward evidence verify` gives. Nothing leaves the browser. The checks live in
// verify-core.ts; this file holds the page around them.

import type { BlobStore } from '../../core/store/blob.js';
import type { BundleWriter } from '../bundle.js';
import { VERIFY_CORE_FUNCTIONS, type wardVerifyBundle } from './verify-core.js';
import { pageHead } from './page-head.js';

export const VERIFY_PAGE_NAME = 'verify.html';

/**
 * Wires the form to the check; runs in the page (inlined by its source text). The check comes in as a
 * parameter: a reference to an imported name would be rewritten by bundlers and test transforms.
 */
function wardVerifyPage(verify: typeof wardVerifyBundle): void {
  const form = document.getElementById('verify-form') as HTMLFormElement;
  const input = (id: string) => document.getElementById(id) as HTMLInputElement;
  const result = document.getElementById('result') as HTMLElement;
  const read = async (id: string): Promise<Uint8Array | undefined> => {
    const file = input(id).files?.[0];
    return file === undefined ? undefined : new Uint8Array(await file.arrayBuffer());
  };
  const list = (title: string, lines: string[], className: string) => {
    if (lines.length === 0) return;
    const heading = document.createElement('h3');
    heading.textContent = title;
    const ul = document.createElement('ul');
    ul.className = className;
    for (const line of lines) {
      const li = document.createElement('li');
      li.textContent = line;
      ul.append(li);
    }
    result.append(heading, ul);
  };
  const run = async () => {
    const zip = await read('bundle');
    result.replaceChildren();
    result.dataset.state = 'running';
    if (zip === undefined) {
      result.textContent = 'Choose a bundle zip first.';
      result.dataset.state = 'idle';
      return;
    }
    const previous = await read('previous');
    const keyBytes = await read('public-key');
    const verdict = await verify({ zip, ...(previous === undefined ? {} : { previous }), ...(keyBytes === undefined ? {} : { publicKeyPem: new TextDecoder().decode(keyBytes) }) });
    const heading = document.createElement('h2');
    heading.id = 'verdict';
    heading.textContent = `${verdict.verdict.split(':')[0] ?? ''} ${input('bundle').files?.[0]?.name ?? ''}${verdict.verdict.includes(':') ? `:${verdict.verdict.slice(verdict.verdict.indexOf(':') + 1)}` : ''}`;
    heading.className = verdict.verdict === 'VALID' ? 'valid' : verdict.valid ? 'unverified' : 'invalid';
    result.append(heading);
    list('Failed', verdict.problems.map((p) => `FAIL ${p}`), 'problems');
    list('Checked', verdict.notes, 'notes');
    result.dataset.state = 'done';
    result.focus();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run().catch((error: unknown) => {
      result.textContent = `Could not check: ${(error as Error).message}`;
      result.dataset.state = 'done';
    });
  });
  // Dropping files anywhere on the page: a .zip is the bundle (the second one the previous bundle), a
  // .pem the key, a .json the previous manifest.
  document.addEventListener('dragover', (event) => event.preventDefault());
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    const files: File[] = Array.from(event.dataTransfer?.files ?? []);
    const put = (id: string, file: File) => {
      const transfer = new DataTransfer();
      transfer.items.add(file);
      input(id).files = transfer.files;
    };
    let zips = 0;
    for (const file of files) {
      if (file.name.endsWith('.pem') || file.name.endsWith('.pub')) put('public-key', file);
      else if (file.name.endsWith('.json')) put('previous', file);
      else put(zips++ === 0 ? 'bundle' : 'previous', file);
    }
    form.requestSubmit();
  });
}

const STYLE = `
:root { color-scheme: light; font-family: system-ui, sans-serif; color: #1a1a1a; background: #fff; }
body { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
fieldset { border: 1px solid #767676; padding: 1rem; }
label { display: block; font-weight: 600; margin-top: .75rem; }
.hint { font-weight: 400; color: #4a4a4a; }
button { margin-top: 1rem; padding: .5rem 1.25rem; font-size: 1rem; }
:focus-visible { outline: 3px solid #1a56db; outline-offset: 2px; }
.valid { color: #0a6b2f; } .unverified { color: #8a4b00; } .invalid { color: #b00020; }
.problems li { color: #b00020; } code { background: #f2f2f2; padding: 0 .2rem; }
`;

/** The page's bytes: the same for every bundle (it reads what it is given, nothing else). */
export function verifyPageHtml(): string {
  const script = [...VERIFY_CORE_FUNCTIONS, wardVerifyPage].map((f) => f.toString()).join('\n');
  return `${pageHead('Verify a Ward evidence bundle', STYLE)}
<body>
<main>
<h1>Verify a Ward evidence bundle</h1>
<p>Checks, in this browser and with nothing uploaded, what <code>ward evidence verify</code> checks: every file's
SHA-256 and size against <code>manifest.json</code>, no file missing or extra, <code>SHA256SUMS</code>, the chain to the
previous week's manifest, and the signature in <code>manifest.sig</code> (Ed25519, ECDSA, RSA). Drop the files on the page
or choose them below.</p>
<form id="verify-form">
<fieldset>
<legend>Files to check</legend>
<label for="bundle">Bundle (.zip) <span class="hint">required</span></label>
<input id="bundle" name="bundle" type="file" accept=".zip,application/zip" required>
<label for="previous">Previous week's manifest.json or bundle <span class="hint">optional: checks the chain</span></label>
<input id="previous" name="previous" type="file" accept=".json,.zip">
<label for="public-key">Signer's public key (PEM) <span class="hint">optional: checks the signature</span></label>
<input id="public-key" name="public-key" type="file" accept=".pem,.pub,.txt">
<button type="submit">Verify</button>
</fieldset>
</form>
<section id="result" aria-live="polite" tabindex="-1" data-state="idle"></section>
</main>
<script>
${script}
wardVerifyPage(wardVerifyBundle);
</script>
</body>
</html>
`;
}

/** Where the store keeps the page beside the bundles, for auditors who download from there. */
export const VERIFY_PAGE_KEY = `bundles/${VERIFY_PAGE_NAME}`;

/** Puts verify.html into a bundle (listed in its manifest like every file) and beside the bundles in the store. */
export async function addVerifyPage(bundle: BundleWriter, blobs: BlobStore): Promise<void> {
  const page = Buffer.from(verifyPageHtml(), 'utf8');
  bundle.addBuffer(VERIFY_PAGE_NAME, page);
  await blobs.write(VERIFY_PAGE_KEY, page);
}

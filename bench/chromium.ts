// Debian's Chromium, driven headless by playwright-core (no browser download): used by the browser
// tests (test/support/browser.ts) and by the report-page bench scenario (h). When it cannot be found
// this fails loudly, naming the fix: nothing skips.

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.WARD_CHROMIUM ?? '/usr/bin/chromium';

/** Playwright gives each launch a fresh temporary profile (it refuses --user-data-dir in args). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Browser tests need Chromium at ${CHROMIUM_PATH} and it is not there. Fix: apt-get install -y chromium (as .ci/run does), or set WARD_CHROMIUM to its path.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

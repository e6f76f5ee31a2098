// Debian's Chromium, driven headless by playwright-core (no browser download). When it cannot be
// found the browser tests fail, loudly: they never skip. `.ci/run` installs it (apt) when missing.
// The launcher lives in bench/chromium.ts because the bench (compiled without test/) uses it too.

export { CHROMIUM_PATH, launchChromium } from '../../bench/chromium.js';

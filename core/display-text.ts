// Values from clouds, configurations and bundles end up in human output: a terminal, Slack, a PDF.
// A resource name carrying ESC[2J, an OSC title sequence, or CR/LF could clear the screen, retitle
// the window or forge a line such as "FAKE: 0 failing findings". Human output shows such characters
// as visible escapes instead; JSON output keeps the raw value.

/** C0 controls, DEL, C1 controls, and the bidirectional overrides that reorder what is shown. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The text with every control or reordering character shown as an escape (`\x1B`, `\n`, `\u202E`). */
export function displaySafe(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, visible) : text;
}

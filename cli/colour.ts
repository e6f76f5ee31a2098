// Severities in colour on a terminal, never in a pipe or a file; NO_COLOR (no-color.org), --no-color
// and TERM=dumb turn colour off. Colour is added after layout, so widths are measured without it.

const SEVERITY_CODES: Record<string, string> = {
  CRITICAL: '\x1b[1;97;41m',
  HIGH: '\x1b[1;31m',
  MEDIUM: '\x1b[33m',
  LOW: '\x1b[36m',
  INFO: '\x1b[2m',
};
const RESET = '\x1b[0m';

export function useColour(stream: { isTTY?: boolean }, flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

/** Colours the severity word that starts a line (the summary's and `ward findings`' entries). */
export function colourSeverities(text: string): string {
  return text.replace(/^(CRITICAL|HIGH|MEDIUM|LOW|INFO)(?= )/gm, (word: string) => `${SEVERITY_CODES[word] ?? ''}${word}${RESET}`);
}

/** The text as it should reach `stream`: coloured only when colour is on for it. */
export function forStream(text: string, stream: { isTTY?: boolean }, flag: boolean | undefined): string {
  return useColour(stream, flag) ? colourSeverities(text) : text;
}

import type { ScanProgress } from '../core/engine.js';

/** Progress on stderr: one rewritten line on a terminal, a line per finished target otherwise. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): { update(p: ScanProgress): void; done(): void } {
  let lastTargets = -1;
  let drawn = false;
  return {
    update(p) {
      const text = `scanning: targets ${p.targetsDone}/${p.targetsTotal}, regions ${p.regionsDone}/${p.regionsTotal}`;
      if (stream.isTTY) {
        stream.write(`\r${text}\x1b[K`);
        drawn = true;
      } else if (p.targetsDone !== lastTargets) {
        lastTargets = p.targetsDone;
        stream.write(`${text}\n`);
      }
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}

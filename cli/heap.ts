// A scan allocates far more than it keeps: pages of API responses wait for the rest of their region
// and then die, results die once written. V8 lets its old generation grow to about twice what was
// live at the last full collection before collecting again, so on bench world a, with ~40-70 MB
// live, the heap reached ~170 MB, most of it garbage. Capping the growth at 50 % makes full
// collections come sooner; each is cheap, because little is live. Measured on world a: peak RSS
// ~333 -> ~272 MB for at most a few tenths of a second of CPU (bench/README.md, issue 13).

import { setFlagsFromString } from 'node:v8';

/** The growth allowed above the live heap after a full collection, in percent. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Bounds the heap's growth for the rest of the process. V8 reads this flag each time it sets the
 * next collection's limit, so setting it once the process runs takes effect; test/cli/heap.test.ts
 * fails loudly if a Node upgrade stops recognising it.
 */
export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

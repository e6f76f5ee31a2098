// A scan allocates far more than it keeps: pages of API responses wait for the rest of their region
// and then die, results die once written. V8 lets its old generation grow to about twice what was
// live at the last full collection before collecting again, so a scan whose live data is ~40 MB
// peaks at ~170 MB of heap, most of it already garbage. Capping that growth at 30 % makes full
// collections come sooner; each is cheap, because little is live. Measured on bench world a: peak
// RSS 340 → 285 MB for ~0.3 s more GC (bench/README.md, issue 13).

import { setFlagsFromString } from 'node:v8';

/** The growth allowed above the live heap after a full collection, in percent. */
export const HEAP_GROWING_PERCENT = 30;

/**
 * Bounds the heap's growth for the rest of the process. V8 reads this flag each time it sets the
 * next collection's limit, so setting it once the process runs takes effect; test/cli/heap.test.ts
 * fails loudly if a Node upgrade stops recognising it.
 */
export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

// `ward scan` bounds V8's heap growth at run time (cli/heap.ts). This fails loudly if a Node upgrade
// stops recognising the flag, or stops honouring it once the process runs.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const HEAP_MODULE = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'heap.js');

/** Old-generation garbage: a live set, and batches that live long enough to be promoted, then die. */
const CHURN = `
const mode = process.argv[1];
if (mode === 'bounded') (await import(${JSON.stringify(HEAP_MODULE)})).boundHeapGrowth();
const live = Array.from({ length: 600_000 }, (_, i) => ({ i, s: 'live-' + i }));
const ring = new Array(200);
let peak = 0;
for (let round = 0; round < 2_000; round++) {
  ring[round % ring.length] = Array.from({ length: 2_000 }, (_, i) => ({ round, i, s: 'item-' + round + '-' + i }));
  if (round % 50 === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
}
console.log(JSON.stringify({ peak, live: live.length }));
`;

async function peakHeap(mode: 'free' | 'bounded'): Promise<{ peak: number; stderr: string }> {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', CHURN, mode], { timeout: 60_000 });
  return { peak: (JSON.parse(stdout) as { peak: number }).peak, stderr };
}

describe('the scan’s heap growth bound', () => {
  it('is a flag this Node recognises, and keeps a churning heap far below its unbounded peak', async () => {
    const free = await peakHeap('free');
    const bounded = await peakHeap('bounded');
    expect(bounded.stderr).toBe('');
    expect(bounded.peak).toBeLessThan(free.peak * 0.6);
  }, 60_000);
});

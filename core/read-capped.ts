// Reading a file a user names, without trusting it to be small or even to end: `/dev/zero`, a FIFO
// or a multi-gigabyte file is refused after `cap` bytes instead of hanging or exhausting memory.

import { closeSync, openSync, readSync } from 'node:fs';

export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
  constructor(
    readonly path: string,
    readonly cap: number,
  ) {
    super(`${path} is larger than ${cap} bytes (or never ends)`);
  }
}

/** The file's bytes, at most `cap` of them; throws FileTooLargeError when there are more. */
export function readFileCapped(path: string, cap: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, cap + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > cap) throw new FileTooLargeError(path, cap);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

const MIB = 1024 * 1024;
export const formatCap = (bytes: number): string => (bytes >= MIB ? `${bytes / MIB} MiB` : `${bytes / 1024} KiB`);

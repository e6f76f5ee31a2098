import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHmacKeyFile, readPublicKey } from '../reports/signing.js';
import { loadConfig } from './config.js';
import { UserError } from './errors.js';
import { FileTooLargeError, readFileCapped } from './read-capped.js';

describe('files read with a size cap', () => {
  it('reads a file up to the cap, and refuses one byte more', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ward-cap-')), 'f');
    writeFileSync(path, 'x'.repeat(100));
    expect(readFileCapped(path, 100).length).toBe(100);
    expect(() => readFileCapped(path, 99)).toThrow(FileTooLargeError);
  });

  it('refuses --config /dev/zero and key files that never end, instead of hanging', () => {
    expect(() => loadConfig('/dev/zero', true, [])).toThrow(UserError);
    expect(() => loadConfig('/dev/zero', true, [])).toThrow("/dev/zero is larger than 4 MiB, Ward's limit for a configuration file; nothing was scanned or written");
    expect(() => readHmacKeyFile('/dev/zero')).toThrow('Cannot read the HMAC key file /dev/zero: /dev/zero is larger than 65536 bytes');
    expect(() => readPublicKey('/dev/zero')).toThrow(UserError);
  });
});

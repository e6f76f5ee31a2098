// `ward evidence verify` against bundles built to exhaust it: overlapping entries (a 16 MiB
// deflate stream shared by many entries), sizes the manifest does not declare, and inputs that
// never end. Each must come back quickly with a problem, never read the bomb in full.

import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import { overlappingEntries } from './bounded-inflate.js';
import { verifyBundle } from './verify.js';

interface RawEntry {
  name: string;
  data: Buffer;
  /** What the entry inflates to. */
  plain: Buffer | { size: number; crc: number };
  method: 0 | 8;
  /** Point this entry's central record at another entry's local header (overlap). */
  sameAs?: string;
}

/** A zip written byte by byte, so it can lie the way an attacker's would. */
function buildZip(entries: readonly RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  const offsets = new Map<string, number>();
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const size = Buffer.isBuffer(e.plain) ? e.plain.length : e.plain.size;
    const crc = Buffer.isBuffer(e.plain) ? crc32(e.plain) : e.plain.crc;
    let at = e.sameAs === undefined ? undefined : offsets.get(e.sameAs);
    if (at === undefined) {
      const header = Buffer.alloc(30);
      header.writeUInt32LE(0x04034b50, 0);
      header.writeUInt16LE(20, 4);
      header.writeUInt16LE(e.method, 8);
      header.writeUInt32LE(crc, 14);
      header.writeUInt32LE(e.data.length, 18);
      header.writeUInt32LE(size, 22);
      header.writeUInt16LE(name.length, 26);
      at = offset;
      offsets.set(e.name, at);
      locals.push(header, name, e.data);
      offset += 30 + name.length + e.data.length;
    }
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(0x0314, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(e.method, 10);
    record.writeUInt32LE(crc, 16);
    record.writeUInt32LE(e.data.length, 20);
    record.writeUInt32LE(size, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    record.writeUInt32LE(at, 42);
    central.push(record, name);
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const ZEROS = 16 * 1024 * 1024;

function manifestEntry(files: ReadonlyArray<{ path: string; sha256: string; size: number }>): RawEntry {
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 1, kind: 'ward.evidence-manifest', week: '2026-W47', period: {}, organization: 'x', generator: { name: 'ward', version: '0' }, createdAt: '', previous: null, previousWeek: null, files }),
  );
  return { name: 'manifest.json', data: manifest, plain: manifest, method: 0 };
}

function write(zip: Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ward-bomb-')), 'bundle.zip');
  writeFileSync(path, zip);
  return path;
}

describe('evidence verify, bounded', () => {
  const zeros = Buffer.alloc(ZEROS);
  const compressed = deflateRawSync(zeros, { level: 9 });
  const plain = { size: ZEROS, crc: crc32(zeros) };

  it('refuses a bundle of overlapping entries (a zip bomb) without inflating them', async () => {
    // 400 entries x 16 MiB = 6.25 GiB inflated from ~16 KB, every size declared in the manifest.
    const names = Array.from({ length: 400 }, (_, i) => `scans/s${i}.json`);
    const digest = sha(zeros);
    const files = names.map((path) => ({ path, sha256: digest, size: ZEROS }));
    const zip = buildZip([manifestEntry(files), ...names.map((name, i): RawEntry => ({ name, data: compressed, plain, method: 8, ...(i === 0 ? {} : { sameAs: names[0] }) }))]);
    expect(zip.length).toBeLessThan(200_000);
    // Without the overlap check every entry is within its declared size and the total under the
    // hard cap: all 6.25 GiB would be inflated (past this test's timeout).
    const result = await verifyBundle(write(zip));
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual([expect.stringContaining('share compressed data (overlapping entries: a zip bomb); not read')]);
  });

  it('does not read an entry past the size the manifest declares, and says which', async () => {
    const zip = buildZip([manifestEntry([{ path: 'report.csv', sha256: sha(Buffer.from('a,b\n')), size: 4 }]), { name: 'report.csv', data: compressed, plain, method: 8 }]);
    const result = await verifyBundle(write(zip));
    expect(result.valid).toBe(false);
    expect(result.problems).toContain(`entry "report.csv": the zip says it inflates to ${ZEROS} bytes, more than the 4 declared; not read`);
  });

  it('stops at the first entry that inflates past its declared size even when the zip lies about it too', async () => {
    // The central directory and the manifest both say 4 bytes; the data inflates to 16 MiB.
    const lie = { size: 4, crc: 0 };
    const zip = buildZip([
      manifestEntry([
        { path: 'report.csv', sha256: sha(Buffer.from('a,b\n')), size: 4 },
        { path: 'report.json', sha256: sha(Buffer.from('{}')), size: 2 },
      ]),
      { name: 'report.csv', data: compressed, plain: lie, method: 8 },
      { name: 'report.json', data: compressed, plain: { size: 2, crc: 0 }, method: 8 },
    ]);
    const result = await verifyBundle(write(zip));
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual(['entry "report.csv": inflates past the 4 bytes its zip header declares; verification stopped here (a zip bomb or a forged size)']);
    expect(result.problems.some((p) => p.includes('report.json'))).toBe(false);
  });

  it('refuses a manifest declaring more than the hard cap, unread', async () => {
    const zip = buildZip([manifestEntry([{ path: 'report.pdf', sha256: sha(zeros), size: 9 * 1024 ** 3 }]), { name: 'report.pdf', data: compressed, plain, method: 8 }]);
    const result = await verifyBundle(write(zip));
    expect(result.problems).toEqual([expect.stringMatching(/declares 9663676416 bytes of files, more than the \d+-byte cap; not read/)]);
  });

  it('refuses a previous manifest that never ends (/dev/zero) instead of hanging', async () => {
    const zip = buildZip([manifestEntry([])]);
    await expect(verifyBundle(write(zip), { previous: '/dev/zero' })).rejects.toThrow(UserError);
    await expect(verifyBundle(write(zip), { previous: '/dev/zero' })).rejects.toThrow('The previous manifest /dev/zero is larger than 64 MiB');
  });

  it('finds overlapping spans and accepts adjacent ones', () => {
    expect(overlappingEntries([{ name: 'a', start: 0, end: 100 }, { name: 'b', start: 100, end: 150 }])).toBeUndefined();
    expect(overlappingEntries([{ name: 'b', start: 90, end: 150 }, { name: 'a', start: 0, end: 100 }])).toEqual(['a', 'b']);
  });
});

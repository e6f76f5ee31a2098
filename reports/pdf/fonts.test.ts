import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { buildSampleStore, sampleScan, type SampleOptions } from '../fixtures.js';
import { buildWeeklyEvidence } from '../weekly.js';
import { cleanText, defaultFontFiles, FontBook, woffToSfnt } from './fonts.js';

function book(): FontBook {
  return new FontBook(new PDFDocument({ autoFirstPage: false }));
}

describe('fonts', () => {
  it('embed DejaVu Sans and fall back per character, never throwing on an unknown glyph', () => {
    const fonts = book();
    expect(fonts.runs('vol-0abc', 'regular')).toEqual([expect.objectContaining({ font: 'ward-regular', text: 'vol-0abc', shaped: false })]);
    expect(fonts.runs('база Ωμέγα', 'bold').map((r) => r.font)).toEqual(['ward-bold']);
    const mixed = fonts.runs('db-数据库-東京', 'regular');
    expect(mixed.map((r) => [r.font, r.text])).toEqual([
      ['ward-regular', 'db-'],
      ['ward-fallback-0', '数据库'],
      ['ward-regular', '-'],
      ['ward-fallback-0', '東京'],
    ]);
    // Unassigned, private-use beyond every font, and a lone surrogate: a visible U+FFFD.
    for (const odd of ['\u0378', '\u{10FFFD}', '\uD800x']) {
      const runs = fonts.runs(odd, 'condensed');
      expect(runs.map((r) => r.text).join('')).toContain('\uFFFD');
    }
    expect(fonts.width('🔒 한국어 ไทย', 'regular', 10)).toBeGreaterThan(20);
  });

  it('shapes right-to-left runs as a whole, in their own run', () => {
    const runs = book().runs('db-قاعدة البيانات-prod', 'regular');
    expect(runs.map((r) => [r.text, r.shaped])).toEqual([
      ['db-', false],
      ['قاعدة البيانات', true],
      ['-prod', false],
    ]);
  });

  it('draw on one line: line breaks become spaces, control and invisible characters go', () => {
    expect(cleanText('a\nb\tc')).toBe('a b c');
    expect(cleanText('x\u0000\u0007y\u200Dz\uFE0F\u202Eq')).toBe('xyzq');
  });

  it('read the WOFF fallback as a plain font', () => {
    const [path] = defaultFontFiles().fallbacks;
    expect(path).toBeDefined();
    const sfnt = woffToSfnt(readFileSync(path ?? ''));
    expect(sfnt.readUInt32BE(0)).toBe(0x00010000);
    expect(woffToSfnt(Buffer.from('not a woff'))).toEqual(Buffer.from('not a woff'));
  });
});

describe('the PDF with hostile resource names', () => {
  it('is written, and pdftotext reads the names back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-names-'));
    const options: SampleOptions = { week: '2026-W47', accounts: 1, resourcesPerControl: 3, weeks: 1, failRate: 1 };
    const store = await buildSampleStore(dir, options);
    const scan = sampleScan(options, 0, 0);
    const names = [
      'Ж'.repeat(400),
      'emoji 👩‍👩‍👧‍👦 🏳️‍🌈 🔒',
      'ctrl\u0000\u001b[31mred\u0007',
      '\u202Egnp.exe',
      'lone \uDC00 surrogate',
      '数据库-東京-환자-ボリューム',
      'a'.repeat(2000),
    ];
    scan.results.filter((f) => f.status === 'FAIL').forEach((f, i) => {
      const name = names[i % names.length] ?? '';
      f.resource.name = name;
      f.message = `${name} ${name}`;
    });
    await store.recordScan({ ...scan, scanId: `${scan.scanId}-names`, finishedAt: '2026-11-20T10:00:00.000Z' });
    const out = await buildWeeklyEvidence(store, { week: '2026-W47', organization: '組織 «Ω»\n', mutes: [], now: new Date('2026-11-22T20:00:00Z') });
    const text = execFileSync('pdftotext', [join(dir, out.keys.pdf), '-'], { encoding: 'utf8' });
    expect(text).toContain('数据库-東京-환자-ボリューム');
    // Control characters are shown as visible escapes (core/display-text.ts), as in every human output.
    expect(text).toContain('ctrl\\x00\\x1B[31mred\\x07');
    expect(text).toContain('lone � surrogate');
    expect(text).toContain('ЖЖЖЖЖЖЖЖЖЖ');
  });
});

// Fonts for the PDF. DejaVu Sans (Latin, Greek, Cyrillic, Arabic, Hebrew, Armenian, Georgian, many
// symbols and emoticons) is embedded as the text face; UnifontEX (every Basic Multilingual Plane
// script — CJK, Hangul, kana, Thai, Devanagari … — and emoji) is the per-character fallback; a
// character neither has is drawn as U+FFFD (�), so an unknown glyph is visible and never an error.
//
// Speed: pdfkit lays text out with fontkit's full shaping engine, which is most of its cost on
// large tables. Each embedded font's `layout` is replaced by a direct character-to-glyph mapping
// with advance widths (no kerning or ligatures), and runs of right-to-left scripts still go through
// fontkit, shaped as a whole run. The replacement relies on pdfkit internals (`doc._font`, the
// embedded font's `font`, `scale`, `layout` and `layoutRun`); `assertFontInternals` fails loudly if
// a pdfkit upgrade changes them.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';

export type Face = 'regular' | 'bold' | 'condensed' | 'condensedBold';

export const FACES: readonly Face[] = ['regular', 'bold', 'condensed', 'condensedBold'];

export interface FontFiles {
  regular: string;
  bold: string;
  condensed: string;
  condensedBold: string;
  /** Fonts tried, in order, for a character the face lacks (after DejaVu Sans itself). */
  fallbacks: string[];
}

const DEJAVU: Record<Face, string> = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  condensed: 'DejaVuSansCondensed.ttf',
  condensedBold: 'DejaVuSansCondensed-Bold.ttf',
};
const UNIFONT = 'unifontex-latin-400-normal.woff';

/**
 * Where the fonts are: WARD_FONT_DIR (a directory holding the DejaVu files and, optionally, the
 * UnifontEX file — for bundled Lambda code), else the installed npm packages.
 */
export function defaultFontFiles(env: NodeJS.ProcessEnv = process.env): FontFiles {
  const dir = env['WARD_FONT_DIR'];
  if (dir !== undefined && dir !== '') {
    const files = Object.fromEntries(Object.entries(DEJAVU).map(([face, file]) => [face, join(dir, file)])) as Record<Face, string>;
    const fallback = join(dir, UNIFONT);
    return { ...files, fallbacks: existsSync(fallback) ? [fallback] : [] };
  }
  const require = createRequire(import.meta.url);
  const dejavuDir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const files = Object.fromEntries(Object.entries(DEJAVU).map(([face, file]) => [face, join(dejavuDir, file)])) as Record<Face, string>;
  const fallbacks: string[] = [];
  try {
    fallbacks.push(require.resolve(`@fontsource/unifontex/files/${UNIFONT}`));
  } catch {
    // Without the fallback font, characters DejaVu lacks are drawn as U+FFFD.
  }
  return { ...files, fallbacks };
}

/**
 * A WOFF 1.0 font as a plain TrueType/OpenType file. fontkit reads WOFF, but inflates a table again
 * on every access; a font converted once is read straight from memory.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.length < 44 || woff.readUInt32BE(0) !== 0x774f4646) return woff;
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables: Array<{ tag: number; checksum: number; data: Buffer }> = [];
  for (let i = 0; i < numTables; i += 1) {
    const at = 44 + i * 20;
    const tag = woff.readUInt32BE(at);
    const offset = woff.readUInt32BE(at + 4);
    const compLength = woff.readUInt32BE(at + 8);
    const origLength = woff.readUInt32BE(at + 12);
    const checksum = woff.readUInt32BE(at + 16);
    const raw = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? inflateSync(raw) : raw;
    if (data.length !== origLength) throw new Error('damaged WOFF font: a table has the wrong length');
    tables.push({ tag, checksum, data });
  }
  const entrySelector = Math.floor(Math.log2(numTables));
  const searchRange = 2 ** entrySelector * 16;
  const headerSize = 12 + numTables * 16;
  const padded = (n: number) => (n + 3) & ~3;
  const out = Buffer.alloc(headerSize + tables.reduce((n, t) => n + padded(t.data.length), 0));
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(numTables * 16 - searchRange, 10);
  let offset = headerSize;
  tables.forEach((t, i) => {
    const at = 12 + i * 16;
    out.writeUInt32BE(t.tag, at);
    out.writeUInt32BE(t.checksum, at + 4);
    out.writeUInt32BE(offset, at + 8);
    out.writeUInt32BE(t.data.length, at + 12);
    t.data.copy(out, offset);
    offset += padded(t.data.length);
  });
  return out;
}

const bytesCache = new Map<string, Buffer>();

function fontBytes(path: string): Buffer {
  let bytes = bytesCache.get(path);
  if (bytes === undefined) {
    try {
      bytes = woffToSfnt(readFileSync(path));
    } catch (error) {
      throw new Error(`cannot read font ${path}: ${(error as Error).message} (set WARD_FONT_DIR to a directory with the DejaVu Sans fonts)`);
    }
    bytesCache.set(path, bytes);
  }
  return bytes;
}

/**
 * Reads (and converts) the font files ahead of time. Call it early — before the report's data is
 * gathered — so that converting the large fallback font does not add to the later peak of memory.
 */
export function preloadFonts(files: FontFiles = defaultFontFiles()): void {
  for (const path of [files.regular, files.bold, files.condensed, files.condensedBold, ...files.fallbacks]) fontBytes(path);
}

// --- pdfkit / fontkit internals, typed narrowly -------------------------------------------------

interface FontkitGlyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
}

interface FontkitFont {
  glyphForCodePoint(codePoint: number): FontkitGlyph;
  hasGlyphForCodePoint(codePoint: number): boolean;
}

interface LayoutPosition {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
  advanceWidth?: number;
}

interface LayoutResult {
  glyphs: FontkitGlyph[] | null;
  positions: LayoutPosition[] | null;
  advanceWidth: number;
}

interface EmbeddedFontInternals {
  id: string;
  font: FontkitFont;
  scale: number;
  layout(text: string, features?: unknown, onlyWidth?: boolean): LayoutResult;
  layoutRun(text: string, features?: unknown): LayoutResult;
  /** The embedded subset: maps a font glyph id to the subset's glyph id. */
  subset: { includeGlyph(glyphId: number): number };
  /** Per subset glyph: advance width (1/1000 em) and the code points it stands for (ToUnicode). */
  widths: Array<number | undefined>;
  unicode: Array<number[] | undefined>;
  /** The font's PDF object, for a page's resources. */
  ref(): unknown;
}

function assertFontInternals(value: unknown, name: string): asserts value is EmbeddedFontInternals {
  const v = value as Partial<EmbeddedFontInternals> | null | undefined;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.scale === 'number' &&
    typeof v.subset?.includeGlyph === 'function' &&
    Array.isArray(v.widths) &&
    Array.isArray(v.unicode) &&
    typeof v.ref === 'function' &&
    typeof v.layout === 'function' &&
    typeof v.layoutRun === 'function' &&
    typeof v.font?.glyphForCodePoint === 'function' &&
    typeof v.font.hasGlyphForCodePoint === 'function';
  if (!ok) throw new Error(`pdfkit's embedded font ${name} does not look as expected (pdfkit upgraded?): cannot lay out text`);
}

/** Scripts that need shaping (joining forms) and are written right to left. */
const COMPLEX = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
const COMPLEX_CP = (cp: number): boolean => (cp >= 0x590 && cp <= 0x8ff) || (cp >= 0xfb1d && cp <= 0xfdff) || (cp >= 0xfe70 && cp <= 0xfeff);
const REPLACEMENT = 0xfffd;
const LINE_BREAKS = /[\t\n\r\u2028\u2029\u0085]+/g;
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Variation_Selector}]/gu;
const PLAIN = /^[\x20-\x7e]*$/;

/** Printable ASCII only: measured and drawn without per-character font lookups. */
export function isPlain(text: string): boolean {
  return PLAIN.test(text);
}

/** One byte inside a PDF literal string: parentheses, backslash and line ends escaped. */
function literalByte(b: number): string {
  switch (b) {
    case 0x28:
      return '\\(';
    case 0x29:
      return '\\)';
    case 0x5c:
      return '\\\\';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    default:
      return String.fromCharCode(b);
  }
}

class LoadedFont {
  readonly widths = new Map<number, number>();
  readonly has = new Map<number, boolean>();
  /** Advance widths of printable ASCII (1/1000 of the size). */
  readonly ascii = new Float64Array(128);

  constructor(
    readonly name: string,
    readonly internals: EmbeddedFontInternals,
  ) {
    const font = internals.font;
    const scale = internals.scale;
    const glyphs = new Map<number, FontkitGlyph>();
    const original = internals.layoutRun.bind(internals);
    // The fast layout: one glyph per code point, advance widths only.
    internals.layout = (text: string, features?: unknown, onlyWidth?: boolean): LayoutResult => {
      if (features !== undefined || COMPLEX.test(text)) {
        const run = original(text, features);
        return { glyphs: run.glyphs, positions: run.positions, advanceWidth: run.advanceWidth };
      }
      const outGlyphs: FontkitGlyph[] | null = onlyWidth === true ? null : [];
      const positions: LayoutPosition[] | null = onlyWidth === true ? null : [];
      let advance = 0;
      for (const ch of text) {
        const cp = ch.codePointAt(0) ?? REPLACEMENT;
        let glyph = glyphs.get(cp);
        if (glyph === undefined) {
          glyph = font.glyphForCodePoint(cp);
          glyphs.set(cp, glyph);
        }
        const width = glyph.advanceWidth * scale;
        advance += width;
        if (outGlyphs !== null && positions !== null) {
          outGlyphs.push(glyph);
          positions.push({ xAdvance: width, yAdvance: 0, xOffset: 0, yOffset: 0, advanceWidth: width });
        }
      }
      return { glyphs: outGlyphs, positions, advanceWidth: advance };
    };
    for (let cp = 0x20; cp < 0x7f; cp += 1) this.ascii[cp] = font.glyphForCodePoint(cp).advanceWidth * scale;
  }

  private readonly codeByCp = new Map<number, string>();
  private readonly asciiCode: Array<string | undefined> = new Array<string | undefined>(128);

  /**
   * The subset glyph id of a code point as the two bytes of a PDF literal string (escaped where
   * needed), adding the glyph to the embedded subset (with its width and ToUnicode entry) the first
   * time, as pdfkit's own encode does. Half the size of hex, which matters on thousands of pages.
   */
  private code(cp: number): string {
    let code = this.codeByCp.get(cp);
    if (code === undefined) {
      const { internals } = this;
      const glyph = internals.font.glyphForCodePoint(cp);
      const gid = internals.subset.includeGlyph(glyph.id);
      code = literalByte(gid >> 8) + literalByte(gid & 0xff);
      internals.widths[gid] ??= glyph.advanceWidth * internals.scale;
      internals.unicode[gid] ??= glyph.codePoints.length > 0 ? glyph.codePoints : [cp];
      this.codeByCp.set(cp, code);
    }
    return code;
  }

  /** The glyph ids of an unshaped run, as the inside of a PDF literal string (latin1 bytes). */
  encode(text: string): string {
    let out = '';
    if (PLAIN.test(text)) {
      for (let i = 0; i < text.length; i += 1) {
        const c = text.charCodeAt(i);
        out += this.asciiCode[c] ?? (this.asciiCode[c] = this.code(c));
      }
      return out;
    }
    for (const ch of text) out += this.code(ch.codePointAt(0) ?? REPLACEMENT);
    return out;
  }

  covers(cp: number): boolean {
    let known = this.has.get(cp);
    if (known === undefined) {
      known = this.internals.font.hasGlyphForCodePoint(cp);
      this.has.set(cp, known);
    }
    return known;
  }

  /** Advance width in 1/1000 of the font size. */
  width(cp: number): number {
    let w = this.widths.get(cp);
    if (w === undefined) {
      w = this.internals.font.glyphForCodePoint(cp).advanceWidth * this.internals.scale;
      this.widths.set(cp, w);
    }
    return w;
  }
}

export interface TextRun {
  /** The registered pdfkit font name. */
  font: string;
  text: string;
  /** Advance width in 1/1000 of the font size. */
  width: number;
  /** A right-to-left run shaped by fontkit: draw it through pdfkit's own text path. */
  shaped: boolean;
}

/** What drawing a run directly needs: the font's PDF name and object, and the glyph ids. */
export interface EncodedRun {
  fontId: string;
  ref: unknown;
  /** The inside of a PDF literal string: glyph ids as bytes (latin1), escaped. */
  codes: string;
}

/** Makes text drawable on one line: line breaks become spaces; control and invisible format characters go. */
export function cleanText(text: string): string {
  if (PLAIN.test(text)) return text;
  return text.replace(LINE_BREAKS, ' ').replace(INVISIBLE, '');
}

export class FontBook {
  private readonly faces: Record<Face, LoadedFont>;
  private readonly chains: Record<Face, LoadedFont[]>;
  private readonly choice: Record<Face, Map<number, { font: LoadedFont; cp: number }>>;
  private readonly byName = new Map<string, LoadedFont>();
  private readonly load: (name: string, path: string) => LoadedFont;
  private readonly fallbackPaths: readonly string[];
  /** Fallback fonts, loaded the first time a character needs one (most reports never do). */
  private readonly fallbacks: LoadedFont[] = [];

  constructor(doc: PDFKit.PDFDocument, files: FontFiles = defaultFontFiles()) {
    const load = (name: string, path: string): LoadedFont => {
      doc.registerFont(name, fontBytes(path));
      doc.font(name);
      const internals = (doc as unknown as { _font?: unknown })._font;
      assertFontInternals(internals, name);
      const loaded = new LoadedFont(name, internals);
      this.byName.set(name, loaded);
      return loaded;
    };
    this.faces = {
      regular: load('ward-regular', files.regular),
      bold: load('ward-bold', files.bold),
      condensed: load('ward-condensed', files.condensed),
      condensedBold: load('ward-condensed-bold', files.condensedBold),
    };
    this.load = load;
    this.fallbackPaths = files.fallbacks;
    const chain = (face: Face) => [this.faces[face], ...(face === 'regular' ? [] : [this.faces.regular])];
    this.chains = { regular: chain('regular'), bold: chain('bold'), condensed: chain('condensed'), condensedBold: chain('condensedBold') };
    this.choice = { regular: new Map(), bold: new Map(), condensed: new Map(), condensedBold: new Map() };
  }

  private fallbackFor(cp: number): LoadedFont | undefined {
    for (let i = 0; i < this.fallbackPaths.length; i += 1) {
      let font = this.fallbacks[i];
      if (font === undefined) {
        const path = this.fallbackPaths[i];
        if (path === undefined) continue;
        font = this.load(`ward-fallback-${i}`, path);
        this.fallbacks[i] = font;
      }
      if (font.covers(cp)) return font;
    }
    return undefined;
  }

  fontName(face: Face): string {
    return this.faces[face].name;
  }

  private pick(face: Face, cp: number): { font: LoadedFont; cp: number } {
    const cache = this.choice[face];
    let chosen = cache.get(cp);
    if (chosen === undefined) {
      const isSurrogate = cp >= 0xd800 && cp <= 0xdfff;
      const font = isSurrogate ? undefined : (this.chains[face].find((f) => f.covers(cp)) ?? this.fallbackFor(cp));
      if (font !== undefined) chosen = { font, cp };
      else {
        const own = this.faces[face];
        chosen = { font: own.covers(REPLACEMENT) ? own : this.faces.regular, cp: REPLACEMENT };
      }
      cache.set(cp, chosen);
    }
    return chosen;
  }

  /**
   * Splits cleaned text into runs, each drawn with one font: the face where it has the glyph, a
   * fallback where it does not, U+FFFD where nothing has it. Right-to-left segments get runs of
   * their own so they are shaped as a whole.
   */
  runs(text: string, face: Face): TextRun[] {
    const clean = cleanText(text);
    if (clean === '') return [];
    const own = this.faces[face];
    if (PLAIN.test(clean)) {
      const table = own.ascii;
      let width = 0;
      for (let i = 0; i < clean.length; i += 1) width += table[clean.charCodeAt(i)] ?? 0;
      return [{ font: own.name, text: clean, width, shaped: false }];
    }
    const cps = Array.from(clean, (ch) => ch.codePointAt(0) ?? REPLACEMENT);
    const picked = cps.map((cp) => this.pick(face, cp));
    const complex = cps.map(COMPLEX_CP);
    // A space between two right-to-left characters belongs to their segment.
    for (let i = 0; i < cps.length; i += 1) {
      if (cps[i] !== 0x20 || complex[i] === true) continue;
      let before = i - 1;
      while (before >= 0 && cps[before] === 0x20) before -= 1;
      let after = i + 1;
      while (after < cps.length && cps[after] === 0x20) after += 1;
      if (before >= 0 && after < cps.length && complex[before] === true && complex[after] === true && picked[before]?.font === picked[after]?.font) {
        complex[i] = true;
        const p = picked[before];
        if (p !== undefined) picked[i] = { font: p.font, cp: 0x20 };
      }
    }
    const runs: TextRun[] = [];
    let current: { font: LoadedFont; complex: boolean; text: string; width: number } | undefined;
    for (let i = 0; i < cps.length; i += 1) {
      const p = picked[i];
      if (p === undefined) continue;
      const isComplex = complex[i] === true;
      if (current === undefined || current.font !== p.font || current.complex !== isComplex) {
        if (current !== undefined) runs.push(this.finish(current));
        current = { font: p.font, complex: isComplex, text: '', width: 0 };
      }
      current.text += String.fromCodePoint(p.cp);
      current.width += p.font.width(p.cp);
    }
    if (current !== undefined) runs.push(this.finish(current));
    return runs;
  }

  private finish(run: { font: LoadedFont; complex: boolean; text: string; width: number }): TextRun {
    // Shaped text can be narrower or wider than the sum of its characters.
    const width = run.complex ? run.font.internals.layout(run.text, undefined, true).advanceWidth : run.width;
    return { font: run.font.name, text: run.text, width, shaped: run.complex };
  }

  /** Width in points. */
  width(text: string, face: Face, size: number): number {
    if (PLAIN.test(text)) {
      const table = this.faces[face].ascii;
      let total = 0;
      for (let i = 0; i < text.length; i += 1) total += table[text.charCodeAt(i)] ?? 0;
      return (total * size) / 1000;
    }
    let total = 0;
    for (const run of this.runs(text, face)) total += run.width;
    return (total * size) / 1000;
  }

  /** Printable-ASCII advance widths of a face (1/1000 of the size), for fast measuring. */
  asciiWidths(face: Face): Float64Array {
    return this.faces[face].ascii;
  }

  /** Glyph ids of an unshaped run, added to its font's embedded subset. */
  encode(run: TextRun): EncodedRun {
    const font = this.byName.get(run.font);
    if (font === undefined) throw new Error(`unknown font ${run.font}`);
    return { fontId: font.internals.id, ref: font.internals.ref(), codes: font.encode(run.text) };
  }

  /** Width of one character in points (unshaped), for cutting text to fit. */
  charWidth(cp: number, face: Face, size: number): number {
    const p = this.pick(face, cp);
    return (p.font.width(p.cp) * size) / 1000;
  }
}

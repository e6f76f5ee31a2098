// A small layout engine over pdfkit: pages, a running header and footer, single-line text cut to a
// width, wrapped paragraphs and tables whose header repeats after a page break.
//
// The report is laid out twice with the same code: a measuring pass (`draw: false`) that only
// counts — how many pages, where each section starts — and a drawing pass that knows the total, so
// every footer says "Page n of N" and the table of contents has page numbers, while pages are still
// written out one by one (no page buffering).

import { displaySafe } from '../../core/display-text.js';
import { FontBook, isPlain, type Face, type TextRun } from './fonts.js';

export interface TextStyle {
  face: Face;
  size: number;
  color?: string;
}

export const COLORS = {
  text: '#1f2937',
  muted: '#6b7280',
  faint: '#9ca3af',
  rule: '#d1d5db',
  headerFill: '#e5e7eb',
  zebra: '#f9fafb',
  accent: '#1e3a8a',
  accentLight: '#dbeafe',
} as const;

export const PAGE = { width: 612, height: 792, left: 48, right: 48, top: 64, bottom: 58 } as const;

/** A number as PDF operators want it: at most two decimals. */
const num = (n: number): string => String(Math.round(n * 100) / 100);

const rgbCache = new Map<string, string>();

/** `#rrggbb` as the three 0–1 components PDF colour operators take. */
function rgb(hex: string): string {
  let out = rgbCache.get(hex);
  if (out === undefined) {
    const v = /^#([0-9a-f]{6})$/i.exec(hex)?.[1] ?? '000000';
    out = [0, 2, 4].map((i) => num(parseInt(v.slice(i, i + 2), 16) / 255)).join(' ');
    rgbCache.set(hex, out);
  }
  return out;
}

export interface TocEntry {
  id: string;
  title: string;
  level: 1 | 2;
}

export interface PageDecoration {
  /** Left of the running header (organisation, report). */
  header: string;
  /** Left of the footer. */
  footer: string;
}

export class Pager {
  page = 0;
  y: number = PAGE.top;
  /** Section title shown at the top right of each page. */
  running = '';
  /** Page where each anchor (section) starts. */
  readonly anchors = new Map<string, number>();
  private onBreak: (() => void) | undefined;
  private state = { font: '', size: 0, color: '' };
  private ops: string[] = [];
  private outlineParent: PDFKit.PDFOutline | undefined;
  private lastYield = 0;

  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly fonts: FontBook,
    readonly draw: boolean,
    private readonly decoration: PageDecoration,
    /** Known in the drawing pass. */
    readonly totalPages?: number,
  ) {}

  get left(): number {
    return PAGE.left;
  }

  get width(): number {
    return PAGE.width - PAGE.left - PAGE.right;
  }

  get bottom(): number {
    return PAGE.height - PAGE.bottom;
  }

  get room(): number {
    return this.bottom - this.y;
  }

  addPage(options: { header?: boolean } = {}): void {
    this.page += 1;
    this.y = PAGE.top;
    if (this.draw) {
      this.flush();
      this.doc.addPage({ size: [PAGE.width, PAGE.height], margin: 0 });
      this.state = { font: '', size: 0, color: '' };
      if (options.header !== false) this.header();
      this.footer();
    }
    this.onBreak?.();
  }

  private header(): void {
    const top = 30;
    this.text(this.decoration.header, PAGE.left, top, this.width * 0.6, { face: 'condensed', size: 7.5, color: COLORS.muted });
    if (this.running !== '') this.text(this.running, PAGE.left + this.width * 0.4, top, this.width * 0.6, { face: 'condensedBold', size: 7.5, color: COLORS.muted }, 'right');
    this.rule(PAGE.left, top + 12, PAGE.left + this.width, COLORS.rule, 0.5);
  }

  private footer(): void {
    const foot = PAGE.height - 36;
    this.rule(PAGE.left, foot - 6, PAGE.left + this.width, COLORS.rule, 0.5);
    this.text(this.decoration.footer, PAGE.left, foot, this.width * 0.7, { face: 'condensed', size: 7, color: COLORS.muted });
    const total = this.totalPages ?? 0;
    this.text(`Page ${this.page} of ${total}`, PAGE.left + this.width * 0.7, foot, this.width * 0.3, { face: 'condensedBold', size: 7.5, color: COLORS.text }, 'right');
  }

  /** Starts a new page unless `height` still fits on this one. */
  ensure(height: number): boolean {
    if (this.y + height <= this.bottom) return false;
    this.addPage();
    return true;
  }

  /** Runs while a table is open: redraws what a continued page needs (its header). */
  setBreakHandler(handler: (() => void) | undefined): void {
    this.onBreak = handler;
  }

  /**
   * Lets the output drain during the drawing pass. pdfkit pushes output whether or not the consumer
   * keeps up; without waiting, a slow store would see the whole document queue up in memory in small
   * pieces. Called between table rows: cheap unless output is waiting.
   */
  async breathe(): Promise<void> {
    if (!this.draw) return;
    const waiting = () => (this.doc as unknown as { readableLength?: number }).readableLength ?? 0;
    if (waiting() < 256 * 1024 && this.page - this.lastYield < 10) return;
    this.lastYield = this.page;
    // Bounded: a consumer that stopped reading must not hang the report (its error surfaces anyway).
    for (let i = 0; i < 2000; i += 1) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (waiting() < 64 * 1024) break;
    }
  }

  // --- drawing primitives -------------------------------------------------------------------------

  private use(font: string, size: number, color: string): void {
    if (this.state.font !== font) {
      this.doc.font(font);
      this.state.font = font;
    }
    if (this.state.size !== size) {
      this.doc.fontSize(size);
      this.state.size = size;
    }
    if (this.state.color !== color) {
      this.doc.fillColor(color);
      this.state.color = color;
    }
  }

  /** Cuts text to a width, ending it with an ellipsis when cut. */
  fit(text: string, width: number, style: TextStyle): string {
    const full = this.fonts.width(text, style.face, style.size);
    if (full <= width) return text;
    const ellipsis = this.fonts.charWidth(0x2026, style.face, style.size);
    const limit = width - ellipsis;
    let used = 0;
    let end = 0;
    if (isPlain(text)) {
      const table = this.fonts.asciiWidths(style.face);
      const k = style.size / 1000;
      for (; end < text.length; end += 1) {
        const w = (table[text.charCodeAt(end)] ?? 0) * k;
        if (used + w > limit) break;
        used += w;
      }
      return `${text.slice(0, end).trimEnd()}…`;
    }
    let out = '';
    for (const ch of text) {
      const w = this.fonts.charWidth(ch.codePointAt(0) ?? 0xfffd, style.face, style.size);
      if (used + w > limit) break;
      used += w;
      out += ch;
    }
    return `${out.trimEnd()}…`;
  }

  /**
   * One line of text with its top at `y`, cut to `width`. Returns the width drawn (0 in the measuring
   * pass, where nothing depends on it). Characters are drawn with the face where it has them and a
   * fallback font where it does not.
   */
  text(unsafe: string, x: number, y: number, width: number, style: TextStyle, align: 'left' | 'right' | 'center' = 'left'): number {
    if (!this.draw) return 0;
    const text = displaySafe(unsafe);
    let runs = this.fonts.runs(text, style.face);
    let total = runs.reduce((n, r) => n + r.width, 0) * (style.size / 1000);
    if (total > width) {
      runs = this.fonts.runs(this.fit(text, width, style), style.face);
      total = runs.reduce((n, r) => n + r.width, 0) * (style.size / 1000);
    }
    if (runs.length === 0) return 0;
    const cx = align === 'left' ? x : align === 'right' ? x + width - total : x + (width - total) / 2;
    this.drawRuns(runs, cx, y + style.size * 0.93, style);
    return total;
  }

  /**
   * Writes the runs as PDF text operators. Unshaped runs (nearly everything) go straight into the
   * page's content stream — pdfkit's own text() costs several times more per call, which matters on
   * a 100,000-row table; shaped right-to-left runs go through pdfkit.
   */
  private drawRuns(runs: readonly TextRun[], x: number, baseline: number, style: TextStyle): void {
    const color = style.color ?? COLORS.text;
    const fonts = this.doc.page.fonts as Record<string, unknown>;
    let cx = x;
    const y = num(PAGE.height - baseline);
    let ops = '';
    for (const run of runs) {
      if (run.shaped) {
        if (ops !== '') this.ops.push(`q 1 0 0 -1 0 ${PAGE.height} cm BT ${rgb(color)} rg${ops} ET Q`);
        ops = '';
        this.flush();
        // Not through the state cache: loading a fallback font may have switched pdfkit's font.
        this.doc.font(run.font).fontSize(style.size).fillColor(color);
        this.state = { font: run.font, size: style.size, color };
        this.doc.text(run.text, cx, baseline, { lineBreak: false, baseline: 'alphabetic' });
      } else {
        const encoded = this.fonts.encode(run);
        if (fonts[encoded.fontId] === undefined) fonts[encoded.fontId] = encoded.ref;
        ops += ` /${encoded.fontId} ${num(style.size)} Tf 1 0 0 1 ${num(cx)} ${y} Tm (${encoded.codes}) Tj`;
      }
      cx += (run.width * style.size) / 1000;
    }
    if (ops !== '') this.ops.push(`q 1 0 0 -1 0 ${PAGE.height} cm BT ${rgb(color)} rg${ops} ET Q`);
  }

  /**
   * Content operators are collected and written to the page in one piece: pdfkit turns every write
   * into a separate buffer, which on a few thousand pages of tables is most of the memory churn.
   * Anything drawn through pdfkit itself flushes first, so the drawing order is kept.
   */
  private flush(): void {
    if (this.ops.length === 0) return;
    // Bytes, not a string: pdfkit would convert a string one character at a time.
    this.doc.addContent(Buffer.from(`${this.ops.join('\n')}\n`, 'latin1'));
    this.ops = [];
  }

  /** Ends the drawing pass: writes what is still collected. */
  finish(): void {
    if (this.draw) this.flush();
  }

  /** Wraps text to a width: words where possible, characters inside a word too long for a line. */
  wrap(text: string, width: number, style: TextStyle, maxLines = Number.POSITIVE_INFINITY): string[] {
    const lines: string[] = [];
    const paragraphs = text.includes('\n') ? text.split(/\r?\n/) : [text];
    for (const paragraph of paragraphs) {
      if (isPlain(paragraph)) this.wrapPlain(paragraph, width, style, lines);
      else this.wrapAny(paragraph, width, style, lines);
      if (lines.length > maxLines) break;
    }
    if (lines.length > maxLines) {
      const kept = lines.slice(0, maxLines);
      const last = kept.length - 1;
      kept[last] = this.fit(`${kept[last] ?? ''} …`, width, style).replace(/ …$/, '…');
      return kept;
    }
    return lines;
  }

  /** Printable ASCII: one pass over the characters with a width table. */
  private wrapPlain(text: string, width: number, style: TextStyle, lines: string[]): void {
    const table = this.fonts.asciiWidths(style.face);
    const limit = (width * 1000) / style.size;
    let start = 0;
    while (start < text.length && text.charCodeAt(start) === 0x20) start += 1;
    if (start >= text.length) {
      lines.push('');
      return;
    }
    let used = 0;
    let lastSpace = -1;
    for (let i = start; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      const w = table[c] ?? 0;
      if (c === 0x20) lastSpace = i;
      if (used + w > limit && i > start) {
        let end = i;
        let next = i;
        if (c === 0x20) {
          end = i;
          next = i + 1;
        } else if (lastSpace > start) {
          end = lastSpace;
          next = lastSpace + 1;
        }
        lines.push(text.slice(start, end).trimEnd());
        start = next;
        while (start < text.length && text.charCodeAt(start) === 0x20) start += 1;
        lastSpace = -1;
        used = 0;
        for (let j = start; j <= i; j += 1) used += table[text.charCodeAt(j)] ?? 0;
        if (start > i) used = 0;
        continue;
      }
      used += w;
    }
    if (start < text.length) lines.push(text.slice(start).trimEnd());
  }

  private wrapAny(paragraph: string, width: number, style: TextStyle, lines: string[]): void {
    const words = paragraph.split(/ +/).filter((w) => w !== '');
    let line = '';
    const space = this.fonts.width(' ', style.face, style.size);
    let lineWidth = 0;
    const push = () => {
      lines.push(line);
      line = '';
      lineWidth = 0;
    };
    for (const word of words) {
      const w = this.fonts.width(word, style.face, style.size);
      if (line !== '' && lineWidth + space + w <= width) {
        line += ` ${word}`;
        lineWidth += space + w;
        continue;
      }
      if (line !== '') push();
      if (w <= width) {
        line = word;
        lineWidth = w;
        continue;
      }
      // A word wider than the line (an ARN, a URL): break it where it no longer fits.
      let piece = '';
      let pieceWidth = 0;
      for (const ch of word) {
        const cw = this.fonts.charWidth(ch.codePointAt(0) ?? 0xfffd, style.face, style.size);
        if (pieceWidth + cw > width && piece !== '') {
          lines.push(piece);
          piece = '';
          pieceWidth = 0;
        }
        piece += ch;
        pieceWidth += cw;
      }
      line = piece;
      lineWidth = pieceWidth;
    }
    if (line !== '' || words.length === 0) push();
  }

  /** A wrapped paragraph at the current position; breaks pages between lines. */
  paragraph(text: string, style: TextStyle, options: { x?: number; width?: number; gap?: number; maxLines?: number } = {}): void {
    const x = options.x ?? this.left;
    const width = options.width ?? this.width - (x - this.left);
    const lineHeight = style.size * 1.35;
    for (const line of this.wrap(text, width, style, options.maxLines)) {
      this.ensure(lineHeight);
      this.text(line, x, this.y, width, style);
      this.y += lineHeight;
    }
    this.y += options.gap ?? style.size * 0.5;
  }

  rule(x1: number, y: number, x2: number, color: string = COLORS.rule, width = 0.5): void {
    if (!this.draw) return;
    this.ops.push(`q ${rgb(color)} RG ${num(width)} w ${num(x1)} ${num(y)} m ${num(x2)} ${num(y)} l S Q`);
  }

  box(x: number, y: number, w: number, h: number, fill: string, stroke?: string): void {
    if (!this.draw) return;
    const rect = `${num(x)} ${num(y)} ${num(w)} ${num(h)} re`;
    this.ops.push(stroke === undefined ? `q ${rgb(fill)} rg ${rect} f Q` : `q ${rgb(fill)} rg ${rgb(stroke)} RG 0.5 w ${rect} B Q`);
  }

  /** Vector drawing that only happens in the drawing pass. */
  graphics(paint: (doc: PDFKit.PDFDocument) => void): void {
    if (!this.draw) return;
    this.flush();
    this.doc.save();
    paint(this.doc);
    this.doc.restore();
    this.state = { font: '', size: 0, color: '' };
  }

  // --- structure ----------------------------------------------------------------------------------

  /** Records where a section starts, and gives it a bookmark and a link target in the drawing pass. */
  anchor(entry: TocEntry): void {
    this.anchors.set(entry.id, this.page);
    if (!this.draw) return;
    this.doc.addNamedDestination(entry.id, 'XYZ', 0, Math.max(0, this.y - 12), 0);
    if (entry.level === 1) this.outlineParent = this.doc.outline.addItem(entry.title);
    else (this.outlineParent ?? this.doc.outline).addItem(entry.title);
  }

  /** A level-1 section: always on a new page. */
  section(entry: TocEntry, intro?: string): void {
    this.running = entry.title;
    this.setBreakHandler(undefined);
    this.addPage();
    this.anchor(entry);
    this.text(entry.title, this.left, this.y, this.width, { face: 'bold', size: 17, color: COLORS.accent });
    this.y += 26;
    if (intro !== undefined) this.paragraph(intro, { face: 'regular', size: 8.5, color: COLORS.muted }, { gap: 8 });
  }

  heading(text: string, options: { size?: number; before?: number; keepWith?: number; color?: string } = {}): void {
    const size = options.size ?? 11;
    this.y += options.before ?? 6;
    this.ensure(size * 1.6 + (options.keepWith ?? 40));
    this.text(text, this.left, this.y, this.width, { face: 'bold', size, color: options.color ?? COLORS.text });
    this.y += size * 1.5;
  }

  link(x: number, y: number, w: number, h: number, destination: string): void {
    if (this.draw) this.doc.goTo(x, y, w, h, destination);
  }
}

// --- tables -----------------------------------------------------------------------------------------

export interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

export interface Cell {
  text: string;
  /** Lines that start on a line of their own below `text` (each escaped and wrapped like it). */
  below?: readonly string[];
  color?: string;
  face?: Face;
  /** Wrap onto at most this many lines (default 1: cut with an ellipsis). */
  lines?: number;
  /** A filled badge behind the text. */
  badge?: string;
}

/** A cell of several lines, each on a line of its own (and wrapped within the cell). */
export function linesCell(lines: readonly string[], maxLines: number): Cell {
  const [first = '', ...rest] = lines;
  return { text: first, below: rest, lines: maxLines };
}

export interface DetailLine {
  text: string;
  style: TextStyle;
  maxLines?: number;
  indent?: number;
}

export interface TableOptions {
  /** Repeated above the header on each continued page. */
  caption?: string;
  body?: TextStyle;
  header?: TextStyle;
  zebra?: boolean;
}

const PAD_X = 3;
const PAD_Y = 2.5;

/** A table whose header repeats at the top of every page it runs onto. Rows never split across pages. */
export class Table {
  private readonly body: TextStyle;
  private readonly header: TextStyle;
  private index = 0;

  constructor(
    private readonly pager: Pager,
    private readonly columns: readonly Column[],
    private readonly options: TableOptions = {},
  ) {
    this.body = options.body ?? { face: 'condensed', size: 7.5 };
    this.header = options.header ?? { face: 'condensedBold', size: 7.5 };
  }

  /** Column titles wrap (up to three lines) rather than being cut. */
  private headerLines: string[][] | undefined;

  private titles(): string[][] {
    this.headerLines ??= this.columns.map((c) => this.pager.wrap(c.title, c.width - PAD_X * 2, this.header, 3));
    return this.headerLines;
  }

  private get headerHeight(): number {
    const lines = Math.max(1, ...this.titles().map((t) => t.length));
    return this.header.size * 1.3 * lines + PAD_Y * 2;
  }

  private drawHeader(continued: boolean): void {
    const p = this.pager;
    if (continued && this.options.caption !== undefined) {
      p.text(`${this.options.caption} (continued)`, p.left, p.y, p.width, { face: 'bold', size: 8.5, color: COLORS.muted });
      p.y += 14;
    }
    p.box(p.left, p.y, p.width, this.headerHeight, COLORS.headerFill);
    let x = p.left;
    const titles = this.titles();
    this.columns.forEach((c, i) => {
      let ty = p.y + PAD_Y;
      for (const line of titles[i] ?? []) {
        p.text(line, x + PAD_X, ty, c.width - PAD_X * 2, { ...this.header, color: COLORS.text }, c.align ?? 'left');
        ty += this.header.size * 1.3;
      }
      x += c.width;
    });
    p.y += this.headerHeight;
  }

  /** Draws the header; keeps it on the same page as at least `firstRow` points of rows. */
  start(firstRow = 30): this {
    this.pager.ensure(this.headerHeight + firstRow);
    this.drawHeader(false);
    this.pager.setBreakHandler(() => this.drawHeader(true));
    return this;
  }

  row(cells: ReadonlyArray<Cell | string>, details: readonly DetailLine[] = []): void {
    const p = this.pager;
    const lineHeight = this.body.size * 1.3;
    const laid = cells.map((cell, i) => {
      const c: Cell = typeof cell === 'string' ? { text: cell } : cell;
      const width = (this.columns[i]?.width ?? 0) - PAD_X * 2;
      const style: TextStyle = { face: c.face ?? this.body.face, size: this.body.size, color: c.color ?? this.body.color ?? COLORS.text };
      // A cell is data, never layout: its control characters (CR/LF included) are escaped before wrapping;
      // only `below` starts new lines.
      const text = [c.text, ...(c.below ?? [])].map(displaySafe).join('\n');
      const lines = (c.lines ?? 1) > 1 ? p.wrap(text, width, style, c.lines) : [c.text];
      return { c, width, style, lines };
    });
    const detailLaid = details.map((d) => {
      const indent = d.indent ?? 0;
      const width = p.width - PAD_X * 2 - indent;
      return { d, indent, width, lines: p.wrap(d.text, width, d.style, d.maxLines ?? 1) };
    });
    const cellLines = Math.max(1, ...laid.map((l) => l.lines.length));
    const detailHeight = detailLaid.reduce((h, l) => h + l.lines.length * l.d.style.size * 1.3, 0);
    const height = cellLines * lineHeight + detailHeight + PAD_Y * 2;
    p.ensure(height);
    if (this.options.zebra !== false && this.index % 2 === 1) p.box(p.left, p.y, p.width, height, COLORS.zebra);
    this.index += 1;
    let x = p.left;
    laid.forEach((l, i) => {
      const column = this.columns[i];
      if (column === undefined) return;
      let ly = p.y + PAD_Y;
      for (const line of l.lines) {
        if (l.c.badge !== undefined) {
          const w = Math.min(l.width, p.fonts.width(line, l.style.face, l.style.size) + 6);
          const bx = column.align === 'right' ? x + column.width - PAD_X - w : x + PAD_X - 1;
          p.box(bx, ly - 1, w, lineHeight - 0.5, l.c.badge);
          p.text(line, bx + 3, ly, w - 6, l.style);
        } else {
          p.text(line, x + PAD_X, ly, l.width, l.style, column.align ?? 'left');
        }
        ly += lineHeight;
      }
      x += column.width;
    });
    let dy = p.y + PAD_Y + cellLines * lineHeight;
    for (const l of detailLaid) {
      for (const line of l.lines) {
        p.text(line, p.left + PAD_X + l.indent, dy, l.width, l.d.style);
        dy += l.d.style.size * 1.3;
      }
    }
    p.y += height;
    p.rule(p.left, p.y, p.left + p.width, COLORS.rule, 0.25);
  }

  end(gap = 10): void {
    this.pager.setBreakHandler(undefined);
    this.pager.y += gap;
  }
}

// A lean reader for the few big AWS list responses (EC2 DescribeVolumes / SecurityGroups /
// NetworkInterfaces, RDS DescribeDBInstances / DBClusters). The SDK builds a generic tree of the
// whole XML one character at a time and then walks its schema over it: ~70 % of a scan's CPU at
// 500 resources of each kind per region. This reader walks the same schema over the response's
// bytes directly (Buffer#indexOf for markup, no decoding of the whole body) and decodes only the
// values of the fields Ward declares for each item; everything else of the
// SDK stays (signing, credentials, endpoints, retries, paging, errors: a non-2xx response never
// comes here). It reproduces the SDK's mapping (member names, empty elements, entities, scalar
// conversion through the SDK's own string deserialiser); anything it does not handle the way the
// SDK does (attributes below the root, comments, CDATA, mixed text, repeated members, maps) makes it
// hand the response back to the SDK. lean-xml.test.ts compares both on the same bytes.

import { NormalizedSchema } from '@smithy/core/schema';

/** An operation's output whose list member Ward reads lean: only `fields` of each item are kept. */
export interface LeanList {
  /** The operation's output structure schema, as the SDK client exports it (e.g. `DescribeVolumesResult$`). */
  output: unknown;
  /** The output member holding the items (e.g. `Volumes`). */
  list: string;
  fields: readonly string[];
}

/** How often responses were read lean, and how often they were handed back to the SDK. */
export const leanStats = { lean: 0, fallback: 0 };

interface StringDeserializer {
  read(schema: NormalizedSchema, data: string): unknown;
}

interface SdkXmlDeserializer {
  read(schema: unknown, bytes: Uint8Array, key?: string): unknown;
  stringDeserializer: StringDeserializer;
}

type Plan = StructPlan | ListPlan | ScalarPlan;
interface Member {
  name: string;
  flat: boolean;
  plan(): Plan;
}
interface StructPlan {
  kind: 'struct';
  members: TagNames<Member>;
}
interface ListPlan {
  kind: 'list';
  itemKey: Uint8Array;
  item(): Plan;
}
interface ScalarPlan {
  kind: 'scalar';
  convert(text: string): unknown;
}

/** Thrown inside the reader for input it does not reproduce exactly; the SDK then reads it. */
class NotLean extends Error {}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const LF = 0x0a;
const CR = 0x0d;
/** XML whitespace, as the SDK's parser counts it (space, tab, CR, LF). */
function isSpace(code: number | undefined): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
}
/** The ASCII characters String#trim removes: the XML whitespace, vertical tab and form feed. */
function isTrimmedAscii(code: number): boolean {
  return isSpace(code) || code === 0x0b || code === 0x0c;
}
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|([a-zA-Z][a-zA-Z0-9]{0,30}));/g;

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (_match, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
    if (dec !== undefined) return String.fromCharCode(parseInt(dec, 10));
    return ENTITIES[named ?? ''] ?? '';
  });
}

/** The SDK's parser reads CR LF and a lone CR as LF (before entities: `&#13;` stays a CR). */
function normaliseLineBreaks(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

function asciiBytes(name: string): Uint8Array {
  // Tag names are matched byte for byte; a name outside ASCII would need the SDK's decoding rules.
  if (!/^[\x21-\x7e]+$/.test(name)) throw new NotLean(`tag name ${JSON.stringify(name)}`);
  return Buffer.from(name, 'latin1');
}

function sameBytes(x: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  if (end - start !== name.length) return false;
  for (let k = 0; k < name.length; k += 1) if (x[start + k] !== name[k]) return false;
  return true;
}

/**
 * Element names looked up by their bytes in the response, so that reading a tag makes no string
 * (the names of one structure, bucketed by length; a bucket holds one or two names).
 */
class TagNames<T> {
  private readonly byLength: Array<Array<{ bytes: Uint8Array; value: T }> | undefined> = [];

  constructor(entries: Iterable<readonly [string, T]>) {
    for (const [name, value] of entries) {
      const bytes = asciiBytes(name);
      (this.byLength[bytes.length] ??= []).push({ bytes, value });
    }
  }

  find(x: Uint8Array, start: number, end: number): T | undefined {
    const bucket = this.byLength[end - start];
    if (bucket === undefined) return undefined;
    for (const entry of bucket) if (sameBytes(x, start, end, entry.bytes)) return entry.value;
    return undefined;
  }
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

class PlanCompiler {
  constructor(private readonly strings: StringDeserializer) {}

  compile(ns: NormalizedSchema, only?: ReadonlySet<string>, override?: { member: string; plan: () => Plan }): Plan {
    if (ns.isListSchema()) {
      const value = ns.getValueSchema();
      return { kind: 'list', itemKey: asciiBytes(value.getMergedTraits().xmlName ?? 'member'), item: once(() => this.compile(value)) };
    }
    if (ns.isStructSchema()) {
      if (ns.isUnionSchema()) throw new NotLean('union');
      const members: Array<[string, Member]> = [];
      for (const [name, member] of ns.structIterator()) {
        if (only !== undefined && !only.has(name)) continue;
        const traits = member.getMergedTraits();
        if (traits.httpPayload !== undefined) throw new NotLean('payload member');
        const key = (member.getMemberTraits().xmlName as string | undefined) ?? name;
        const plan = override?.member === name ? override.plan : once(() => this.compile(member));
        members.push([key, { name, flat: member.isListSchema() && Boolean(traits.xmlFlattened), plan }]);
      }
      return { kind: 'struct', members: new TagNames(members) };
    }
    if (ns.isMapSchema() || ns.isDocumentSchema() || ns.isUnitSchema()) throw new NotLean('map, document or unit');
    return { kind: 'scalar', convert: this.scalar(ns) };
  }

  /** The SDK's own conversion, with its three trivial cases inlined (they are most of the values). */
  private scalar(ns: NormalizedSchema): (text: string) => unknown {
    const traits = ns.getMergedTraits();
    const type = ns.getSchema();
    if (type === 0 && traits.mediaType === undefined) return (text) => text;
    if (type === 2) return (text) => text.toLowerCase() === 'true';
    if (type === 1) return Number;
    return (text) => this.strings.read(ns, text);
  }
}

/** What `nextChild` found: the parent's closing tag, or a child element (its name in tagStart…tagEnd). */
const CLOSED = 0;
const OPEN = 1;
const SELF_CLOSING = 2;
type Child = typeof CLOSED | typeof OPEN | typeof SELF_CLOSING;

const COMMENT = Buffer.from('<!--', 'latin1');
const CDATA = Buffer.from('<![CDATA[', 'latin1');
const COMMENT_END = Buffer.from('-->', 'latin1');
const CDATA_END = Buffer.from(']]>', 'latin1');
const PI_END = Buffer.from('?>', 'latin1');

/**
 * One response's bytes, read against a plan. It finds markup (all ASCII) in the UTF-8 bytes and
 * decodes only the values it keeps: a cut next to an ASCII byte is a character boundary, even in
 * invalid UTF-8, so a value decoded alone is the text the SDK cuts from the whole decoded body,
 * and it is a string of its own (the body's bytes are not kept alive by what the scan keeps).
 */
class LeanReader {
  private i = 0;
  /** The name of the tag `openTag` last read, as a range of the bytes. */
  private tagStart = 0;
  private tagEnd = 0;
  /** The names of the elements `skip` is inside, as pairs of start and end (reused: no allocation per skip). */
  private readonly openNames: number[] = [];

  constructor(private readonly x: Buffer) {}

  /** The output, as `XmlShapeDeserializer.read(schema, bytes, key)` returns it. */
  document(plan: Plan, key: string | undefined): unknown {
    this.prolog();
    if (this.x[this.i] !== LT) throw new NotLean('no root element');
    const root = this.openTag(true);
    if (root === SELF_CLOSING) return key === undefined ? this.empty(plan) : undefined;
    if (key === undefined) return this.content(plan, this.tagStart, this.tagEnd);
    const wrapper: StructPlan = { kind: 'struct', members: new TagNames([[key, { name: key, flat: false, plan: () => plan }]]) };
    return this.struct(wrapper, this.tagStart, this.tagEnd)[key];
  }

  private prolog(): void {
    for (;;) {
      while (isSpace(this.x[this.i])) this.i += 1;
      if (this.x[this.i] !== LT) return;
      const next = this.x[this.i + 1];
      if (next === QUESTION) this.i = this.after(PI_END);
      else if (this.startsWith(COMMENT, this.i)) this.i = this.after(COMMENT_END);
      else if (next === BANG) throw new NotLean('doctype');
      else return;
    }
  }

  private startsWith(bytes: Uint8Array, at: number): boolean {
    return sameBytes(this.x, at, at + bytes.length, bytes);
  }

  private after(stop: Uint8Array | number): number {
    const at = this.x.indexOf(stop, this.i);
    if (at === -1) throw new NotLean('unterminated markup');
    return at + (typeof stop === 'number' ? 1 : stop.length);
  }

  /** The text of bytes start…end, as the SDK decodes it. */
  private text(start: number, end: number): string {
    return this.x.toString('utf8', start, end);
  }

  /** Whether bytes start…end are empty once trimmed as String#trim trims. */
  private blank(start: number, end: number): boolean {
    for (let j = start; j < end; j += 1) {
      const c = this.x[j] as number;
      if (isTrimmedAscii(c)) continue;
      return c >= 0x80 && this.text(start, end).trim() === '';
    }
    return true;
  }

  /** At `<name`: reads the tag; attributes only on the root (the SDK ignores the root's). */
  private openTag(root = false): Child {
    const x = this.x;
    const start = this.i + 1;
    let j = start;
    while (j < x.length) {
      const c = x[j];
      if (c === GT || c === SLASH || isSpace(c)) break;
      j += 1;
    }
    if (j === start) throw new NotLean('bad tag');
    this.tagStart = start;
    this.tagEnd = j;
    if (x[j] === GT) {
      this.i = j + 1;
      return OPEN;
    }
    if (x[j] === SLASH && x[j + 1] === GT) {
      this.i = j + 2;
      return SELF_CLOSING;
    }
    const end = x.indexOf(GT, j);
    if (end === -1) throw new NotLean('unterminated tag');
    const selfClosing = x[end - 1] === SLASH;
    if (!root && !this.blank(j, selfClosing ? end - 1 : end)) throw new NotLean('attributes');
    this.i = end + 1;
    return selfClosing ? SELF_CLOSING : OPEN;
  }

  /** At `</`: the closing tag of the element named by bytes start…end. */
  private closeTag(start: number, end: number): void {
    const gt = this.x.indexOf(GT, this.i);
    if (gt === -1 || !this.sameName(this.i + 2, gt, start, end)) throw new NotLean('mismatched tags');
    this.i = gt + 1;
  }

  /** Whether a closing tag's text (trimmed, as the string reader trimmed it) is the opening tag's name. */
  private sameName(start: number, end: number, nameStart: number, nameEnd: number): boolean {
    if (end - start === nameEnd - nameStart) {
      let k = 0;
      while (k < end - start && this.x[start + k] === this.x[nameStart + k]) k += 1;
      if (k === end - start) return true;
    }
    return this.text(start, end).trim() === this.text(nameStart, nameEnd);
  }

  /** What the SDK makes of an element with no child elements and no text. */
  private empty(plan: Plan): unknown {
    if (plan.kind === 'list') return [];
    if (plan.kind === 'struct') return {};
    return plan.convert('');
  }

  private content(plan: Plan, start: number, end: number): unknown {
    if (plan.kind === 'scalar') return this.scalar(plan, start, end);
    if (plan.kind === 'list') return this.list(plan, start, end);
    return this.struct(plan, start, end);
  }

  private scalar(plan: ScalarPlan, start: number, end: number): unknown {
    const lt = this.x.indexOf(LT, this.i);
    if (lt === -1 || this.x[lt + 1] !== SLASH) throw new NotLean('element or markup inside a value');
    const text = decodeEntities(normaliseLineBreaks(this.text(this.i, lt)));
    this.i = lt;
    this.closeTag(start, end);
    return plan.convert(text.trim() === '' && text.includes('\n') ? '' : text);
  }

  /**
   * Skips whitespace before the next tag, and says whether the SDK keeps it as text: it drops
   * whitespace with a line break in it, and keeps other text, which is mixed content here.
   */
  private toNextTag(): boolean {
    let j = this.i;
    let lineBreak = false;
    for (let c = this.x[j]; isSpace(c); c = this.x[(j += 1)]) lineBreak ||= c === LF || c === CR;
    if (j >= this.x.length) throw new NotLean('unterminated element');
    if (this.x[j] !== LT) throw new NotLean('mixed content');
    const kept = j > this.i && !lineBreak;
    this.i = j;
    const next = this.x[j + 1];
    if (next === BANG || next === QUESTION) throw new NotLean('comment, CDATA or processing instruction');
    return kept;
  }

  /**
   * The next child element of the element named by bytes start…end, or CLOSED once its closing tag
   * is passed. `first`: no child element came before (whitespace the SDK keeps then beside an
   * element makes it text and elements, and the SDK's output of that is not what this reader gives).
   */
  private nextChild(start: number, end: number, first: boolean): Child {
    const textKept = this.toNextTag();
    const closing = this.x[this.i + 1] === SLASH;
    if (textKept && !(first && closing)) throw new NotLean('mixed content');
    if (!closing) return this.openTag();
    this.closeTag(start, end);
    return CLOSED;
  }

  private value(plan: Plan, child: Child, start: number, end: number): unknown {
    return child === SELF_CLOSING ? this.empty(plan) : this.content(plan, start, end);
  }

  private struct(plan: StructPlan, start: number, end: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let child = this.nextChild(start, end, true); child !== CLOSED; child = this.nextChild(start, end, false)) {
      const childStart = this.tagStart;
      const childEnd = this.tagEnd;
      const member = plan.members.find(this.x, childStart, childEnd);
      if (member === undefined) {
        if (child === OPEN) this.skip();
        continue;
      }
      const memberPlan = member.plan();
      if (member.flat && memberPlan.kind === 'list') {
        ((out[member.name] ??= []) as unknown[]).push(this.value(memberPlan.item(), child, childStart, childEnd));
        continue;
      }
      if (member.name in out) throw new NotLean('repeated member');
      out[member.name] = this.value(memberPlan, child, childStart, childEnd);
    }
    return out;
  }

  private list(plan: ListPlan, start: number, end: number): unknown[] {
    const out: unknown[] = [];
    const item = plan.item();
    for (let child = this.nextChild(start, end, true); child !== CLOSED; child = this.nextChild(start, end, false)) {
      const childStart = this.tagStart;
      const childEnd = this.tagEnd;
      if (sameBytes(this.x, childStart, childEnd, plan.itemKey)) out.push(this.value(item, child, childStart, childEnd));
      else if (child === OPEN) this.skip();
    }
    return out;
  }

  /**
   * Past the end of the element `openTag` last read, which Ward does not read, whatever it holds;
   * its closing tags are checked against its opening tags, as the SDK checks them.
   */
  private skip(): void {
    const x = this.x;
    const open = this.openNames;
    let depth = 0;
    open[0] = this.tagStart;
    open[1] = this.tagEnd;
    while (depth >= 0) {
      const lt = x.indexOf(LT, this.i);
      if (lt === -1) throw new NotLean('unterminated element');
      this.i = lt;
      const next = x[lt + 1];
      if (next === BANG && this.startsWith(COMMENT, lt)) this.i = this.after(COMMENT_END);
      else if (next === BANG && this.startsWith(CDATA, lt)) this.i = this.after(CDATA_END);
      else if (next === QUESTION) this.i = this.after(PI_END);
      else if (next === SLASH) {
        this.closeTag(open[2 * depth] as number, open[2 * depth + 1] as number);
        depth -= 1;
      } else {
        const end = this.after(GT);
        if (x[end - 2] !== SLASH) {
          let j = lt + 1;
          for (let c = x[j]; j < end && c !== GT && c !== SLASH && !isSpace(c); c = x[(j += 1)]);
          depth += 1;
          open[2 * depth] = lt + 1;
          open[2 * depth + 1] = j;
        }
        this.i = end;
      }
    }
  }
}

/** The response's bytes as a Buffer, without copying them. */
function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

interface LeanOperation {
  read(bytes: Buffer, key: string | undefined): unknown;
}

function leanOperation(list: LeanList, compiler: PlanCompiler): LeanOperation | undefined {
  try {
    const output = NormalizedSchema.of(list.output as Parameters<typeof NormalizedSchema.of>[0]);
    if (schemaName(output) === '') return undefined;
    const listNs = output.getMemberSchema(list.list);
    const itemNs = listNs.getValueSchema();
    const itemPlan = once(() => compiler.compile(itemNs, new Set(list.fields)));
    const listPlan = once((): Plan => ({ kind: 'list', itemKey: asciiBytes(itemNs.getMergedTraits().xmlName ?? 'member'), item: itemPlan }));
    const plan = compiler.compile(output, undefined, { member: list.list, plan: listPlan });
    itemPlan();
    listPlan();
    return { read: (bytes, key) => new LeanReader(bytes).document(plan, key) };
  } catch {
    return undefined;
  }
}

function schemaName(schema: unknown): string {
  return NormalizedSchema.of(schema as Parameters<typeof NormalizedSchema.of>[0]).getName(true) ?? '';
}

function isSdkXmlDeserializer(value: unknown): value is SdkXmlDeserializer {
  const candidate = value as Partial<SdkXmlDeserializer> | undefined;
  return typeof candidate?.read === 'function' && typeof candidate.stringDeserializer?.read === 'function';
}

/**
 * Makes the client read these operations' outputs lean. Returns whether it could: a client whose
 * protocol does not have the shape this relies on (an SDK upgrade) keeps the SDK's reader.
 */
export function readListsLean(client: { config: object }, lists: readonly LeanList[]): boolean {
  const protocol = (client.config as { protocol?: { deserializer?: unknown } }).protocol;
  const sdk = protocol?.deserializer;
  if (!isSdkXmlDeserializer(sdk)) return false;
  const compiler = new PlanCompiler(sdk.stringDeserializer);
  const byOutput = new Map<string, LeanOperation>();
  for (const list of lists) {
    const operation = leanOperation(list, compiler);
    if (operation === undefined) return false;
    byOutput.set(schemaName(list.output), operation);
  }
  const sdkRead = sdk.read.bind(sdk);
  sdk.read = (schema, bytes, key) => {
    const operation = typeof schema === 'object' && schema !== null ? byOutput.get(schemaName(schema)) : undefined;
    if (operation !== undefined && bytes.byteLength > 0) {
      try {
        const output = operation.read(bufferOf(bytes), key);
        leanStats.lean += 1;
        return output;
      } catch (error) {
        if (!(error instanceof NotLean)) throw error;
        leanStats.fallback += 1;
      }
    }
    return sdkRead(schema, bytes, key);
  };
  return true;
}

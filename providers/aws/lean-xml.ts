// A lean reader for the few big AWS list responses (EC2 DescribeVolumes / SecurityGroups /
// NetworkInterfaces, RDS DescribeDBInstances / DBClusters). The SDK builds a generic tree of the
// whole XML one character at a time and then walks its schema over it: ~70 % of a scan's CPU at
// 500 resources of each kind per region. This reader walks the same schema over the text directly
// with indexOf and keeps only the fields Ward declares for each item; everything else of the
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
  members: Map<string, Member>;
}
interface ListPlan {
  kind: 'list';
  itemKey: string;
  item(): Plan;
}
interface ScalarPlan {
  kind: 'scalar';
  convert(text: string): unknown;
}

/** Thrown inside the reader for input it does not reproduce exactly; the SDK then reads it. */
class NotLean extends Error {}

const GT = 0x3e;
const SLASH = 0x2f;
/** XML whitespace, as the SDK's parser counts it (space, tab, CR, LF). */
function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
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

/**
 * A copy of a value cut from the response text. V8 keeps a slice of 13 characters or more as a view
 * of the whole text, so one kept resource id would keep every page of every list alive (bench b:
 * +700 MB); concatenating flattens it into a string of its own.
 */
function own(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
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
      return { kind: 'list', itemKey: value.getMergedTraits().xmlName ?? 'member', item: once(() => this.compile(value)) };
    }
    if (ns.isStructSchema()) {
      if (ns.isUnionSchema()) throw new NotLean('union');
      const members = new Map<string, Member>();
      for (const [name, member] of ns.structIterator()) {
        if (only !== undefined && !only.has(name)) continue;
        const traits = member.getMergedTraits();
        if (traits.httpPayload !== undefined) throw new NotLean('payload member');
        const key = (member.getMemberTraits().xmlName as string | undefined) ?? name;
        const plan = override?.member === name ? override.plan : once(() => this.compile(member));
        members.set(key, { name, flat: member.isListSchema() && Boolean(traits.xmlFlattened), plan });
      }
      return { kind: 'struct', members };
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

/** One response's text, read against a plan. */
class LeanReader {
  private i = 0;

  constructor(private readonly x: string) {}

  /** The output, as `XmlShapeDeserializer.read(schema, bytes, key)` returns it. */
  document(plan: Plan, key: string | undefined): unknown {
    this.prolog();
    if (this.x[this.i] !== '<') throw new NotLean('no root element');
    const root = this.openTag(true);
    if (root.selfClosing) return key === undefined ? this.empty(plan) : undefined;
    if (key === undefined) return this.content(plan, root.name);
    return this.struct({ kind: 'struct', members: new Map([[key, { name: key, flat: false, plan: () => plan }]]) }, root.name)[key];
  }

  private prolog(): void {
    for (;;) {
      while (isSpace(this.x.charCodeAt(this.i))) this.i += 1;
      if (this.x.startsWith('<?', this.i)) this.i = this.after('?>');
      else if (this.x.startsWith('<!--', this.i)) this.i = this.after('-->');
      else if (this.x.startsWith('<!', this.i)) throw new NotLean('doctype');
      else return;
    }
  }

  private after(stop: string): number {
    const at = this.x.indexOf(stop, this.i);
    if (at === -1) throw new NotLean(`no ${stop}`);
    return at + stop.length;
  }

  /** At `<name`: reads the tag; attributes only on the root (the SDK ignores the root's). */
  private openTag(root = false): { name: string; selfClosing: boolean } {
    const x = this.x;
    const start = this.i + 1;
    let j = start;
    while (j < x.length) {
      const c = x.charCodeAt(j);
      if (c === GT || c === SLASH || isSpace(c)) break;
      j += 1;
    }
    const name = x.slice(start, j);
    if (name === '') throw new NotLean('bad tag');
    if (x.charCodeAt(j) === GT) {
      this.i = j + 1;
      return { name, selfClosing: false };
    }
    if (x.charCodeAt(j) === SLASH && x.charCodeAt(j + 1) === GT) {
      this.i = j + 2;
      return { name, selfClosing: true };
    }
    const end = x.indexOf('>', j);
    if (end === -1) throw new NotLean('unterminated tag');
    const selfClosing = x.charCodeAt(end - 1) === SLASH;
    if (!root && x.slice(j, selfClosing ? end - 1 : end).trim() !== '') throw new NotLean('attributes');
    this.i = end + 1;
    return { name, selfClosing };
  }

  /** At `</`: the closing tag of `name`. */
  private closeTag(name: string): void {
    const end = this.x.indexOf('>', this.i);
    if (end === -1 || this.x.slice(this.i + 2, end).trim() !== name) throw new NotLean('mismatched tags');
    this.i = end + 1;
  }

  /** What the SDK makes of an element with no child elements and no text. */
  private empty(plan: Plan): unknown {
    if (plan.kind === 'list') return [];
    if (plan.kind === 'struct') return {};
    return plan.convert('');
  }

  private content(plan: Plan, name: string): unknown {
    if (plan.kind === 'scalar') return this.scalar(plan, name);
    if (plan.kind === 'list') return this.list(plan, name);
    return this.struct(plan, name);
  }

  private scalar(plan: ScalarPlan, name: string): unknown {
    const lt = this.x.indexOf('<', this.i);
    if (lt === -1 || this.x[lt + 1] !== '/') throw new NotLean('element or markup inside a value');
    const text = own(decodeEntities(this.x.slice(this.i, lt)));
    this.i = lt;
    this.closeTag(name);
    return plan.convert(text.trim() === '' && text.includes('\n') ? '' : text);
  }

  /** Skips text between child elements; text that is not whitespace is mixed content the SDK keeps. */
  private toNextTag(): void {
    const lt = this.x.indexOf('<', this.i);
    if (lt === -1) throw new NotLean('unterminated element');
    for (let j = this.i; j < lt; j += 1) if (!isSpace(this.x.charCodeAt(j))) throw new NotLean('mixed content');
    this.i = lt;
    const next = this.x[lt + 1];
    if (next === '!' || next === '?') throw new NotLean('comment, CDATA or processing instruction');
  }

  /** The next child element of `name`, or undefined once its closing tag is passed. */
  private nextChild(name: string): { name: string; selfClosing: boolean } | undefined {
    this.toNextTag();
    if (this.x[this.i + 1] !== '/') return this.openTag();
    this.closeTag(name);
    return undefined;
  }

  private value(plan: Plan, child: { name: string; selfClosing: boolean }): unknown {
    return child.selfClosing ? this.empty(plan) : this.content(plan, child.name);
  }

  private struct(plan: StructPlan, name: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let child = this.nextChild(name); child !== undefined; child = this.nextChild(name)) {
      const member = plan.members.get(child.name);
      if (member === undefined) {
        if (!child.selfClosing) this.skip(child.name);
        continue;
      }
      const memberPlan = member.plan();
      if (member.flat && memberPlan.kind === 'list') {
        ((out[member.name] ??= []) as unknown[]).push(this.value(memberPlan.item(), child));
        continue;
      }
      if (member.name in out) throw new NotLean('repeated member');
      out[member.name] = this.value(memberPlan, child);
    }
    return out;
  }

  private list(plan: ListPlan, name: string): unknown[] {
    const out: unknown[] = [];
    const item = plan.item();
    for (let child = this.nextChild(name); child !== undefined; child = this.nextChild(name)) {
      if (child.name === plan.itemKey) out.push(this.value(item, child));
      else if (!child.selfClosing) this.skip(child.name);
    }
    return out;
  }

  /** Past the end of an element Ward does not read, whatever it holds. */
  private skip(name: string): void {
    let depth = 1;
    while (depth > 0) {
      const lt = this.x.indexOf('<', this.i);
      if (lt === -1) throw new NotLean(`unterminated <${name}>`);
      this.i = lt;
      if (this.x.startsWith('<!--', lt)) this.i = this.after('-->');
      else if (this.x.startsWith('<![CDATA[', lt)) this.i = this.after(']]>');
      else if (this.x[lt + 1] === '?') this.i = this.after('?>');
      else {
        const end = this.after('>');
        if (this.x[lt + 1] === '/') depth -= 1;
        else if (this.x[end - 2] !== '/') depth += 1;
        this.i = end;
      }
    }
  }
}

/** UTF-8 as the SDK decodes it (a byte order mark stays, and then is refused as the SDK refuses it). */
function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

interface LeanOperation {
  read(text: string, key: string | undefined): unknown;
}

function leanOperation(list: LeanList, compiler: PlanCompiler): LeanOperation | undefined {
  try {
    const output = NormalizedSchema.of(list.output as Parameters<typeof NormalizedSchema.of>[0]);
    if (schemaName(output) === '') return undefined;
    const listNs = output.getMemberSchema(list.list);
    const itemNs = listNs.getValueSchema();
    const itemPlan = once(() => compiler.compile(itemNs, new Set(list.fields)));
    const listPlan = once((): Plan => ({ kind: 'list', itemKey: itemNs.getMergedTraits().xmlName ?? 'member', item: itemPlan }));
    const plan = compiler.compile(output, undefined, { member: list.list, plan: listPlan });
    itemPlan();
    return { read: (text, key) => new LeanReader(text).document(plan, key) };
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
        const output = operation.read(utf8(bytes), key);
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

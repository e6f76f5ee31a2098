// `--output json` without the whole document as one string (at organisation scale ~100 MB, and more
// while it is built) and without every result in memory at once: results are written as each
// target's part arrives. The bytes are exactly JSON.stringify(value) — or, for a person reading a
// terminal, JSON.stringify(value, null, 2) — followed by a newline.

import { once } from 'node:events';
import type { Writable } from 'node:stream';

const INDENT = '  ';

/**
 * Elements per write: few enough writes to be cheap; small enough that each write's text (~65 KB) stays
 * below V8's large-object size (128 KB), an ordinary young allocation a scavenge frees.
 */
const BATCH = 50;

export type JsonLayout = 'compact' | 'indented';

function defined(value: object): Array<[string, unknown]> {
  return Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
}

/** What a layout needs to write a document piece by piece. */
interface Layout {
  /** An object member at depth one, without its comma. */
  member(key: string, value: unknown): string;
  /** The document up to its array member `key`, whose elements follow. */
  open(members: readonly string[], key: string): string;
  /** Array elements at depth two, each preceded by its separator; `first` when none was written yet. */
  elements(batch: readonly unknown[], first: boolean): string;
  closeArray(empty: boolean): string;
  memberAfterArray(key: string, value: unknown): string;
  close: string;
}

const compact: Layout = {
  member: (key, value) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`,
  open: (members, key) => `{${[...members, `${JSON.stringify(key)}:[`].join(',')}`,
  elements: (batch, first) => `${first ? '' : ','}${JSON.stringify(batch).slice(1, -1)}`,
  closeArray: () => ']',
  memberAfterArray: (key, value) => `,${compact.member(key, value)}`,
  close: '}\n',
};

/** `{"a":[…]}` indented by JSON.stringify: its array elements are indented as at depth two. */
const WRAPPED_OPEN = `{\n${INDENT}"a": [`;
const WRAPPED_CLOSE = `\n${INDENT}]\n}`;

const indented: Layout = {
  member: (key, value) => `${INDENT}${JSON.stringify(key)}: ${(JSON.stringify(value, null, 2) ?? 'null').replaceAll('\n', `\n${INDENT}`)}`,
  open: (members, key) => `{\n${[...members, `${INDENT}${JSON.stringify(key)}: [`].join(',\n')}`,
  // One JSON.stringify per batch, which indents the elements itself (no pass over the text to indent it).
  elements: (batch, first) => `${first ? '' : ','}${JSON.stringify({ a: batch }, null, 2).slice(WRAPPED_OPEN.length, -WRAPPED_CLOSE.length)}`,
  closeArray: (empty) => (empty ? ']' : `\n${INDENT}]`),
  memberAfterArray: (key, value) => `,\n${indented.member(key, value)}`,
  close: '\n}\n',
};

/**
 * A document written while its array member is still being filled: the `head` members, the array's
 * elements as they arrive, then the `tail` members (known only at the end). The bytes are those of
 * JSON.stringify({ ...head, [key]: everyElement, ...tail }) in the chosen layout, and a newline.
 */
export class JsonDocumentWriter {
  private elements = 0;
  private readonly layout: Layout;

  constructor(
    private readonly out: Writable,
    private readonly key: string,
    layout: JsonLayout = 'compact',
  ) {
    this.layout = layout === 'compact' ? compact : indented;
  }

  async start(head: object): Promise<void> {
    await this.write(this.layout.open(defined(head).map(([k, v]) => this.layout.member(k, v)), this.key));
  }

  async add(elements: readonly unknown[]): Promise<void> {
    for (let start = 0; start < elements.length; start += BATCH) {
      await this.write(this.layout.elements(elements.slice(start, start + BATCH), this.elements === 0));
      this.elements += Math.min(BATCH, elements.length - start);
    }
  }

  async end(tail: object): Promise<void> {
    const members = defined(tail).map(([k, v]) => this.layout.memberAfterArray(k, v));
    await this.write(`${this.layout.closeArray(this.elements === 0)}${members.join('')}${this.layout.close}`);
  }

  private async write(text: string): Promise<void> {
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
}

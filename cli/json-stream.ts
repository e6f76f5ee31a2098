// `--output json` without the whole document as one string (at organisation scale ~100 MB, and more
// while it is built) and without every result in memory at once: results are written as each
// target's part arrives. The bytes are exactly JSON.stringify(value, null, 2): each array element and
// object member is stringified on its own and indented to its depth.

import { once } from 'node:events';
import type { Writable } from 'node:stream';

const INDENT = '  ';

/** Elements per write: few enough writes to be cheap, small enough chunks to keep memory flat. */
const BATCH = 200;

/** An object member as `JSON.stringify(object, null, 2)` writes it at depth one, without its comma. */
function member(key: string, value: unknown): string {
  return `${INDENT}${JSON.stringify(key)}: ${(JSON.stringify(value, null, 2) ?? 'null').replaceAll('\n', `\n${INDENT}`)}`;
}

function defined(value: object): Array<[string, unknown]> {
  return Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
}

/**
 * A document written while its array member is still being filled: the `head` members, the array's
 * elements as they arrive, then the `tail` members (known only at the end). The bytes are those of
 * JSON.stringify({ ...head, [key]: everyElement, ...tail }, null, 2) and a newline.
 */
export class JsonDocumentWriter {
  private elements = 0;

  constructor(
    private readonly out: Writable,
    private readonly key: string,
  ) {}

  async start(head: object): Promise<void> {
    const members = defined(head).map(([k, v]) => `${member(k, v)},\n`);
    await this.write(`{\n${members.join('')}${INDENT}${JSON.stringify(this.key)}: [`);
  }

  async add(elements: readonly unknown[]): Promise<void> {
    let batch: string[] = [];
    for (const element of elements) {
      const text = (JSON.stringify(element, null, 2) ?? 'null').replaceAll('\n', `\n${INDENT}${INDENT}`);
      batch.push(`${this.elements === 0 ? '' : ','}\n${INDENT}${INDENT}${text}`);
      this.elements += 1;
      if (batch.length >= BATCH) {
        await this.write(batch.join(''));
        batch = [];
      }
    }
    if (batch.length > 0) await this.write(batch.join(''));
  }

  async end(tail: object): Promise<void> {
    const close = this.elements === 0 ? ']' : `\n${INDENT}]`;
    const members = defined(tail).map(([k, v]) => `,\n${member(k, v)}`);
    await this.write(`${close}${members.join('')}\n}\n`);
  }

  private async write(text: string): Promise<void> {
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
}

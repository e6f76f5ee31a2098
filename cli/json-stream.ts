// `--output json` without the whole document as one string: at organisation scale that string is
// ~100 MB (and more while it is built). The bytes are exactly JSON.stringify(value, null, 2): each
// array element and object member is stringified on its own and indented to its depth.

import { once } from 'node:events';
import type { Writable } from 'node:stream';

const INDENT = '  ';

/** Elements per write: few enough writes to be cheap, small enough chunks to keep memory flat. */
const BATCH = 200;

/** Pieces of `JSON.stringify(value, null, 2)`, one per array element of the top level's arrays. */
export function* jsonPieces(value: object): Generator<string> {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) {
    yield Array.isArray(value) ? '[]' : '{}';
    return;
  }
  yield '{\n';
  for (const [index, [key, member]] of entries.entries()) {
    const comma = index < entries.length - 1 ? ',' : '';
    const head = `${INDENT}${JSON.stringify(key)}: `;
    if (Array.isArray(member) && member.length > 0) {
      yield `${head}[\n`;
      for (let i = 0; i < member.length; i += 1) {
        const element = JSON.stringify(member[i], null, 2) ?? 'null';
        yield `${INDENT}${INDENT}${element.replaceAll('\n', `\n${INDENT}${INDENT}`)}${i < member.length - 1 ? ',' : ''}\n`;
      }
      yield `${INDENT}]${comma}\n`;
    } else {
      yield `${head}${(JSON.stringify(member, null, 2) ?? 'null').replaceAll('\n', `\n${INDENT}`)}${comma}\n`;
    }
  }
  yield '}';
}

/** Writes `JSON.stringify(value, null, 2)` and a newline, in batches, waiting when the stream is full. */
export async function writeJson(out: Writable, value: object): Promise<void> {
  let batch: string[] = [];
  for (const piece of jsonPieces(value)) {
    batch.push(piece);
    if (batch.length >= BATCH) {
      if (!out.write(batch.join(''))) await once(out, 'drain');
      batch = [];
    }
  }
  batch.push('\n');
  if (!out.write(batch.join(''))) await once(out, 'drain');
}

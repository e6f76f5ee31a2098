// Reading and rewriting bundle zips in tests (tampering with them as an attacker would).

import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import { ZipFile } from 'yazl';

export async function readZip(path: string): Promise<Array<[string, Buffer]>> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true });
  const out: Array<[string, Buffer]> = [];
  for await (const entry of zip.eachEntry()) {
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    out.push([entry.fileName, Buffer.concat(chunks)]);
  }
  zip.close();
  return out;
}

export async function writeZip(path: string, entries: ReadonlyArray<readonly [string, Buffer, number?]>): Promise<string> {
  const zip = new ZipFile();
  for (const [name, bytes, mode] of entries) zip.addBuffer(bytes, name, mode === undefined ? {} : { mode });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.from(zip.outputStream)) chunks.push(chunk as Buffer);
  writeFileSync(path, Buffer.concat(chunks));
  return path;
}

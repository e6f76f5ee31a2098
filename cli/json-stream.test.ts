import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonDocumentWriter, type JsonLayout } from './json-stream.js';

const document = {
  schemaVersion: 1,
  scanId: 'scan-1',
  skipped: undefined,
  thresholds: { minLogRetentionDays: 365 },
  controls: ['a', 'b'],
  targets: [],
  coverage: [{ provider: 'aws', controls: [], reason: 'quote " and \\n newline\nline' }],
  results: Array.from({ length: 450 }, (_, i) => ({ id: `f${i}`, evidence: [{ fields: { n: i, deep: { list: [1, { x: null }] } } }], hipaa: [], mute: undefined })),
  empty: {},
};

describe('streamed --output json', () => {
  it('writes a document whose array is filled target by target with the same bytes, compact or indented', async () => {
    const { results, targets, coverage, ...head } = document;
    const collect = async (parts: ReadonlyArray<readonly unknown[]>, layout: JsonLayout = 'indented') => {
      const out = new PassThrough({ highWaterMark: 512 });
      const chunks: string[] = [];
      out.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
      const writer = new JsonDocumentWriter(out, 'results', layout);
      await writer.start(head);
      for (const part of parts) await writer.add(part);
      await writer.end({ targets, coverage, absent: undefined });
      out.end();
      return chunks;
    };
    const chunks = await collect([[], results.slice(0, 250), results.slice(250)]);
    expect(chunks.join('')).toBe(`${JSON.stringify({ ...head, results, targets, coverage }, null, 2)}\n`);
    expect(chunks.length).toBeGreaterThan(3);
    expect((await collect([[], []])).join('')).toBe(`${JSON.stringify({ ...head, results: [], targets, coverage }, null, 2)}\n`);
    expect((await collect([[], results.slice(0, 250), results.slice(250)], 'compact')).join('')).toBe(`${JSON.stringify({ ...head, results, targets, coverage })}\n`);
    expect((await collect([[], []], 'compact')).join('')).toBe(`${JSON.stringify({ ...head, results: [], targets, coverage })}\n`);
  });
});

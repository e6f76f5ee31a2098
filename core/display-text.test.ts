// Hostile names in every human output: the terminal summary and tables, Slack, the PDF. JSON keeps
// the raw value.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSlackMessage } from '../alerts/slack-message.js';
import { renderScanSummary, renderTable } from '../reports/console.js';
import { buildSampleStore, sampleScan, SAMPLE_MUTES, type SampleOptions } from '../reports/fixtures.js';
import { buildWeeklyEvidence } from '../reports/weekly.js';
import { finding, scanOf } from '../test/support/findings.js';
import { displaySafe } from './display-text.js';

const CLEAR = 'vol-\u001b[2J\u001b[H';
const OSC_TITLE = 'vol-\u001b]0;owned\u0007';
const FORGED = 'vol-x\r\nFAKE: 0 failing findings';
const HOSTILE = [CLEAR, OSC_TITLE, FORGED, 'vol-\u009b31m', 'vol-\u202etxt.exe'];

/** What a terminal could act on, or what would start a line of its own. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;

describe('control characters in human output', () => {
  it('are shown as visible escapes, printable text untouched', () => {
    expect(displaySafe(CLEAR)).toBe('vol-\\x1B[2J\\x1B[H');
    expect(displaySafe(OSC_TITLE)).toBe('vol-\\x1B]0;owned\\x07');
    expect(displaySafe(FORGED)).toBe('vol-x\\r\\nFAKE: 0 failing findings');
    expect(displaySafe('vol-\u202etxt.exe')).toBe('vol-\\u202Etxt.exe');
    expect(displaySafe('Клиника — db-01 (eu-west-1)')).toBe('Клиника — db-01 (eu-west-1)');
  });

  it('the terminal summary and tables never pass them through, nor let a name start a line', () => {
    const scan = scanOf(HOSTILE.map((name, i) => finding(`v${i}`, 'FAIL', { resource: { id: `v${i}`, uid: `u${i}`, type: 'AWS::EC2::Volume', name, tags: {} }, message: `${name} is not encrypted` })));
    const summary = renderScanSummary(scan);
    expect(summary).not.toMatch(UNSAFE);
    expect(summary.split('\n').some((line) => line.startsWith('FAKE'))).toBe(false);
    expect(summary).toContain('vol-x\\r\\nFAKE: 0 failing findings');
    const table = renderTable(['Resource'], HOSTILE.map((h) => [h]));
    expect(table).not.toMatch(UNSAFE);
    expect(table.split('\n')).toHaveLength(2 + HOSTILE.length);
  });

  it('Slack text carries no control character and no forged line', () => {
    const items = HOSTILE.map((name, i) => ({ kind: 'new' as const, finding: finding(`v${i}`, 'FAIL', { resource: { id: `v${i}`, uid: `u${i}`, type: 'AWS::EC2::Volume', name, tags: {} }, message: name }), firstSeen: '2026-11-20T00:00:00Z' }));
    const message = renderSlackMessage({ scanIds: ['s1'], items });
    const texts = JSON.stringify(message);
    const shown = (JSON.parse(texts) as { blocks: unknown[] }).blocks.flatMap(function all(b: unknown): string[] {
      if (typeof b === 'string') return [b];
      if (typeof b !== 'object' || b === null) return [];
      return Object.values(b).flatMap(all);
    });
    for (const text of shown) {
      expect(text).not.toMatch(UNSAFE);
      expect(text.split('\n').some((line) => line.startsWith('FAKE'))).toBe(false);
    }
    expect(shown.join('\n')).toContain('vol-\\x1B[2J');
  });

  it('the PDF shows them escaped while report.json keeps the raw value', async () => {
    const options: SampleOptions = { week: '2026-W47', accounts: 1, resourcesPerControl: 2, weeks: 1 };
    const dir = mkdtempSync(join(tmpdir(), 'ward-hostile-'));
    const store = await buildSampleStore(dir, options);
    const scan = sampleScan(options, 0, 0);
    const victim = scan.results.find((f) => f.status === 'FAIL');
    if (victim === undefined) throw new Error('fixture has no failing result');
    victim.resource.name = FORGED;
    await store.recordScan({ ...scan, scanId: `${scan.scanId}-late`, finishedAt: new Date(Date.parse(scan.finishedAt) + 3_600_000).toISOString() });
    const out = await buildWeeklyEvidence(store, { week: '2026-W47', organization: `Acme${CLEAR}`, mutes: SAMPLE_MUTES, now: new Date('2026-11-22T20:00:00Z') });
    const text = execFileSync('pdftotext', ['-layout', join(dir, out.keys.pdf), '-'], { encoding: 'utf8' });
    expect(text).toContain('vol-x\\r\\nFAKE: 0 failing findings');
    expect(text).toContain('Acmevol-\\x1B[2J\\x1B[H');
    expect(text).not.toContain('\u001b');
    expect(readFileSync(join(dir, out.keys.json), 'utf8')).toContain(JSON.stringify(FORGED));
  });
});

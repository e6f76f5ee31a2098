import { describe, expect, it } from 'vitest';
import { renderScanSummary, wrap } from './console.js';
import { finding, scanOf } from '../test/support/findings.js';
import { mutedShare, muteShareWarning } from '../core/mutes.js';
import { summarizeScan } from '../app/summary.js';

describe('terminal summary', () => {
  it('counts failures by area and severity, lists the worst first and says what changed', () => {
    const scan = scanOf([
      finding('vol-a', 'FAIL'),
      finding('vol-b', 'FAIL', { severity: 'critical', message: 'worst of all' }),
      finding('vol-c', 'PASS'),
      finding('vol-d', 'MUTED'),
      finding('vol-e', 'ERROR'),
    ]);
    const text = renderScanSummary(scan, { changes: { new: 2, reopened: 0, resolved: 1 } });
    expect(text).toContain('Since the previous scan: 2 new, 0 reopened, 1 resolved.');
    expect(text).toMatch(/Unencrypted volumes\s+1\s+1\s+0\s+0\s+0\s+1\s+1\s+1\s+0/);
    expect(text.indexOf('worst of all')).toBeLessThan(text.indexOf('vol-a is not encrypted'));
    expect(text).toContain('1 result(s) are ERROR');
  });

  it('says loudly, in the terminal and in the JSON summary, when mutes hide too many failing findings', () => {
    const scan = scanOf([finding('vol-a', 'FAIL'), finding('vol-b', 'MUTED'), finding('vol-c', 'MUTED')]);
    const muteWarning = muteShareWarning(mutedShare(scan.results), 0.25);
    expect(muteWarning).toMatch(/^WARNING: accepted risks \(mutes\) hide 2 of 3 failing findings \(67%/);
    expect(renderScanSummary(scan, { ...(muteWarning === undefined ? {} : { muteWarning }) })).toContain(`\n\n${muteWarning}\n`);
    expect(summarizeScan(scan, { ...(muteWarning === undefined ? {} : { muteWarning }) }).muteWarning).toBe(muteWarning);
  });

  it('wraps at spaces and cuts words longer than the width', () => {
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });
});

import { describe, expect, it } from 'vitest';
import { renderScanSummary, renderTable, wrap } from './console.js';
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
    expect(text).toMatch(/Area\s+Crit\s+High\s+Med\s+Low\s+Info\s+Pass\s+Muted\s+Err\s+N\/A\n/);
    expect(text).toMatch(/Unencrypted volumes\s+1\s+1\s+0\s+0\s+0\s+1\s+1\s+1\s+0/);
    expect(text.indexOf('worst of all')).toBeLessThan(text.indexOf('vol-a is not encrypted'));
    expect(text).toContain('1 result(s) are ERROR');
  });

  it('says loudly, in the terminal and in the JSON summary, when mutes hide too many failing findings', () => {
    const scan = scanOf([finding('vol-a', 'FAIL'), finding('vol-b', 'MUTED'), finding('vol-c', 'MUTED')]);
    const muteWarning = muteShareWarning(mutedShare(scan.results), 0.25);
    expect(muteWarning).toMatch(/^WARNING: accepted risks \(mutes\) hide 2 of 3 failing findings \(67%/);
    expect(renderScanSummary(scan, { width: 200, ...(muteWarning === undefined ? {} : { muteWarning }) })).toContain(`\n\n${muteWarning}\n`);
    expect(summarizeScan(scan, { ...(muteWarning === undefined ? {} : { muteWarning }) }).muteWarning).toBe(muteWarning);
  });

  it('fits an 80-column terminal: no line longer than 80, long names and messages wrapped', () => {
    const long = 'x'.repeat(120);
    const scan = scanOf([
      finding('vol-a', 'FAIL', { account: '3f1c6a52-7d4e-4b8a-9c1d-2e5f0a7b8c9d', provider: 'azure', region: 'germanywestcentral', message: `The disk ${long} holds data at rest without encryption with a customer key, and more words follow here.` }),
      finding(long, 'FAIL', { severity: 'critical', controlId: 'aws-cloudtrail-all-regions-and-some-longer-suffix' }),
      ...Array.from({ length: 12345 }, (_, i) => finding(`vol-${i}`, 'PASS')),
    ]);
    scan.coverage = [{ provider: 'aws', account: '111122223333', region: 'ap-southeast-3', api: 'ec2:DescribeVolumes', controls: ['aws-ebs-volume-encrypted'], code: 'UnauthorizedOperation', reason: `You are not authorized to perform this operation. ${long}` }];
    scan.targets[0]!.disabledRegions = ['ap-east-1', 'me-south-1', 'af-south-1', 'eu-south-1', 'ap-southeast-3', 'me-central-1', 'il-central-1', 'ca-west-1'];
    const text = renderScanSummary(scan, { width: 80, changes: { new: 1234, reopened: 5, resolved: 6789 } });
    const lines = text.split('\n');
    expect(lines.filter((l) => l.length > 80)).toEqual([]);
    expect(text).toContain('12345');
    expect(text).toContain('germanywestcentral');
    expect(lines.length).toBeGreaterThan(20);
  });

  it('wraps table cells within their column when a table is wider than the terminal', () => {
    const table = renderTable(['Control', 'Reads'], [['aws-a', 'ec2:DescribeVolumes, ec2:DescribeSnapshots, ec2:GetEbsEncryptionByDefault']], 40);
    expect(table.split('\n').every((l) => l.length <= 40)).toBe(true);
    expect(table).toContain('aws-a    ec2:DescribeVolumes,');
    expect(table.replace(/\s+/g, ' ')).toContain('ec2:DescribeSnapshots, ec2:GetEbsEncryptionByDefault');
  });

  it('wraps at spaces and cuts words longer than the width', () => {
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });
});

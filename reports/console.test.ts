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

  it('says who scanned: where Ward ran, and each identity a cloud was read as, one line per identity (also in the JSON summary)', () => {
    const scan = scanOf([finding('vol-a', 'FAIL')]);
    const aws = { principal: 'arn:aws:sts::111122223333:assumed-role/WardAuditRole/ward-scan', via: 'sts:AssumeRole arn:aws:iam::111122223333:role/WardAuditRole' };
    const gcp = { principal: 'ward-scanner@ehr-prod.iam.gserviceaccount.com', via: 'service account key (Application Default Credentials)' };
    const azure = { principal: 'app 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 (object 3b9c1d2e-5f6a-4b7c-8d9e-0f1a2b3c4d5e, tenant 7d2c2f4e-1b3a-4c5d-8e9f-0a1b2c3d4e5f)', via: 'DefaultAzureCredential' };
    scan.runner = { kind: 'host', host: 'ward-ci', user: 'auditor' };
    scan.targets = [
      { provider: 'aws', account: '111122223333', identity: aws, regions: ['us-east-1'], disabledRegions: [] },
      ...['ehr-prod', 'ehr-dev', 'ehr-test', 'ehr-lab'].map((account) => ({ provider: 'gcp' as const, account, identity: gcp, regions: ['global'], disabledRegions: [] })),
      { provider: 'azure', account: '3f1c6a52-7d4e-4b8a-9c1d-2e5f0a7b8c9d', identity: azure, regions: [], disabledRegions: [] },
      { provider: 'aws', account: '444455556666', regions: ['us-east-1'], disabledRegions: [] },
    ];
    const lines = renderScanSummary(scan, { width: 400 }).split('\n');
    expect(lines.slice(1, 6)).toEqual([
      'Ran on host ward-ci as auditor.',
      `  aws 111122223333: Read as ${aws.principal}, via ${aws.via}`,
      `  gcp ehr-prod, ehr-dev, ehr-test and 1 more: Read as ${gcp.principal}, via ${gcp.via}`,
      `  azure 3f1c6a52-7d4e-4b8a-9c1d-2e5f0a7b8c9d: Read as ${azure.principal}, via ${azure.via}`,
      '  aws 444455556666: Read as: not recorded by this scan',
    ]);
    const summary = summarizeScan(scan);
    expect(summary.runner).toEqual(scan.runner);
    expect(summary.targets.map((t) => t.identity)).toEqual([aws, gcp, gcp, gcp, gcp, azure, undefined]);
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

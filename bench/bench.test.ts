import { describe, expect, it } from 'vitest';
import { computeFloor, globMatch, pages, type FloorWorld } from './floor.js';
import { parseArgs } from './run.js';
import { buildScenario } from './scenarios.js';
import { awsFloorWorld, awsReads, azureReads } from './worlds.js';
import type { World } from '../sandbox/types.js';

describe('pages', () => {
  it('needs one call for an empty list and one per started page', () => {
    expect(pages(0, 50)).toBe(1);
    expect(pages(50, 50)).toBe(1);
    expect(pages(51, 50)).toBe(2);
    expect(pages(100_000, 50)).toBe(2000);
  });
});

describe('computeFloor', () => {
  it('takes the largest of critical path, throughput and rate bounds', () => {
    const world: FloorWorld = {
      latencyMs: 100,
      concurrency: 2,
      reads: [
        { api: 'a:List', account: '1', region: 'r', depth: 3, calls: 3, after: 1 }, // path 4 × 0.1 = 0.4 s
        { api: 'a:Get', account: '1', region: 'r', depth: 1, calls: 9 },
        { api: 'a:Wait', account: '1', region: 'r', depth: 1, calls: 1, waitMs: 250 }, // 0.1 + 0.25 = 0.35 s
      ],
    };
    // 13 calls × 0.1 s / 2 in flight = 0.65 s
    const floor = computeFloor(world);
    expect(floor.criticalPathSeconds).toBeCloseTo(0.4, 10);
    expect(floor.throughputSeconds).toBeCloseTo(0.65, 10);
    expect(floor.rateSeconds).toBe(0);
    expect(floor.seconds).toBeCloseTo(0.65, 10);
    expect(floor.bound).toBe('throughput');
    expect(floor.calls).toBe(13);
    expect(floor.depth).toBe(4);
    expect(floor.criticalApi).toBe('a:List');

    // With C = 100 the critical path wins.
    expect(computeFloor({ ...world, concurrency: 100 })).toMatchObject({ bound: 'critical-path', seconds: expect.closeTo(0.4, 10) });
  });

  it('applies the first matching token bucket per account, region and API', () => {
    const floor = computeFloor({
      latencyMs: 40,
      concurrency: 32,
      rateLimits: [
        { api: 'logs:*', rate: 5, burst: 5, region: 'us-east-1' },
        { api: '*', rate: 1000 },
      ],
      reads: [
        { api: 'logs:DescribeLogGroups', account: '1', region: 'us-east-1', depth: 2000, calls: 2000 },
        { api: 'logs:DescribeLogGroups', account: '1', region: 'eu-west-1', depth: 30, calls: 30 }, // under the burst of 1000
      ],
    });
    // 0.04 + (2000 − 5) / 5 = 399.04 s; the chain alone is 2000 × 0.04 = 80 s
    expect(floor.rateSeconds).toBeCloseTo(399.04, 10);
    expect(floor.criticalPathSeconds).toBeCloseTo(80, 10);
    expect(floor.bound).toBe('rate');
    expect(floor.rateBucket).toBe('1|us-east-1|logs:DescribeLogGroups');
  });

  it('matches API patterns as the sandbox does', () => {
    expect(globMatch('ec2:Describe*', 'ec2:DescribeVolumes')).toBe(true);
    expect(globMatch('ec2:Describe*', 'rds:DescribeDBInstances')).toBe(false);
    expect(globMatch('*', 'anything')).toBe(true);
  });
});

describe('the floor of a tiny AWS world', () => {
  const account = '111111111111';
  const world: World = {
    version: 1,
    latencyMs: { min: 50, max: 80 },
    regions: { 'us-east-1': 'opt-in-not-required', 'eu-west-1': 'opt-in-not-required', 'ap-east-1': 'not-opted-in' },
    rateLimits: [{ api: 'logs:DescribeLogGroups', rate: 2, burst: 1 }],
    accounts: [
      {
        id: account,
        current: true,
        regions: {
          'us-east-1': {
            volumes: Array.from({ length: 501 }, () => ({ encrypted: true })),
            logGroups: Array.from({ length: 120 }, (_, i) => ({ name: `/g/${i}` })),
            trails: [{ name: 'main', multiRegion: true }],
          },
        },
      },
    ],
  };

  it('counts every call a complete scan makes, region by region', () => {
    const reads = awsReads(world, [{ account, viaRole: false }]);
    const calls = (api: string, region?: string) => reads.filter((r) => r.api === api && (region === undefined || r.region === region)).reduce((n, r) => n + r.calls, 0);
    expect(calls('ec2:DescribeVolumes', 'us-east-1')).toBe(2); // 501 volumes, 500 a page
    expect(calls('logs:DescribeLogGroups', 'us-east-1')).toBe(3); // 120 groups, 50 a page
    expect(calls('logs:DescribeLogGroups', 'eu-west-1')).toBe(1); // empty: still one call
    expect(calls('logs:DescribeLogGroups', 'ap-east-1')).toBe(0); // not enabled: not read
    expect(calls('cloudtrail:GetTrailStatus')).toBe(1);
    // 4 account-level + 11 in us-east-1 + 8 in eu-west-1 + 2 trail details + GetCallerIdentity
    expect(reads.reduce((n, r) => n + r.calls, 0)).toBe(26);
  });

  it('gives the hand-computed floor', () => {
    const floor = computeFloor(awsFloorWorld(world, [{ account, viaRole: false }], 32));
    // critical path: DescribeRegions, then 3 pages of log groups = 4 × 0.05 s (the latency's minimum)
    expect(floor.criticalPathSeconds).toBeCloseTo(0.2, 10);
    // throughput: 26 × 0.05 / 32
    expect(floor.throughputSeconds).toBeCloseTo(0.040625, 10);
    // rate: 3 DescribeLogGroups in us-east-1 at 2/s, burst 1: 0.05 + (3 − 1) / 2
    expect(floor.rateSeconds).toBeCloseTo(1.05, 10);
    expect(floor.seconds).toBeCloseTo(1.05, 10);
    expect(floor.bound).toBe('rate');
  });

  it('puts AssumeRole before everything a member account reads', () => {
    const reads = awsReads(world, [{ account, viaRole: true }]);
    expect(reads.find((r) => r.api === 'sts:AssumeRole')).toMatchObject({ after: 0, depth: 1 });
    expect(reads.find((r) => r.api === 'ec2:DescribeRegions')?.after).toBe(1);
    expect(reads.find((r) => r.api === 'ec2:DescribeVolumes')?.after).toBe(2);
    expect(reads.some((r) => r.api === 'sts:GetCallerIdentity')).toBe(false);
  });
});

describe('the floor of a tiny Azure world', () => {
  it('lists each type with its properties, then reads public servers’ firewall rules', () => {
    const sub = '00000000-0000-4000-8000-000000000001';
    const rg = `/subscriptions/${sub}/resourceGroups/rg/providers`;
    const reads = azureReads({
      pageSize: 100,
      subscriptions: [
        {
          subscriptionId: sub,
          displayName: 'one',
          resources: [
            ...Array.from({ length: 150 }, (_, i) => ({ id: `${rg}/Microsoft.Compute/disks/d${i}` })),
            { id: `${rg}/Microsoft.Sql/servers/open`, properties: { publicNetworkAccess: 'Enabled' } },
            { id: `${rg}/Microsoft.Sql/servers/open/firewallRules/office` },
            { id: `${rg}/Microsoft.Sql/servers/closed`, properties: { publicNetworkAccess: 'Disabled' } },
          ],
        },
      ],
    });
    expect(reads.find((r) => r.api === 'arm:LIST Microsoft.Compute/disks')).toMatchObject({ depth: 2, calls: 2 });
    // The list carries the properties: no GET per resource.
    expect(reads.find((r) => r.api.startsWith('arm:GET Microsoft.Compute'))).toBeUndefined();
    expect(reads.filter((r) => r.api === 'arm:LIST Microsoft.Sql/servers/firewallRules')).toEqual([expect.objectContaining({ calls: 1, after: 1 })]);
    const floor = computeFloor({ latencyMs: 10, concurrency: 1000, reads });
    expect(floor.criticalPathSeconds).toBeCloseTo(0.02, 10); // the disks' list (2 pages), or the servers' list + rules
  });
});

describe('scenarios and arguments', () => {
  it('builds every quick scenario with a floor', () => {
    for (const name of ['a', 'b', 'c', 'd', 'e'] as const) {
      const scenario = buildScenario(name, { quick: true });
      if (scenario.kind !== 'scan') throw new Error('expected a scan scenario');
      expect(computeFloor(scenario.floorWorld()).seconds).toBeGreaterThan(0);
    }
    expect(buildScenario('f', { quick: true }).kind).toBe('report');
    expect(buildScenario('g', { quick: true })).toMatchObject({ kind: 'period', days: 60, accounts: 10 });
    expect(buildScenario('h', { quick: false })).toMatchObject({ kind: 'page', findings: 100_000, targets: { firstPaintSeconds: 2, slowestFilterMs: 200 } });
  });

  it('times the audit-period report over a small year of daily scans', async () => {
    const { runPeriodBench } = await import('../reports/period-bench.js');
    const r = await runPeriodBench({ accounts: 2, days: 40, resourcesPerControl: 2 });
    // Day 50 of every 97 has no scan; 40 days have none of those.
    expect(r).toMatchObject({ scans: 40, accountScans: 80 });
    expect(r.remediated).toBeGreaterThan(0);
    expect(r.pages).toBeGreaterThan(1);
    expect(r.seconds).toBeGreaterThan(0);
  });

  it('parses --only, --quick and --in-process', () => {
    expect(parseArgs(['--only', 'a,c', '--quick'])).toMatchObject({ only: ['a', 'c'], quick: true, inProcess: false });
    expect(parseArgs(['--only=e', '--in-process'])).toMatchObject({ only: ['e'], inProcess: true });
    expect(parseArgs(['--only', 'b', '--accounts', '1000'])).toMatchObject({ only: ['b'], accounts: 1000 });
    expect(() => parseArgs(['--accounts', 'many'])).toThrow(/--accounts expects a positive whole number/);
    expect(() => parseArgs(['--only', 'z'])).toThrow(/scenario names/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown argument/);
  });
});

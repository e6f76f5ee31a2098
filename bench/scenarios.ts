// The benchmark's scenarios: each a sandbox world, the Ward configuration that scans it, the floor's
// inputs and the targets. Built the same way (deterministically) in the parent, which computes the
// floor, and in the scenario's child process, which runs the scan.

import { CONTROL_IDS } from '../checks/index.js';
import { parseConfig, type WardConfig } from '../core/config.js';
import type { Provider } from '../core/model.js';
import { planGeneration } from '../sandbox/generate.js';
import type { World } from '../sandbox/types.js';
import type { FloorWorld } from './floor.js';
import { awsFloorWorld, azureFloorWorld, azureSubscriptionsOf, currentAwsAccount, gcpFloorWorld } from './worlds.js';

export const SCENARIO_NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

export interface ScenarioOptions {
  /** Small sizes, for a smoke test. */
  quick: boolean;
  /** Member accounts of scenario b (default 200; 20 with quick): memory must stay flat as it grows. */
  accounts?: number;
}

export interface ScanTargets {
  /** Wall time ÷ floor at most this (absent: reported, no target). */
  ratio?: number;
  peakRssMb: number;
}

export interface ScanScenario {
  kind: 'scan';
  name: ScenarioName;
  id: string;
  title: string;
  world: World;
  config: WardConfig;
  providers: Provider[];
  /** The floor's inputs, from the world (computed in the parent: it may materialise the world). */
  floorWorld(): FloorWorld;
  targets: ScanTargets;
  /** Why the world looks the way it does (rate limits chosen, …). */
  notes?: string[];
}

export interface ReportScenario {
  kind: 'report';
  name: 'f';
  id: string;
  title: string;
  findings: number;
  targets: { pdfSeconds: number; pdfPeakRssMb: number };
}

export interface PeriodScenario {
  kind: 'period';
  name: 'g';
  id: string;
  title: string;
  accounts: number;
  days: number;
  targets: { seconds: number; peakRssMb: number };
}

export interface PageScenario {
  kind: 'page';
  name: 'h';
  id: string;
  title: string;
  findings: number;
  /** First contentful paint ≤ 2 s, every filter ≤ 200 ms (issue 16), in headless system Chromium. */
  targets: { firstPaintSeconds: number; slowestFilterMs: number };
}

export interface ChangeScenario {
  kind: 'change';
  name: 'i';
  id: string;
  title: string;
  rounds: number;
  /** Event → Slack message ≤ 5 s in the sandbox (issue 18). */
  targets: { maxMs: number };
}

export type Scenario = ScanScenario | ReportScenario | PeriodScenario | PageScenario | ChangeScenario;

/** Every request the sandbox answers waits this long (an in-region AWS list call is ~20–60 ms). */
export const LATENCY_MS = 40;
/**
 * CloudWatch Logs' default DescribeLogGroups quota: 5 transactions per second per account and Region
 * (adjustable) — AWS's CloudWatch Logs quotas page (awsdocs/amazon-cloudwatch-logs-user-guide,
 * cloudwatch_limits_cwl.md). AWS does not publish the bucket size; the sandbox's default (= rate) is used.
 */
export const DESCRIBE_LOG_GROUPS_TPS = 5;
export const DESCRIBE_LOG_GROUPS_BURST = 5;

const ROLE = 'WardAuditRole';
const EXTERNAL_ID = 'ward-bench-7f3a9c';
const MANAGEMENT = '111122223333';

function config(raw: Record<string, unknown>): WardConfig {
  return parseConfig(JSON.stringify({ organizationName: 'Benchmark Health', ...raw }), 'bench-config.json', CONTROL_IDS);
}

function concurrencyOf(c: WardConfig): number {
  return c.scan.concurrency;
}

/** (a) One AWS account, every default region, many resources per region. */
function awsRegions(quick: boolean): ScanScenario {
  const regions = quick ? 4 : 17;
  const resources = quick ? 50 : 500;
  const world: World = { version: 1, seed: 11, latencyMs: LATENCY_MS, generate: { seed: 11, accounts: 1, regions, resources } };
  const cfg = config({ aws: { includeCurrentAccount: true } });
  return {
    kind: 'scan',
    name: 'a',
    id: 'aws-one-account-all-regions',
    title: `AWS: 1 account × ${regions} regions × ${resources} resources of each kind per region, ${LATENCY_MS} ms/request`,
    world,
    config: cfg,
    providers: ['aws'],
    floorWorld: () => awsFloorWorld(world, [{ account: currentAwsAccount(world), viaRole: false }], concurrencyOf(cfg)),
    targets: { ratio: 1.5, peakRssMb: 300 },
  };
}

/** (b) An organisation: many member accounts, each reached through AssumeRole. */
function awsAccounts(quick: boolean, accountsWanted?: number): ScanScenario {
  const accounts = accountsWanted ?? (quick ? 20 : 200);
  const regions = quick ? 2 : 4;
  const resources = quick ? 20 : 100;
  const world: World = {
    version: 1,
    seed: 12,
    latencyMs: LATENCY_MS,
    accounts: [{ id: MANAGEMENT, name: 'security', current: true }],
    generate: { seed: 12, accounts, regions, resources, role: { name: ROLE, externalId: EXTERNAL_ID } },
  };
  const members = (planGeneration(world)?.accounts ?? []).map((a) => ({ id: a.id, name: a.name, roleArn: `arn:aws:iam::${a.id}:role/${ROLE}`, externalId: EXTERNAL_ID }));
  const cfg = config({ aws: { includeCurrentAccount: false, accounts: members } });
  return {
    kind: 'scan',
    name: 'b',
    id: 'aws-many-accounts',
    title: `AWS: ${accounts} member accounts (AssumeRole) × ${regions} regions × ${resources} resources of each kind, ${LATENCY_MS} ms/request`,
    world,
    config: cfg,
    providers: ['aws'],
    floorWorld: () => awsFloorWorld(world, members.map((m) => ({ account: m.id, viaRole: true })), concurrencyOf(cfg)),
    targets: { ratio: 1.5, peakRssMb: 300 },
  };
}

/** (c) One region with a huge number of log groups under DescribeLogGroups' real rate limit. */
function awsLogGroups(quick: boolean): ScanScenario {
  const groups = quick ? 1_000 : 100_000;
  const region = 'us-east-1';
  // Written out rather than generated: the world generator stops at 5,000 resources of a kind.
  const logGroups = Array.from({ length: groups }, (_, i) => ({
    name: `/bench/service-${String(i).padStart(6, '0')}`,
    ...(i % 10 === 0 ? { retentionInDays: 30 } : i % 10 === 1 ? {} : { retentionInDays: 400 }),
  }));
  const world: World = {
    version: 1,
    seed: 13,
    latencyMs: LATENCY_MS,
    regions: { [region]: 'opt-in-not-required' },
    rateLimits: [{ api: 'logs:DescribeLogGroups', rate: DESCRIBE_LOG_GROUPS_TPS, burst: DESCRIBE_LOG_GROUPS_BURST }],
    accounts: [
      {
        id: '210987654321',
        name: 'log-heavy',
        current: true,
        iam: { root: { mfa: true }, users: [{ name: 'ops', password: true, mfa: true }] },
        regions: {
          [region]: {
            ebsEncryptionByDefault: true,
            volumes: [{ encrypted: true }],
            trails: [{ name: 'main', multiRegion: true }],
            logGroups,
          },
        },
      },
    ],
  };
  const cfg = config({ aws: { includeCurrentAccount: true } });
  return {
    kind: 'scan',
    name: 'c',
    id: 'aws-log-groups-rate-limited',
    title: `AWS: 1 account, 1 region, ${groups.toLocaleString('en-US')} log groups, DescribeLogGroups limited to ${DESCRIBE_LOG_GROUPS_TPS}/s (burst ${DESCRIBE_LOG_GROUPS_BURST}), ${LATENCY_MS} ms/request`,
    world,
    config: cfg,
    providers: ['aws'],
    floorWorld: () => awsFloorWorld(world, [{ account: currentAwsAccount(world), viaRole: false }], concurrencyOf(cfg)),
    targets: { ratio: 1.15, peakRssMb: 300 },
    notes: [
      `DescribeLogGroups: ${DESCRIBE_LOG_GROUPS_TPS} TPS per account and Region is CloudWatch Logs' documented default quota (adjustable); burst ${DESCRIBE_LOG_GROUPS_BURST} (AWS publishes none).`,
    ],
  };
}

export const GCP_ORGANIZATION = '100000000001';

/** (d) A Google Cloud organisation read through Cloud Asset Inventory at organisation scope. */
function gcpOrganization(quick: boolean): ScanScenario {
  const projects = quick ? 5 : 50;
  const resources = quick ? 20 : 200;
  const world: World = { version: 1, seed: 14, latencyMs: LATENCY_MS, gcp: { generate: { seed: 14, projects, resourcesPerProject: resources, organizationId: GCP_ORGANIZATION } } };
  const scopes = [`organizations/${GCP_ORGANIZATION}`];
  const cfg = config({ aws: { includeCurrentAccount: false }, gcp: { scopes } });
  return {
    kind: 'scan',
    name: 'd',
    id: 'gcp-organization',
    title: `Google Cloud: 1 organisation × ${projects} projects × ${resources} resources, ${LATENCY_MS} ms/request`,
    world,
    config: cfg,
    providers: ['gcp'],
    floorWorld: () => gcpFloorWorld(world, scopes, concurrencyOf(cfg)),
    targets: { peakRssMb: 300 },
  };
}

/** (e) Azure subscriptions read through Resource Manager (list, then a GET per resource). */
function azureSubscriptions(quick: boolean): ScanScenario {
  const subscriptions = quick ? 3 : 20;
  const resources = quick ? 20 : 200;
  const world: World = { version: 1, seed: 15, latencyMs: LATENCY_MS, azure: { generate: { seed: 15, subscriptions, resourcesPerSubscription: resources } } };
  const ids = azureSubscriptionsOf(world.azure ?? {}).map((s) => s.subscriptionId);
  const cfg = config({ aws: { includeCurrentAccount: false }, azure: { subscriptions: ids } });
  return {
    kind: 'scan',
    name: 'e',
    id: 'azure-subscriptions',
    title: `Azure: ${subscriptions} subscriptions × ${resources} resources, ${LATENCY_MS} ms/request`,
    world,
    config: cfg,
    providers: ['azure'],
    floorWorld: () => azureFloorWorld(world, ids, concurrencyOf(cfg)),
    targets: { peakRssMb: 300 },
  };
}

/** (f) The weekly report on a store of many findings (reports/bench.ts). */
function weeklyReport(quick: boolean): ReportScenario {
  const findings = quick ? 2_000 : 100_000;
  return {
    kind: 'report',
    name: 'f',
    id: 'weekly-report',
    title: `Weekly report: a store with ${findings.toLocaleString('en-US')} findings (PDF, JSON, CSV)`,
    findings,
    targets: { pdfSeconds: 20, pdfPeakRssMb: 300 },
  };
}

/** (g) The audit-period report over a year of daily scans (reports/period-bench.ts). */
function periodReport(quick: boolean): PeriodScenario {
  const accounts = quick ? 10 : 100;
  const days = quick ? 60 : 365;
  return {
    kind: 'period',
    name: 'g',
    id: 'period-report',
    title: `Audit-period report: ${days} days of daily scans of ${accounts} accounts (PDF, JSON, CSV, bundle)`,
    accounts,
    days,
    targets: { seconds: 20, peakRssMb: 300 },
  };
}

/** (h) report.html with 100,000 findings in headless Chromium (bench/report-page-bench.ts). */
function reportPage(quick: boolean): PageScenario {
  const findings = quick ? 2_000 : 100_000;
  return {
    kind: 'page',
    name: 'h',
    id: 'report-page',
    title: `report.html with ${findings.toLocaleString('en-US')} findings in headless Chromium (first paint, filters)`,
    findings,
    targets: { firstPaintSeconds: 2, slowestFilterMs: 200 },
  };
}

/** (i) A change-driven scan: a security group opened in the sandbox → its CloudTrail event → Slack (bench/change-latency.ts). */
function changeLatency(quick: boolean): ChangeScenario {
  const rounds = quick ? 2 : 5;
  return {
    kind: 'change',
    name: 'i',
    id: 'change-latency',
    title: `change-driven scan, event → Slack message, ${rounds} rounds, ${LATENCY_MS} ms/request`,
    rounds,
    targets: { maxMs: 5_000 },
  };
}

export function buildScenario(name: ScenarioName, options: ScenarioOptions): Scenario {
  switch (name) {
    case 'a':
      return awsRegions(options.quick);
    case 'b':
      return awsAccounts(options.quick, options.accounts);
    case 'c':
      return awsLogGroups(options.quick);
    case 'd':
      return gcpOrganization(options.quick);
    case 'e':
      return azureSubscriptions(options.quick);
    case 'f':
      return weeklyReport(options.quick);
    case 'g':
      return periodReport(options.quick);
    case 'h':
      return reportPage(options.quick);
    case 'i':
      return changeLatency(options.quick);
  }
}

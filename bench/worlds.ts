// From a sandbox world to the reads a complete scan of it must make (bench/floor.ts turns them into the
// floor). Everything here reads the world — the same seeded generators the sandbox answers from — and
// nothing from a run. Page sizes are the largest each API serves (Ward asks for the same).

import { generateAzureSubscriptions } from '../sandbox/azure/generate.js';
import type { AzureSubscriptionWorld, AzureWorld, AzureWorldResource } from '../sandbox/azure/types.js';
import { DEFAULT_REGIONS, generateRegion, generateTrails, planGeneration } from '../sandbox/generate.js';
import { expandWorld as expandGcpWorld } from '../sandbox/gcp/assets.js';
import type { GcpWorld } from '../sandbox/gcp/types.js';
import type { OptInStatus, World, WorldAccount, WorldRegion, WorldTrail } from '../sandbox/types.js';
import { pages, type FloorLimit, type FloorRead, type FloorWorld } from './floor.js';
import { ASSET_TYPES } from '../providers/gcp/datasets.js';

/** The largest page each list API serves. */
export const PAGE_SIZES = {
  'ec2:DescribeVolumes': 500,
  'ec2:DescribeSecurityGroups': 1000,
  'ec2:DescribeNetworkInterfaces': 1000,
  'rds:DescribeDBInstances': 100,
  'rds:DescribeDBClusters': 100,
  'logs:DescribeLogGroups': 50,
  /** Cloud Asset listAssets. */
  'cloudasset:ListAssets': 1000,
} as const;

/** ARM's default page (the sandbox's `azure.pageSize`, default 100). */
export const ARM_PAGE_SIZE = 100;
/** Ward's per-dataset fan-out of Azure reads per resource: public servers' firewall rules (providers/azure/provider.ts DEFAULT_RESOURCE_CONCURRENCY). */
export const AZURE_FANOUT = 8;

export function minLatencyMs(world: World): number {
  const latency = world.latencyMs;
  if (latency === undefined) return 0;
  return typeof latency === 'number' ? latency : latency.min;
}

function worldLimits(world: World): FloorLimit[] {
  return (world.rateLimits ?? []).map((l) => ({
    api: l.api,
    rate: l.rate,
    ...(l.burst === undefined ? {} : { burst: l.burst }),
    ...(l.account === undefined ? {} : { account: l.account }),
    ...(l.region === undefined ? {} : { region: l.region }),
  }));
}

// ---------------------------------------------------------------------------------------------- AWS

/** One AWS account as a scan sees it: its enabled regions, each region's resources, its trails. */
interface AwsAccountView {
  id: string;
  regions: string[];
  region(name: string): WorldRegion;
  /** Trails by home region. */
  trails: Record<string, WorldTrail[]>;
  /** A credential report exists already (GetCredentialReport answers at once). */
  reportReady: boolean;
  generationMs: number;
}

function enabled(status: OptInStatus | undefined): boolean {
  return status !== 'not-opted-in';
}

function awsAccounts(world: World): Map<string, AwsAccountView> {
  const plan = planGeneration(world);
  const table: Record<string, OptInStatus> = { ...(plan?.regionTable ?? {}), ...(world.regions ?? {}) };
  const views = new Map<string, AwsAccountView>();
  const written = (account: WorldAccount): AwsAccountView => {
    const own = account.regions ?? {};
    const names = [...new Set([...Object.keys(table), ...Object.keys(own)])];
    const trails: Record<string, WorldTrail[]> = {};
    for (const [name, region] of Object.entries(own)) if (region.trails !== undefined) trails[name] = region.trails;
    return {
      id: account.id,
      regions: names.filter((n) => enabled(own[n]?.optInStatus ?? table[n])).sort(),
      region: (name) => own[name] ?? {},
      trails,
      reportReady: account.iam?.credentialReport?.preGenerated === true,
      generationMs: account.iam?.credentialReport?.generationMs ?? 0,
    };
  };
  for (const account of world.accounts ?? []) views.set(account.id, written(account));
  if (plan !== undefined) {
    const names = [...new Set([...Object.keys(table), ...plan.regions])];
    for (const { index, id } of plan.accounts) {
      views.set(id, {
        id,
        regions: names.filter((n) => enabled(table[n])).sort(),
        region: (name) => (plan.regions.includes(name) ? generateRegion(plan, index, name) : {}),
        trails: Object.fromEntries(Object.entries(generateTrails(plan, index)).map(([r, t]) => [r, t ?? []])),
        reportReady: false,
        generationMs: 0,
      });
    }
  }
  return views;
}

/** The account behind the sandbox's default credentials: the world's `current` one, else the first. */
export function currentAwsAccount(world: World): string {
  const explicit = world.accounts ?? [];
  const current = explicit.find((a) => a.current === true) ?? explicit[0];
  if (current !== undefined) return current.id;
  const first = planGeneration(world)?.accounts[0];
  if (first === undefined) throw new Error('the world has no AWS account');
  return first.id;
}

export interface AwsScanTarget {
  account: string;
  /** Reached through AssumeRole (a member account) rather than the default credentials. */
  viaRole: boolean;
}

/**
 * The reads a complete scan of these accounts makes, whatever the scanner: per account AssumeRole
 * (members) or GetCallerIdentity (the caller's own account, to name it), DescribeRegions before any
 * regional read, the IAM summary and credential report (Generate, then Get), and per enabled region
 * every list the AWS controls read, each trail's status and selectors after DescribeTrails.
 */
export function awsReads(world: World, targets: readonly AwsScanTarget[]): FloorRead[] {
  const accounts = awsAccounts(world);
  const latency = minLatencyMs(world);
  const reads: FloorRead[] = [];
  for (const target of targets) {
    const view = accounts.get(target.account);
    if (view === undefined) throw new Error(`account ${target.account} is not in the world`);
    const home = DEFAULT_REGIONS[0];
    const read = (api: string, region: string, depth: number, calls: number, after: number, waitMs = 0): void => {
      reads.push({ api, account: view.id, region, depth, calls, after, ...(waitMs > 0 ? { waitMs } : {}) });
    };
    // Credentials first: a member account's calls all wait for AssumeRole.
    const open = target.viaRole ? 1 : 0;
    if (target.viaRole) read('sts:AssumeRole', home, 1, 1, 0);
    else read('sts:GetCallerIdentity', home, 1, 1, 0);
    read('ec2:DescribeRegions', home, 1, 1, open);
    read('iam:GetAccountSummary', 'us-east-1', 1, 1, open);
    if (view.reportReady) {
      read('iam:GetCredentialReport', 'us-east-1', 1, 1, open);
    } else {
      read('iam:GenerateCredentialReport', 'us-east-1', 1, 1, open);
      // Generation starts when Generate is answered; Get is answered a latency later, so only a
      // generation longer than one latency adds waiting.
      read('iam:GetCredentialReport', 'us-east-1', 1, 1, open + 1, Math.max(0, view.generationMs - latency));
    }
    const regional = open + 1;
    for (const region of view.regions) {
      const r = view.region(region);
      const list = (api: keyof typeof PAGE_SIZES, items: number): void => {
        const n = pages(items, PAGE_SIZES[api]);
        read(api, region, n, n, regional);
      };
      list('ec2:DescribeVolumes', r.volumes?.length ?? 0);
      read('ec2:GetEbsEncryptionByDefault', region, 1, 1, regional);
      list('ec2:DescribeSecurityGroups', r.securityGroups?.length ?? 0);
      list('ec2:DescribeNetworkInterfaces', r.networkInterfaces?.length ?? 0);
      list('rds:DescribeDBInstances', r.dbInstances?.length ?? 0);
      list('rds:DescribeDBClusters', r.dbClusters?.length ?? 0);
      list('logs:DescribeLogGroups', r.logGroups?.length ?? 0);
      read('cloudtrail:DescribeTrails', region, 1, 1, regional);
    }
    // Each trail's status and selectors, once, in its home region, after a DescribeTrails names it.
    for (const [region, trails] of Object.entries(view.trails)) {
      if (!view.regions.includes(region)) continue;
      for (let i = 0; i < trails.length; i += 1) {
        read('cloudtrail:GetTrailStatus', region, 1, 1, regional + 1);
        read('cloudtrail:GetEventSelectors', region, 1, 1, regional + 1);
      }
    }
  }
  return reads;
}

export function awsFloorWorld(world: World, targets: readonly AwsScanTarget[], concurrency: number): FloorWorld {
  return { latencyMs: minLatencyMs(world), concurrency, reads: awsReads(world, targets), rateLimits: worldLimits(world) };
}

// ---------------------------------------------------------------------------------------------- GCP

/** The asset types Ward's Google Cloud controls read, as the provider declares them. */
const GCP_TYPES = ASSET_TYPES;

/**
 * A folder or organisation scope is read once per asset type for the whole scope (listAssets under the
 * scope, 1,000 assets a page): the project list, disks, firewall rules, Compute project metadata, Cloud
 * SQL instances, log buckets, and the IAM policies of projects, folders and the organisation. The lists
 * do not depend on each other, so each is its own chain.
 */
export function gcpReads(world: GcpWorld, scopes: readonly string[]): FloorRead[] {
  const expanded = expandGcpWorld(world);
  const reads: FloorRead[] = [];
  for (const scope of scopes) {
    const under = expanded.assets.filter((a) => a.ancestors.includes(scope));
    const list = (label: string, count: number): void => {
      const n = pages(count, PAGE_SIZES['cloudasset:ListAssets']);
      reads.push({ api: `cloudasset:ListAssets(${label})`, account: scope, region: 'global', depth: n, calls: n });
    };
    const ofType = (type: string) => under.filter((a) => a.assetType === type).length;
    list('Project', ofType(GCP_TYPES.project));
    list('Disk', ofType(GCP_TYPES.disk));
    list('Firewall', ofType(GCP_TYPES.firewall));
    list('compute Project', ofType(GCP_TYPES.computeProject));
    list('SQL Instance', ofType(GCP_TYPES.sqlInstance));
    list('LogBucket', ofType(GCP_TYPES.logBucket));
    const policyTypes: string[] = [GCP_TYPES.project, GCP_TYPES.folder, GCP_TYPES.organization];
    list('IAM_POLICY', under.filter((a) => policyTypes.includes(a.assetType) && a.iamPolicy !== undefined).length);
  }
  return reads;
}

export function gcpFloorWorld(world: World, scopes: readonly string[], concurrency: number): FloorWorld {
  if (world.gcp === undefined) throw new Error('the world has no Google Cloud part');
  return { latencyMs: minLatencyMs(world), concurrency, reads: gcpReads(world.gcp, scopes) };
}

// -------------------------------------------------------------------------------------------- Azure

/** Top-level types Ward lists (with their properties); the databases' firewall rules are read per public server. */
const AZURE_TYPES = [
  'Microsoft.Compute/disks',
  'Microsoft.Network/networkSecurityGroups',
  'Microsoft.Sql/servers',
  'Microsoft.DBforPostgreSQL/flexibleServers',
  'Microsoft.DBforMySQL/flexibleServers',
  'Microsoft.OperationalInsights/workspaces',
] as const;

export function azureSubscriptionsOf(world: AzureWorld): AzureSubscriptionWorld[] {
  return [...(world.subscriptions ?? []), ...(world.generate === undefined ? [] : generateAzureSubscriptions(world.generate))];
}

function typeOf(resource: AzureWorldResource): string {
  if (resource.type !== undefined) return resource.type;
  const segments = resource.id.split('/').filter((s) => s !== '');
  const at = segments.map((s) => s.toLowerCase()).lastIndexOf('providers');
  const rest = segments.slice(at + 2);
  return [segments[at + 1], ...rest.filter((_, i) => i % 2 === 0)].join('/');
}

function isDisabled(value: unknown): boolean {
  return typeof value === 'string' && value.trim().toLowerCase() === 'disabled';
}

/** A database server whose firewall rules matter: it has a public endpoint (what the world says). */
function publicServer(resource: AzureWorldResource): boolean {
  const p = resource.properties ?? {};
  if (typeOf(resource).toLowerCase() === 'microsoft.sql/servers') return !isDisabled(p['publicNetworkAccess']);
  const network = (p['network'] ?? {}) as Record<string, unknown>;
  const delegated = network['delegatedSubnetResourceId'];
  return !(typeof delegated === 'string' && delegated !== '') && !isDisabled(network['publicNetworkAccess']);
}

/**
 * Per subscription: the subscription itself, its diagnostic settings, and per type the resource
 * provider's list (ARM pages, each resource with its properties); a public database server's firewall
 * rules after the list. The firewall rule reads of one list may all run at once.
 */
export function azureReads(world: AzureWorld, subscriptionIds?: readonly string[]): FloorRead[] {
  const pageSize = world.pageSize ?? ARM_PAGE_SIZE;
  const reads: FloorRead[] = [];
  for (const sub of azureSubscriptionsOf(world)) {
    if (subscriptionIds !== undefined && !subscriptionIds.includes(sub.subscriptionId)) continue;
    const account = sub.subscriptionId;
    reads.push({ api: 'arm:GET subscription', account, region: 'global', depth: 1, calls: 1 });
    const settings = pages(sub.diagnosticSettings?.length ?? 0, pageSize);
    reads.push({ api: 'arm:GET diagnosticSettings', account, region: 'global', depth: settings, calls: settings });
    const resources = sub.resources ?? [];
    for (const type of AZURE_TYPES) {
      const top = resources.filter((r) => typeOf(r).toLowerCase() === type.toLowerCase());
      const listed = pages(top.length, pageSize);
      reads.push({ api: `arm:LIST ${type}`, account, region: 'global', depth: listed, calls: listed });
      if (top.length === 0 || (!type.includes('Sql') && !type.includes('DBfor'))) continue;
      for (const server of top.filter(publicServer)) {
        const prefix = `${server.id.toLowerCase()}/firewallrules/`;
        const rules = resources.filter((r) => r.id.toLowerCase().startsWith(prefix)).length;
        const n = pages(rules, pageSize);
        reads.push({ api: `arm:LIST ${type}/firewallRules`, account, region: 'global', depth: n, calls: n, after: listed });
      }
    }
  }
  return reads;
}

export function azureFloorWorld(world: World, subscriptionIds: readonly string[] | undefined, concurrency: number): FloorWorld {
  if (world.azure === undefined) throw new Error('the world has no Azure part');
  return { latencyMs: minLatencyMs(world), concurrency: concurrency * AZURE_FANOUT, reads: azureReads(world.azure, subscriptionIds) };
}

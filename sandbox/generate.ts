// Seeded generators: N accounts × R regions × K resources of each kind, the same bytes for the same
// seed, so a benchmark or a scale test always scans the same cloud. Every account, and every region
// of an account, has its own random stream (seed + position), so the server can build any one of them
// on demand without materialising the rest; expandWorld builds them all, identically.

import type {
  OptInStatus,
  World,
  WorldAccount,
  WorldDbCluster,
  WorldDbInstance,
  WorldGenerator,
  WorldIamUser,
  WorldLogGroup,
  WorldNetworkInterface,
  WorldOrganization,
  WorldRegion,
  WorldSecurityGroup,
  WorldTrail,
  WorldVolume,
} from './types.js';
import { hash32, isoAt, seededRandom, stableHex } from './util.js';

/** The commercial regions enabled by default in every account, in the order generators take them. */
export const DEFAULT_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'eu-west-1',
  'us-west-1',
  'eu-central-1',
  'eu-west-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'ca-central-1',
  'eu-west-3',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'sa-east-1',
] as const;

const RETENTIONS_OK = [365, 400, 731, 1827, 2192, undefined] as const;
const RETENTIONS_SHORT = [1, 7, 14, 30, 90, 180] as const;

interface Dice {
  rng: () => number;
  fails: () => boolean;
  pick: <T>(list: readonly T[]) => T;
}

function dice(gen: WorldGenerator, stream: string): Dice {
  const rng = seededRandom(hash32(`${gen.seed}/${stream}`));
  const failureRate = gen.failureRate ?? 0.1;
  return {
    rng,
    fails: () => rng() < failureRate,
    pick: <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T,
  };
}

/** The generated part of a world, without the resources: what the server keeps in memory. */
export interface GeneratedPlan {
  generator: WorldGenerator;
  regions: readonly string[];
  /** Region statuses to add to the world's table. */
  regionTable: Record<string, OptInStatus>;
  accounts: Array<{ index: number; id: string; name: string }>;
  /** The organisation generated accounts join, and one to create when the world has none. */
  organization: string;
  newOrganization?: WorldOrganization;
  /** Make the first generated account current (the world has no accounts of its own). */
  firstIsCurrent: boolean;
}

export function planGeneration(world: World): GeneratedPlan | undefined {
  const gen = world.generate;
  if (gen === undefined) return undefined;
  const regions = typeof gen.regions === 'number' ? DEFAULT_REGIONS.slice(0, gen.regions) : gen.regions;
  const regionTable: Record<string, OptInStatus> = {};
  for (const r of regions) regionTable[r] = 'opt-in-not-required';
  for (const r of gen.disabledRegions ?? []) regionTable[r] = 'not-opted-in';

  const explicit = world.accounts ?? [];
  const taken = new Set(explicit.map((a) => a.id));
  const ids = seededRandom(hash32(`${gen.seed}/account-ids`));
  const accounts: GeneratedPlan['accounts'] = [];
  for (let index = 0; index < gen.accounts; index += 1) {
    let id: string;
    do id = String(100_000_000_000 + Math.floor(ids() * 899_999_999_999));
    while (taken.has(id));
    taken.add(id);
    accounts.push({ index, id, name: `gen-${String(index + 1).padStart(4, '0')}` });
  }

  const plan: GeneratedPlan = { generator: gen, regions, regionTable, accounts, organization: '', firstIsCurrent: explicit.length === 0 };
  const existing = gen.organization ?? world.organizations?.[0]?.id;
  if (existing !== undefined) {
    plan.organization = existing;
  } else {
    plan.organization = `o-${stableHex(`org/${gen.seed}`, 10)}`;
    const management = explicit.find((a) => a.current === true) ?? explicit[0] ?? accounts[0];
    if (management !== undefined) plan.newOrganization = { id: plan.organization, managementAccount: management.id, featureSet: 'ALL' };
  }
  return plan;
}

/** A generated account without its regions: identity, role and IAM. */
export function generateAccountShell(plan: GeneratedPlan, index: number): WorldAccount {
  const { generator: gen } = plan;
  const entry = plan.accounts[index];
  if (entry === undefined) throw new Error(`no generated account #${index}`);
  const { rng, fails } = dice(gen, `${index}/iam`);
  const role: NonNullable<WorldAccount['roles']>[number] = { name: gen.role?.name ?? 'WardAuditRole' };
  if (gen.role?.externalId !== undefined) role.externalId = gen.role.externalId;
  const users: WorldIamUser[] = [];
  for (let u = 0; u < (gen.users ?? 5); u += 1) {
    const console = rng() < 0.6;
    const user: WorldIamUser = { name: `user-${u + 1}`, created: isoAt(u * 24), password: console, mfa: console ? !fails() : false };
    if (console) user.passwordLastUsed = isoAt(9000 + u);
    if (!console || rng() < 0.3) user.accessKeys = [{ active: true, lastRotated: isoAt(100 + u), lastUsed: isoAt(9100 + u), lastUsedRegion: plan.regions[0] ?? 'us-east-1', lastUsedService: 's3' }];
    users.push(user);
  }
  const account: WorldAccount = {
    id: entry.id,
    name: entry.name,
    email: `aws+${entry.name}@example.com`,
    organization: plan.organization,
    roles: [role],
    iam: { root: { password: true, mfa: !fails(), accessKeys: 0 }, users },
  };
  if (plan.firstIsCurrent && index === 0) account.current = true;
  return account;
}

/** The trails of a generated account: one multi-region trail in its first region. */
export function generateTrails(plan: GeneratedPlan, index: number): Record<string, WorldTrail[]> {
  const home = plan.regions[0];
  const entry = plan.accounts[index];
  if (home === undefined || entry === undefined) return {};
  const { fails } = dice(plan.generator, `${index}/trail`);
  return { [home]: [{ name: 'account-trail', multiRegion: true, logging: !fails(), s3Bucket: `cloudtrail-${entry.id}` }] };
}

/** The resources of one generated account in one region (trails excluded: see generateTrails). */
export function generateRegion(plan: GeneratedPlan, index: number, region: string): WorldRegion {
  const gen = plan.generator;
  const account = plan.accounts[index]?.id ?? '';
  const { rng, fails, pick } = dice(gen, `${index}/${region}`);
  const count = (kind: keyof NonNullable<WorldGenerator['perRegion']>) => gen.perRegion?.[kind] ?? gen.resources ?? 5;
  const hex = (kind: string, i: number) => stableHex(`${gen.seed}/${account}/${region}/${kind}/${i}`, 17);
  const vpcId = `vpc-${hex('vpc', 0)}`;
  const az = (i: number) => `${region}${'abc'[i % 3]}`;

  const securityGroups: WorldSecurityGroup[] = [];
  for (let i = 0; i < count('securityGroups'); i += 1) {
    const sshSource = fails() ? pick(['0.0.0.0/0', '::/0']) : '10.0.0.0/8';
    securityGroups.push({
      id: `sg-${hex('sg', i)}`,
      name: `app-${i + 1}`,
      description: 'generated',
      vpcId,
      ingress: [
        { protocol: 'tcp', fromPort: 443, toPort: 443, ipv4: ['0.0.0.0/0'] },
        sshSource === '::/0' ? { protocol: 'tcp', fromPort: 22, toPort: 22, ipv6: [sshSource] } : { protocol: 'tcp', fromPort: 22, toPort: 22, ipv4: [sshSource] },
      ],
    });
  }
  const groupIds = securityGroups.map((g) => g.id as string);

  const volumes: WorldVolume[] = [];
  for (let i = 0; i < count('volumes'); i += 1) {
    const attached = rng() < 0.7;
    const volume: WorldVolume = { id: `vol-${hex('vol', i)}`, encrypted: !fails(), size: pick([8, 20, 100, 500]), type: pick(['gp3', 'gp2', 'io2'] as const), availabilityZone: az(i), created: isoAt(i) };
    if (attached) volume.attachments = [{ instanceId: `i-${hex('i', i)}`, device: '/dev/xvda' }];
    volumes.push(volume);
  }

  const networkInterfaces: WorldNetworkInterface[] = [];
  for (let i = 0; i < count('networkInterfaces'); i += 1) {
    const eni: WorldNetworkInterface = {
      id: `eni-${hex('eni', i)}`,
      privateIp: `10.0.${Math.floor(i / 250) % 250}.${(i % 250) + 4}`,
      vpcId,
      subnetId: `subnet-${hex('subnet', i % 3)}`,
      availabilityZone: az(i),
      status: 'in-use',
      attachment: { instanceId: `i-${hex('i', i)}`, deviceIndex: 0, status: 'attached' },
    };
    if (groupIds.length > 0) eni.groups = [groupIds[i % groupIds.length] as string];
    if (rng() < 0.3) eni.publicIp = `54.${Math.floor(rng() * 250)}.${Math.floor(rng() * 250)}.${Math.floor(rng() * 250) + 1}`;
    networkInterfaces.push(eni);
  }

  const dbClusters: WorldDbCluster[] = [];
  const dbInstances: WorldDbInstance[] = [];
  for (let i = 0; i < count('dbClusters'); i += 1) {
    const cluster: WorldDbCluster = { id: `aurora-${i + 1}`, engine: 'aurora-postgresql', engineMode: 'provisioned', storageEncrypted: !fails(), created: isoAt(i) };
    if (groupIds.length > 0) cluster.securityGroups = [groupIds[i % groupIds.length] as string];
    dbClusters.push(cluster);
    dbInstances.push({ id: `aurora-${i + 1}-instance-1`, engine: 'aurora-postgresql', cluster: cluster.id, writer: true, publiclyAccessible: false, created: isoAt(i) });
  }
  for (let i = 0; i < count('dbInstances'); i += 1) {
    const db: WorldDbInstance = { id: `db-${i + 1}`, engine: pick(['postgres', 'mysql'] as const), storageEncrypted: !fails(), publiclyAccessible: fails(), allocatedStorage: 100, created: isoAt(i) };
    if (groupIds.length > 0) db.securityGroups = [groupIds[i % groupIds.length] as string];
    dbInstances.push(db);
  }

  const logGroups: WorldLogGroup[] = [];
  for (let i = 0; i < count('logGroups'); i += 1) {
    const group: WorldLogGroup = { name: `/generated/app-${String(i + 1).padStart(4, '0')}`, storedBytes: Math.floor(rng() * 1e9), created: isoAt(i) };
    const retention = fails() ? pick(RETENTIONS_SHORT) : pick(RETENTIONS_OK);
    if (retention !== undefined) group.retentionInDays = retention;
    logGroups.push(group);
  }

  return { ebsEncryptionByDefault: !fails(), volumes, securityGroups, networkInterfaces, dbInstances, dbClusters, logGroups };
}

/** Returns the world with its `generate` section turned into accounts (idempotent: the section goes). */
export function expandWorld(world: World): World {
  const plan = planGeneration(world);
  if (plan === undefined) return world;
  const { generate: _generate, ...rest } = world;
  const accounts = (world.accounts ?? []).map((a) => ({ ...a }));
  const organizations = [...(world.organizations ?? [])];
  if (plan.newOrganization !== undefined) {
    organizations.push(plan.newOrganization);
    const management = accounts.find((a) => a.id === plan.newOrganization?.managementAccount);
    if (management !== undefined) management.organization ??= plan.organization;
  }
  for (const { index } of plan.accounts) {
    const account = generateAccountShell(plan, index);
    const trails = generateTrails(plan, index);
    const regions: Record<string, WorldRegion> = {};
    for (const region of plan.regions) {
      const generated = generateRegion(plan, index, region);
      const homed = trails[region];
      regions[region] = homed === undefined ? generated : { ...generated, trails: homed };
    }
    accounts.push({ ...account, regions });
  }
  return { ...rest, regions: { ...plan.regionTable, ...(world.regions ?? {}) }, organizations, accounts };
}

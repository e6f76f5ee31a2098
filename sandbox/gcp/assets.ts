// Turns a GcpWorld into Cloud Asset Inventory assets: full resource names, ancestors (project number,
// folders, organisation, nearest first), each resource's JSON in its service API's shape with the
// fields the API always returns filled in, and an IAM policy for every project, folder and organisation.

import { createHash } from 'node:crypto';
import { generateGcpProjects } from './generate.js';
import type { GcpAuditConfig, GcpProjectWorld, GcpWorld, GcpWorldResource } from './types.js';

export const CRM = '//cloudresourcemanager.googleapis.com/';
const COMPUTE_API = 'https://www.googleapis.com/compute/v1';

export interface SandboxIamPolicy {
  version: number;
  bindings: Array<{ role: string; members: string[] }>;
  auditConfigs?: GcpAuditConfig[];
  etag: string;
}

export interface SandboxAsset {
  name: string;
  assetType: string;
  location?: string;
  data: Record<string, unknown>;
  iamPolicy?: SandboxIamPolicy;
  /** `projects/NUMBER`, folders, organisation: nearest first (a folder or organisation lists itself first). */
  ancestors: string[];
  /** `//cloudresourcemanager.googleapis.com/projects/NUMBER` etc. */
  parent?: string;
  discovery: { uri: string; name: string };
  /** The project the asset belongs to. */
  projectNumber?: string;
  projectId?: string;
  displayName?: string;
  state?: string;
  labels?: Record<string, string>;
}

export interface ExpandedWorld {
  assets: SandboxAsset[];
  projects: GcpProjectWorld[];
}

/** A stable decimal id derived from a name, like the numeric ids Compute Engine assigns. */
export function stableId(input: string): string {
  const hex = createHash('sha256').update(input).digest('hex').slice(0, 15);
  return BigInt(`0x${hex}`).toString(10);
}

function etag(input: string): string {
  return createHash('sha256').update(input).digest('base64').slice(0, 12);
}

function policy(resource: string, owner: string, auditConfigs: GcpAuditConfig[] | undefined): SandboxIamPolicy {
  const out: SandboxIamPolicy = { version: 1, bindings: [{ role: 'roles/owner', members: [owner] }], etag: etag(resource) };
  if (auditConfigs !== undefined && auditConfigs.length > 0) out.auditConfigs = auditConfigs;
  return out;
}

const CRM_DISCOVERY = { uri: 'https://cloudresourcemanager.googleapis.com/$discovery/rest', name: '' };
const COMPUTE_DISCOVERY = 'https://www.googleapis.com/discovery/v1/apis/compute/v1/rest';
const isZone = (location: string) => /-[a-z]$/.test(location);

/** The world's assets, materialised once per world object. */
export function expandWorld(world: GcpWorld): ExpandedWorld {
  const projects = [...(world.projects ?? []), ...(world.generate === undefined ? [] : generateGcpProjects(world.generate))];
  const organizations = [...(world.organizations ?? [])];
  const generatedOrg = world.generate === undefined ? undefined : (world.generate.organizationId ?? '100000000001');
  if (generatedOrg !== undefined && !organizations.some((o) => o.id === generatedOrg)) organizations.push({ id: generatedOrg, displayName: 'generated.example' });
  const folders = world.folders ?? [];
  const assets: SandboxAsset[] = [];

  const parentsOf = new Map<string, string | undefined>();
  for (const folder of folders) parentsOf.set(`folders/${folder.id}`, folder.parent);
  const chain = (parent: string | undefined): string[] => {
    const out: string[] = [];
    const seen = new Set<string>();
    for (let at = parent; at !== undefined && !seen.has(at); at = parentsOf.get(at)) {
      seen.add(at);
      out.push(at);
      if (at.startsWith('organizations/')) break;
    }
    return out;
  };
  const domain = organizations[0]?.displayName ?? 'example.com';

  for (const org of organizations) {
    const name = `organizations/${org.id}`;
    assets.push({
      name: CRM + name,
      assetType: 'cloudresourcemanager.googleapis.com/Organization',
      data: { name, organizationId: org.id, displayName: org.displayName ?? org.id, lifecycleState: 'ACTIVE' },
      iamPolicy: policy(name, `group:gcp-admins@${org.displayName ?? domain}`, org.auditConfigs),
      ancestors: [name],
      discovery: { ...CRM_DISCOVERY, name: 'Organization' },
      ...(org.displayName === undefined ? {} : { displayName: org.displayName }),
      state: 'ACTIVE',
    });
  }
  for (const folder of folders) {
    const name = `folders/${folder.id}`;
    const ancestors = [name, ...chain(folder.parent)];
    assets.push({
      name: CRM + name,
      assetType: 'cloudresourcemanager.googleapis.com/Folder',
      data: { name, parent: folder.parent, displayName: folder.displayName ?? folder.id, lifecycleState: 'ACTIVE' },
      iamPolicy: policy(name, `group:gcp-admins@${domain}`, folder.auditConfigs),
      ancestors,
      parent: CRM + folder.parent,
      discovery: { ...CRM_DISCOVERY, name: 'Folder' },
      ...(folder.displayName === undefined ? {} : { displayName: folder.displayName }),
      state: 'ACTIVE',
    });
  }
  for (const project of projects) assets.push(...projectAssets(project, chain(project.parent), domain));
  assets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { assets, projects };
}

function projectAssets(project: GcpProjectWorld, above: string[], domain: string): SandboxAsset[] {
  const { projectId: pid, projectNumber: num } = project;
  const ancestors = [`projects/${num}`, ...above];
  const parent = `${CRM}projects/${num}`;
  const own = { ancestors, parent, projectNumber: num, projectId: pid };
  const state = project.lifecycleState ?? 'ACTIVE';
  const parentRef = project.parent === undefined ? undefined : { type: project.parent.startsWith('folders/') ? 'folder' : 'organization', id: project.parent.split('/')[1] };
  const out: SandboxAsset[] = [
    {
      name: `${CRM}projects/${num}`,
      assetType: 'cloudresourcemanager.googleapis.com/Project',
      data: {
        projectNumber: num,
        projectId: pid,
        lifecycleState: state,
        name: project.displayName ?? pid,
        createTime: '2023-01-02T09:00:00Z',
        ...(project.labels === undefined ? {} : { labels: project.labels }),
        ...(parentRef === undefined ? {} : { parent: parentRef }),
      },
      iamPolicy: policy(`projects/${num}`, `user:admin@${domain}`, project.auditConfigs),
      ancestors,
      projectNumber: num,
      projectId: pid,
      ...(above[0] === undefined ? {} : { parent: CRM + above[0] }),
      discovery: { ...CRM_DISCOVERY, name: 'Project' },
      ...(project.displayName === undefined ? {} : { displayName: project.displayName }),
      state,
      ...(project.labels === undefined ? {} : { labels: project.labels }),
    },
  ];

  if (project.computeMetadata !== undefined) {
    out.push({
      name: `//compute.googleapis.com/projects/${pid}`,
      assetType: 'compute.googleapis.com/Project',
      location: 'global',
      data: {
        kind: 'compute#project',
        id: stableId(`compute-project/${pid}`),
        name: pid,
        selfLink: `${COMPUTE_API}/projects/${pid}`,
        defaultServiceAccount: `${num}-compute@developer.gserviceaccount.com`,
        commonInstanceMetadata: { kind: 'compute#metadata', fingerprint: etag(JSON.stringify(project.computeMetadata)), items: project.computeMetadata },
      },
      ...own,
      discovery: { uri: COMPUTE_DISCOVERY, name: 'Project' },
    });
  }

  for (const disk of project.disks ?? []) out.push(diskAsset(pid, disk, own));
  for (const rule of project.firewalls ?? []) out.push(firewallAsset(pid, rule, own));
  for (const instance of project.sqlInstances ?? []) out.push(sqlAsset(pid, instance, own));

  // Every project has the _Default (30 days) and _Required (400 days, locked) buckets.
  const buckets = [...(project.logBuckets ?? [])];
  if (!buckets.some((b) => b.name === '_Default')) buckets.push({ name: '_Default', location: 'global' });
  if (!buckets.some((b) => b.name === '_Required')) buckets.push({ name: '_Required', location: 'global' });
  for (const bucket of buckets) out.push(bucketAsset(pid, bucket, own));

  for (const raw of project.assets ?? []) {
    out.push({
      name: raw.name,
      assetType: raw.assetType,
      ...(raw.location === undefined ? {} : { location: raw.location }),
      data: raw.data ?? {},
      ...own,
      discovery: { uri: '', name: raw.assetType.split('/')[1] ?? '' },
    });
  }
  return out;
}

type Own = Pick<SandboxAsset, 'ancestors' | 'parent' | 'projectNumber' | 'projectId'>;

function diskAsset(pid: string, disk: GcpWorldResource, own: Own): SandboxAsset {
  const location = disk.location ?? 'us-central1-a';
  const zonal = isZone(location);
  const where = zonal ? `zones/${location}` : `regions/${location}`;
  const data: Record<string, unknown> = {
    kind: 'compute#disk',
    id: stableId(`disk/${pid}/${where}/${disk.name}`),
    name: disk.name,
    sizeGb: '100',
    status: 'READY',
    type: `${COMPUTE_API}/projects/${pid}/${where}/diskTypes/pd-balanced`,
    selfLink: `${COMPUTE_API}/projects/${pid}/${where}/disks/${disk.name}`,
    creationTimestamp: '2023-01-02T01:00:00.000-08:00',
    ...(zonal ? { zone: `${COMPUTE_API}/projects/${pid}/zones/${location}` } : { region: `${COMPUTE_API}/projects/${pid}/regions/${location}` }),
    ...disk.data,
  };
  return {
    name: `//compute.googleapis.com/projects/${pid}/${where}/disks/${disk.name}`,
    assetType: 'compute.googleapis.com/Disk',
    location,
    data,
    ...own,
    discovery: { uri: COMPUTE_DISCOVERY, name: 'Disk' },
    ...(typeof data['labels'] === 'object' && data['labels'] !== null ? { labels: data['labels'] as Record<string, string> } : {}),
  };
}

function firewallAsset(pid: string, rule: GcpWorldResource, own: Own): SandboxAsset {
  const data: Record<string, unknown> = {
    kind: 'compute#firewall',
    id: stableId(`firewall/${pid}/${rule.name}`),
    name: rule.name,
    network: `${COMPUTE_API}/projects/${pid}/global/networks/default`,
    priority: 1000,
    direction: 'INGRESS',
    disabled: false,
    logConfig: { enable: false },
    selfLink: `${COMPUTE_API}/projects/${pid}/global/firewalls/${rule.name}`,
    creationTimestamp: '2023-01-02T01:00:00.000-08:00',
    ...rule.data,
  };
  return {
    name: `//compute.googleapis.com/projects/${pid}/global/firewalls/${rule.name}`,
    assetType: 'compute.googleapis.com/Firewall',
    location: 'global',
    data,
    ...own,
    discovery: { uri: COMPUTE_DISCOVERY, name: 'Firewall' },
  };
}

function publicAddress(seed: string): string {
  const hex = createHash('sha256').update(seed).digest();
  return `34.${hex[0] ?? 1}.${hex[1] ?? 2}.${hex[2] ?? 3}`;
}

function sqlAsset(pid: string, instance: GcpWorldResource, own: Own): SandboxAsset {
  const region = instance.location ?? 'us-central1';
  const data: Record<string, unknown> = {
    kind: 'sql#instance',
    name: instance.name,
    project: pid,
    region,
    gceZone: `${region}-a`,
    databaseVersion: 'POSTGRES_15',
    state: 'RUNNABLE',
    instanceType: 'CLOUD_SQL_INSTANCE',
    backendType: 'SECOND_GEN',
    connectionName: `${pid}:${region}:${instance.name}`,
    selfLink: `https://sqladmin.googleapis.com/v1/projects/${pid}/instances/${instance.name}`,
    settings: { tier: 'db-custom-2-7680', activationPolicy: 'ALWAYS', ipConfiguration: { ipv4Enabled: true } },
    ...instance.data,
  };
  if (data['ipAddresses'] === undefined) {
    // Like the API: a PRIMARY (public) address when IPv4 is enabled, a PRIVATE one on a private network.
    const ip = ((data['settings'] as { ipConfiguration?: { ipv4Enabled?: boolean; privateNetwork?: string } } | undefined)?.ipConfiguration ?? {});
    const addresses: Array<{ type: string; ipAddress: string }> = [];
    if (ip.ipv4Enabled === true) addresses.push({ type: 'PRIMARY', ipAddress: publicAddress(`${pid}/${instance.name}`) });
    if (typeof ip.privateNetwork === 'string') addresses.push({ type: 'PRIVATE', ipAddress: `10.20.0.${(Number(stableId(instance.name).slice(-2)) % 250) + 2}` });
    if (addresses.length > 0) data['ipAddresses'] = addresses;
  }
  return {
    name: `//cloudsql.googleapis.com/projects/${pid}/instances/${instance.name}`,
    assetType: 'sqladmin.googleapis.com/Instance',
    location: region,
    data,
    ...own,
    discovery: { uri: 'https://sqladmin.googleapis.com/$discovery/rest?version=v1beta4', name: 'DatabaseInstance' },
  };
}

function bucketAsset(pid: string, bucket: GcpWorldResource, own: Own): SandboxAsset {
  const location = bucket.location ?? 'global';
  const required = bucket.name === '_Required';
  const data: Record<string, unknown> = {
    name: `projects/${pid}/locations/${location}/buckets/${bucket.name}`,
    retentionDays: required ? 400 : 30,
    lifecycleState: 'ACTIVE',
    ...(required ? { locked: true, description: 'Audit bucket' } : bucket.name === '_Default' ? { description: 'Default bucket' } : {}),
    createTime: '2023-01-02T09:00:00Z',
    ...bucket.data,
  };
  return {
    name: `//logging.googleapis.com/projects/${pid}/locations/${location}/buckets/${bucket.name}`,
    assetType: 'logging.googleapis.com/LogBucket',
    location,
    data,
    ...own,
    discovery: { uri: 'https://logging.googleapis.com/$discovery/rest', name: 'LogBucket' },
  };
}

// What a scan reads from Cloud Asset Inventory, shared by every project of the scan. A project scope is
// read project by project; a folder or organisation scope is read once per asset type for the whole
// scope (one paginated listAssets, not one per project) and split by owning project, so a scope of a
// thousand projects costs a handful of calls per asset type, not thousands.

import type { protos } from '@google-cloud/asset';
import type { AssetApi, ContentType } from './client.js';
import { assetRef, owningProject, structToJson } from './assets.js';
import { ASSET_TYPES, type AuditConfig, type GcpAssetRef, type InheritedAuditConfigs } from './datasets.js';
import { describeGcpFailure } from './errors.js';

type IAsset = protos.google.cloud.asset.v1.IAsset;
type IPolicy = protos.google.iam.v1.IPolicy;

export type ScopeKind = 'projects' | 'folders' | 'organizations';

export interface GcpScope {
  kind: ScopeKind;
  id: string;
  /** `projects/…`, `folders/…` or `organizations/…`. */
  name: string;
}

/** One project to scan, and the scope whose reads cover it. */
export interface GcpProjectTarget {
  projectId: string;
  projectNumber?: string;
  displayName?: string;
  lifecycleState?: string;
  /** The project's own Cloud Resource Manager asset (name `//cloudresourcemanager.googleapis.com/projects/NUMBER`). */
  asset: GcpAssetRef;
  /** `projects/NUMBER`, then folders, then the organisation, nearest first ([] when unknown). */
  ancestors: string[];
  scope: GcpScope;
}

const SCOPE_PATTERN = /^(projects|folders|organizations)\/([A-Za-z0-9][A-Za-z0-9:._-]*)$/;

/** Parses `projects/…`, `folders/…` or `organizations/…`; undefined for anything else. */
export function parseScope(text: string): GcpScope | undefined {
  const match = SCOPE_PATTERN.exec(text.trim());
  if (match === null) return undefined;
  const kind = match[1] as ScopeKind;
  const id = match[2] ?? '';
  return { kind, id, name: `${kind}/${id}` };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

/**
 * A project target from its cloudresourcemanager.googleapis.com/Project asset. The resource data is
 * Resource Manager's project representation (v1: projectId, projectNumber, name = display name,
 * lifecycleState; v3: displayName, state); both are read.
 */
export function projectFromAsset(asset: IAsset, scope: GcpScope): GcpProjectTarget | undefined {
  const data = structToJson(asset.resource?.data);
  const ref = assetRef(asset);
  const numberFromName = /\/projects\/(\d+)$/.exec(ref.name)?.[1];
  const projectId = str(data['projectId']);
  if (projectId === undefined) return undefined;
  const target: GcpProjectTarget = { projectId, asset: ref, ancestors: ref.ancestors ?? [], scope };
  const projectNumber = str(data['projectNumber']) ?? numberFromName;
  if (projectNumber !== undefined) target.projectNumber = projectNumber;
  const displayName = str(data['displayName']) ?? str(data['name']);
  if (displayName !== undefined && !displayName.startsWith('projects/')) target.displayName = displayName;
  const state = str(data['lifecycleState']) ?? str(data['state']);
  if (state !== undefined) target.lifecycleState = state;
  if (target.ancestors.length === 0 && projectNumber !== undefined) target.ancestors = [`projects/${projectNumber}`];
  return target;
}

function auditConfigsOf(policy: IPolicy | null | undefined): AuditConfig[] {
  return (policy?.auditConfigs ?? []).map((config) => {
    const out: AuditConfig = {};
    if (config.service !== null && config.service !== undefined && config.service !== '') out.service = config.service;
    out.auditLogConfigs = (config.auditLogConfigs ?? []).map((log) => {
      const entry: { logType?: string; exemptedMembers?: string[] } = {};
      if (log.logType !== null && log.logType !== undefined) entry.logType = String(log.logType);
      if (log.exemptedMembers !== null && log.exemptedMembers !== undefined && log.exemptedMembers.length > 0) entry.exemptedMembers = [...log.exemptedMembers];
      return entry;
    });
    return out;
  });
}

const CRM = '//cloudresourcemanager.googleapis.com/';

export class AssetInventory {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(readonly api: AssetApi) {}

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let pending = this.memo.get(key) as Promise<T> | undefined;
    if (pending === undefined) {
      pending = load();
      this.memo.set(key, pending);
    }
    return pending;
  }

  list(parent: string, assetTypes: readonly string[], contentType: ContentType): Promise<IAsset[]> {
    return this.once(`list ${parent} ${contentType} ${assetTypes.join(',')}`, () => this.api.listAssets(parent, assetTypes, contentType));
  }

  /** The active projects under a folder or organisation scope. */
  async projectsUnder(scope: GcpScope): Promise<GcpProjectTarget[]> {
    const assets = await this.list(scope.name, [ASSET_TYPES.project], 'RESOURCE');
    const projects: GcpProjectTarget[] = [];
    for (const asset of assets) {
      if (asset.assetType !== ASSET_TYPES.project) continue;
      const project = projectFromAsset(asset, scope);
      // Projects pending deletion are shut down: their resources serve nothing and cannot be changed.
      if (project !== undefined && (project.lifecycleState === undefined || project.lifecycleState === 'ACTIVE')) projects.push(project);
    }
    return projects.sort((a, b) => a.projectId.localeCompare(b.projectId));
  }

  /** A project scope's own project, or undefined when Cloud Asset Inventory lists no Project asset for it. */
  async resolveProject(scope: GcpScope): Promise<GcpProjectTarget | undefined> {
    const assets = await this.list(scope.name, [ASSET_TYPES.project], 'RESOURCE');
    for (const asset of assets) {
      if (asset.assetType !== ASSET_TYPES.project) continue;
      const project = projectFromAsset(asset, scope);
      if (project !== undefined && (project.projectId === scope.id || project.projectNumber === scope.id)) return project;
    }
    return undefined;
  }

  /** The project's assets of one type, with the requested content. */
  async forProject(project: GcpProjectTarget, assetType: string, contentType: ContentType): Promise<IAsset[]> {
    if (project.scope.kind === 'projects') return this.list(`projects/${project.projectId}`, [assetType], contentType);
    const grouped = await this.once(`grouped ${project.scope.name} ${contentType} ${assetType}`, async () => {
      const byProject = new Map<string, IAsset[]>();
      for (const asset of await this.list(project.scope.name, [assetType], contentType)) {
        // Assets of folders and of the organisation itself (e.g. organisation log buckets) belong to no project.
        const owner = owningProject(asset);
        if (owner === undefined) continue;
        const list = byProject.get(owner);
        if (list === undefined) byProject.set(owner, [asset]);
        else list.push(asset);
      }
      return byProject;
    });
    return project.projectNumber === undefined ? [] : (grouped.get(`projects/${project.projectNumber}`) ?? []);
  }

  /** The project's own IAM policy audit configs (its policy asset may be absent: no policy, no configs). */
  async projectAuditConfigs(project: GcpProjectTarget): Promise<AuditConfig[]> {
    if (project.scope.kind === 'projects') {
      const assets = await this.list(`projects/${project.projectId}`, [ASSET_TYPES.project], 'IAM_POLICY');
      const own = assets.find((a) => a.assetType === ASSET_TYPES.project && (a.name === project.asset.name || assets.length === 1));
      return auditConfigsOf(own?.iamPolicy);
    }
    const policies = await this.scopePolicies(project.scope);
    return policies.get(project.asset.name) ?? [];
  }

  /** Audit configs of each folder and the organisation above the project, nearest first. */
  async inheritedAuditConfigs(project: GcpProjectTarget): Promise<InheritedAuditConfigs[]> {
    const ancestors = project.ancestors.filter((a) => !a.startsWith('projects/'));
    // Ancestors up to and including a folder or organisation scope were read with the scope's policies.
    const scopeIndex = project.scope.kind === 'projects' ? -1 : ancestors.indexOf(project.scope.name);
    return Promise.all(
      ancestors.map(async (ancestor, index): Promise<InheritedAuditConfigs> => {
        if (index <= scopeIndex) {
          const policies = await this.scopePolicies(project.scope);
          return { resource: ancestor, ok: true, auditConfigs: policies.get(CRM + ancestor) ?? [] };
        }
        return this.once(`ancestor ${ancestor}`, () => this.readAncestor(ancestor));
      }),
    );
  }

  /** Every project, folder and organisation IAM policy in a folder or organisation scope, by asset name. */
  private scopePolicies(scope: GcpScope): Promise<Map<string, AuditConfig[]>> {
    return this.once(`policies ${scope.name}`, async () => {
      const assets = await this.list(scope.name, [ASSET_TYPES.project, ASSET_TYPES.folder, ASSET_TYPES.organization], 'IAM_POLICY');
      return new Map(assets.map((a) => [a.name ?? '', auditConfigsOf(a.iamPolicy)]));
    });
  }

  private async readAncestor(ancestor: string): Promise<InheritedAuditConfigs> {
    const type = ancestor.startsWith('folders/') ? ASSET_TYPES.folder : ASSET_TYPES.organization;
    const api = `cloudasset:ListAssets(${type}, IAM_POLICY)`;
    try {
      const assets = await this.api.listAssets(ancestor, [type], 'IAM_POLICY');
      const own = assets.find((a) => a.name === CRM + ancestor);
      return { resource: ancestor, ok: true, auditConfigs: auditConfigsOf(own?.iamPolicy) };
    } catch (error) {
      const failure = describeGcpFailure(error, api);
      return { resource: ancestor, ok: false, code: failure.code, reason: failure.reason };
    }
  }
}

// The Google Cloud side of a scan: which projects to read (named projects, and every active project
// under a folder or organisation scope), and how each dataset is fetched through Cloud Asset Inventory.
// A project is one target: its "account" is the project id. GCP has no per-region enablement for these
// reads, so a project has the one scope `global`; each result carries its resource's own location.

import pLimit from 'p-limit';
import type { DatasetDef } from '../../core/control.js';
import type { ProviderPlan, ReadFailure, RegionList, TargetOpening, TargetSession } from '../../core/engine.js';
import { GLOBAL_REGION } from '../../core/engine.js';
import { UserError } from '../../core/errors.js';
import type { ApiMetrics } from '../../core/metrics.js';
import type { ReadIdentity } from '../../core/model.js';
import { AssetApi, type GcpRetrySettings } from './client.js';
import { GCP_FETCHERS } from './collectors/index.js';
import { ASSET_TYPES } from './datasets.js';
import { describeGcpFailure } from './errors.js';
import { AssetInventory, parseScope, type GcpProjectTarget, type GcpScope } from './inventory.js';

export interface GcpPlanOptions {
  /** `projects/…`, `folders/…`, `organizations/…`. Empty: WARD_GCP_SCOPES (comma-separated). */
  scopes: string[];
  /** Base URL of the Cloud Asset API. Unset: WARD_GCP_ENDPOINT, else cloudasset.googleapis.com. */
  endpoint?: string;
  metrics?: ApiMetrics;
  /** Client retry settings (attempts, backoff, per-attempt timeout). */
  retry?: Partial<GcpRetrySettings>;
  /** Assets per listAssets page, 1–1000 (default 1000). */
  pageSize?: number;
  /** Workload identity federation file; unset: WARD_GCP_CREDENTIALS, else Application Default Credentials. */
  credentialsFile?: string;
}

export const PROJECTS_API = `cloudasset:ListAssets(${ASSET_TYPES.project})`;
/** Scopes resolved at once while planning. */
const RESOLVE_CONCURRENCY = 8;

/** Parses a comma-separated scope list (WARD_GCP_SCOPES); blanks are ignored. */
export function splitScopes(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function parseScopes(scopes: readonly string[]): GcpScope[] {
  const parsed: GcpScope[] = [];
  const seen = new Set<string>();
  for (const text of scopes) {
    const scope = parseScope(text);
    if (scope === undefined) {
      throw new UserError(`Invalid Google Cloud scope "${text}": use projects/<project id or number>, folders/<folder number> or organizations/<organization number>.`);
    }
    if (!seen.has(scope.name)) {
      seen.add(scope.name);
      parsed.push(scope);
    }
  }
  return parsed;
}

class GcpTargetSession implements TargetSession {
  readonly provider = 'gcp' as const;
  readonly regionsApi = PROJECTS_API;
  readonly account: string;
  readonly name: string | undefined;

  constructor(
    private readonly project: GcpProjectTarget,
    private readonly inventory: AssetInventory,
    private readonly onClose: () => void,
    readonly identity: ReadIdentity,
  ) {
    this.account = project.projectId;
    this.name = project.displayName;
  }

  async regions(): Promise<RegionList> {
    return { enabled: [GLOBAL_REGION], disabled: [] };
  }

  async collect(dataset: DatasetDef<unknown>): Promise<unknown[]> {
    const entry = GCP_FETCHERS.get(dataset.key);
    if (entry === undefined) throw new Error(`no Google Cloud collector for dataset ${dataset.key}`);
    return entry.fetch({ project: this.project, inventory: this.inventory });
  }

  describeFailure(error: unknown, api: string): ReadFailure {
    return describeGcpFailure(error, api);
  }

  close(): void {
    this.onClose();
  }
}

/** Closes the shared client once every target has been opened and closed (or failed to open). */
function closeAfter(count: number, api: AssetApi): () => void {
  let remaining = count;
  if (remaining === 0) void api.close();
  return () => {
    remaining -= 1;
    if (remaining === 0) void api.close();
  };
}

export async function gcpPlan(options: GcpPlanOptions): Promise<ProviderPlan> {
  const scopes = parseScopes(options.scopes.length > 0 ? options.scopes : splitScopes(process.env['WARD_GCP_SCOPES']));
  if (scopes.length === 0) {
    throw new UserError('No Google Cloud scopes to scan: set WARD_GCP_SCOPES (comma-separated projects/…, folders/…, organizations/…) or list them in the configuration.');
  }
  const endpoint = options.endpoint ?? process.env['WARD_GCP_ENDPOINT'];
  const api = await AssetApi.connect({
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    ...(options.credentialsFile === undefined ? {} : { credentialsFile: options.credentialsFile }),
  });
  const inventory = new AssetInventory(api);

  type Target = ProviderPlan['targets'][number];
  const targets: Target[] = [];
  let done: () => void = () => undefined;

  // Every scope is resolved now, a few at a time: named projects to their id, number and ancestors,
  // folders and organisations to their active projects. A scope that cannot be read becomes one target
  // whose opening fails, so the scan reports ERROR for it, never silence.
  const limit = pLimit(RESOLVE_CONCURRENCY);
  const resolved = await Promise.all(
    scopes.map((scope) =>
      limit(async (): Promise<{ scope: GcpScope; projects: GcpProjectTarget[] } | { scope: GcpScope; failure: ReadFailure }> => {
        try {
          if (scope.kind !== 'projects') return { scope, projects: await inventory.projectsUnder(scope) };
          const project = (await inventory.resolveProject(scope)) ?? {
            projectId: scope.id,
            asset: { name: `//cloudresourcemanager.googleapis.com/projects/${scope.id}`, assetType: ASSET_TYPES.project },
            ancestors: [],
            scope,
          };
          return { scope, projects: [project] };
        } catch (error) {
          return { scope, failure: describeGcpFailure(error, PROJECTS_API) };
        }
      }),
    ),
  );

  // Named projects first, so a project named and also under a folder is read on its own scope, once.
  const ordered = [...resolved.filter((r) => r.scope.kind === 'projects'), ...resolved.filter((r) => r.scope.kind !== 'projects')];
  const seenIds = new Set<string>();
  const seenNumbers = new Set<string>();
  for (const entry of ordered) {
    if ('failure' in entry) {
      const account = entry.scope.kind === 'projects' ? entry.scope.id : entry.scope.name;
      const failure = entry.failure;
      targets.push({
        account,
        open: async (): Promise<TargetOpening> => {
          done();
          return { ok: false, provider: 'gcp', account, failure };
        },
      });
      continue;
    }
    for (const project of entry.projects) {
      if (seenIds.has(project.projectId) || (project.projectNumber !== undefined && seenNumbers.has(project.projectNumber))) continue;
      seenIds.add(project.projectId);
      if (project.projectNumber !== undefined) seenNumbers.add(project.projectNumber);
      targets.push({
        account: project.projectId,
        ...(project.displayName === undefined ? {} : { name: project.displayName }),
        open: async (): Promise<TargetOpening> => ({ ok: true, session: new GcpTargetSession(project, inventory, () => done(), api.identity) }),
      });
    }
  }
  done = closeAfter(targets.length, api);
  return { provider: 'gcp', targets };
}

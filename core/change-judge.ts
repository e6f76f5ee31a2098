// The change-driven side of the engine: for one opened target, read only what the affected controls
// need for the changed resources (a Describe with a filter) or, where an event names no one resource,
// the control's scope in that region — and judge it with the same pure controls as a full scan.

import type { ResourceKind } from './change-events.js';
import type { AnyControl, Collected, DatasetDef, EvaluationContext } from './control.js';
import { buildFinding, failureOf, GLOBAL_REGION, incompleteGap, scopeError, type ReadFailure, type TargetSession } from './engine.js';
import { readLimits, withReadDeadline } from './limits.js';
import type { CoverageGap, Finding, PartialScope, Thresholds } from './model.js';

/** One control to re-judge in one scope (`global` for account-wide controls), whole or for some resources. */
export interface ChangeScope {
  control: AnyControl;
  region: string;
  /** With `resourceIds`: what they name. */
  resourceKind?: ResourceKind;
  /** The resources to re-judge (their `resource.id`); absent: the control's whole scope. */
  resourceIds?: string[];
}

export interface ChangeJudgeOptions {
  thresholds: Thresholds;
  now?: () => Date;
  readDeadlineMs?: number;
}

type ReadState = { ok: true; collected: Collected<unknown> } | { ok: false; failure: ReadFailure };

export interface ChangeJudgement {
  findings: Finding[];
  gaps: CoverageGap[];
  /** What was read, for the scan document's `partial`. */
  scopes: PartialScope[];
}

/** Reads shared by the scopes of one target (two controls reading the same groups read them once). */
class Reads {
  private readonly cache = new Map<string, Promise<ReadState>>();

  constructor(
    private readonly session: TargetSession,
    private readonly options: ChangeJudgeOptions,
  ) {}

  get(dataset: DatasetDef<unknown>, region: string, kind: ResourceKind | undefined, ids: readonly string[] | undefined): Promise<ReadState> {
    const where = dataset.scope === 'account' ? GLOBAL_REGION : region;
    const narrowed = kind === undefined || ids === undefined || where === GLOBAL_REGION ? undefined : { kind, ids: [...ids].sort() };
    const key = `${dataset.key}|${where}|${narrowed === undefined ? '*' : `${narrowed.kind}:${narrowed.ids.join(',')}`}`;
    let state = this.cache.get(key);
    if (state === undefined) {
      state = this.read(dataset, where, narrowed);
      this.cache.set(key, state);
    }
    return state;
  }

  private async read(dataset: DatasetDef<unknown>, region: string, narrowed: { kind: ResourceKind; ids: string[] } | undefined): Promise<ReadState> {
    const readAt = (this.options.now?.() ?? new Date()).toISOString();
    const deadline = this.options.readDeadlineMs ?? readLimits().readDeadlineMs;
    try {
      const items = await withReadDeadline(deadline, `${dataset.api} in ${region}`, () => {
        const some = narrowed === undefined ? undefined : this.session.collectResources?.(dataset, region, narrowed.kind, narrowed.ids);
        return some ?? this.session.collect(dataset, region);
      });
      return { ok: true, collected: { items, api: dataset.api, region, readAt } };
    } catch (error) {
      return { ok: false, failure: failureOf(this.session, error, dataset.api) };
    }
  }
}

/** Re-judges the scopes of one opened target. Never resolves by omission: the caller records `partial`. */
export async function judgeChanges(session: TargetSession, scopes: readonly ChangeScope[], options: ChangeJudgeOptions): Promise<ChangeJudgement> {
  const reads = new Reads(session, options);
  const out: ChangeJudgement = { findings: [], gaps: [], scopes: [] };
  const gapKeys = new Set<string>();
  const gap = (g: CoverageGap) => {
    const key = `${g.region}|${g.api}|${g.controls.join(',')}|${g.code}`;
    if (!gapKeys.has(key)) out.gaps.push(g);
    gapKeys.add(key);
  };
  for (const scope of scopes) {
    const { control, region } = scope;
    const ids = scope.resourceIds;
    out.scopes.push({ controlId: control.id, account: session.account, region, ...(ids === undefined ? {} : { resourceIds: [...ids] }) });
    const ctx: EvaluationContext = { provider: session.provider, account: session.account, region, thresholds: options.thresholds };
    const data: Record<string, Collected<unknown>> = {};
    let failed: ReadFailure | undefined;
    for (const [name, dataset] of Object.entries(control.reads)) {
      const state = await reads.get(dataset, region, scope.resourceKind, ids);
      if (!state.ok) {
        failed = state.failure;
        gap({ provider: session.provider, account: session.account, region: dataset.scope === 'account' ? GLOBAL_REGION : region, ...state.failure, controls: [control.id] });
        break;
      }
      data[name] = state.collected;
    }
    if (failed !== undefined) {
      out.findings.push(scopeError(control, ctx, failed));
      continue;
    }
    const context: Record<string, Collected<unknown> | undefined> = {};
    for (const [name, dataset] of Object.entries(control.context)) {
      const state = await reads.get(dataset, region, scope.resourceKind, ids);
      context[name] = state.ok ? state.collected : undefined;
    }
    const wanted = ids === undefined ? undefined : new Set(ids);
    for (const judgement of control.evaluate(data, context, ctx)) {
      // A filtered read can return more than was asked (a group on an interface of another group): only the changed resources are judged.
      if (wanted !== undefined && !wanted.has(judgement.resource.id)) continue;
      const finding = buildFinding(control, judgement, ctx);
      out.findings.push(finding);
      if (finding.status === 'ERROR') gap(incompleteGap(control, judgement, finding, region));
    }
  }
  return out;
}

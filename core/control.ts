// A control is metadata plus a pure function over collected datasets. A dataset is one kind of
// inventory (EBS volumes, trails, log groups…) that a provider collects per scope and that knows
// which read-only API actions it needs — from which Ward derives its own least-privilege policy.

import type { ChangeEvents } from './change-events.js';
import type { HipaaRef } from './hipaa.js';
import type { Area, Evidence, Provider, Remediation, ResourceRef, Severity, Thresholds, Verdict } from './model.js';

export type DatasetScope = 'region' | 'account';

export interface DatasetDef<Item> {
  key: string;
  provider: Provider;
  /** `region`: collected in every enabled region; `account`: once per account (global services). */
  scope: DatasetScope;
  /** The call(s) that produce it, as `service:Operation`, for evidence and coverage. */
  api: string;
  /** Read-only IAM actions (or GCP permissions / Azure actions) the collector needs. */
  actions: readonly string[];
  /** Phantom: carries the item type; never set at run time. */
  readonly itemType?: Item;
}

export function dataset<Item>(def: Omit<DatasetDef<Item>, 'itemType'>): DatasetDef<Item> {
  return def;
}

export type ItemOf<D> = D extends DatasetDef<infer Item> ? Item : never;

/** A dataset as read in one scope. */
export interface Collected<Item> {
  items: Item[];
  api: string;
  region: string;
  readAt: string;
}

export type ReadsDecl = Record<string, DatasetDef<unknown>>;

export type CollectedReads<R extends ReadsDecl> = { [K in keyof R]: Collected<ItemOf<R[K]>> };
/** Context datasets sharpen a verdict (e.g. raise a severity); when unreadable they are absent. */
export type OptionalReads<R extends ReadsDecl> = { [K in keyof R]: Collected<ItemOf<R[K]>> | undefined };

export interface EvaluationContext {
  provider: Provider;
  account: string;
  /** The region being judged, or `global` for account-scoped controls. */
  region: string;
  thresholds: Thresholds;
}

/** One check's conclusion about one resource. The engine adds the control's metadata. */
export interface Judgement {
  resource: ResourceRef;
  status: Verdict;
  message: string;
  /** Overrides the control's default severity with context; the message must say why. */
  severity?: Severity;
  /** Where the resource lives, when the scope is wider (a GCP project, an Azure subscription). */
  region?: string;
  evidence: Evidence[];
}

export interface ControlMeta {
  id: string;
  provider: Provider;
  area: Area;
  title: string;
  /** Default severity; a judgement may raise or lower it with context. */
  severity: Severity;
  hipaa: readonly HipaaRef[];
  description: string;
  remediation: Remediation;
  /** `region`: judged per enabled region; `account`: once per account. */
  scope: DatasetScope;
  /**
   * The cloud's change events that can turn this control's verdict (core/change-events.ts): a
   * change-driven scan re-judges just the affected resource, or the control's scope, when one arrives.
   */
  changeEvents?: ChangeEvents;
}

export interface Control<R extends ReadsDecl = ReadsDecl, C extends ReadsDecl = ReadsDecl> extends ControlMeta {
  reads: R;
  context: C;
  evaluate(data: CollectedReads<R>, context: OptionalReads<C>, ctx: EvaluationContext): Judgement[];
}

/** Erased form held by the registry; `defineControl` keeps each file's own types precise. */
export type AnyControl = ControlMeta & {
  reads: ReadsDecl;
  context: ReadsDecl;
  evaluate(data: Record<string, Collected<unknown>>, context: Record<string, Collected<unknown> | undefined>, ctx: EvaluationContext): Judgement[];
};

export function defineControl<R extends ReadsDecl, C extends ReadsDecl = Record<never, never>>(
  control: Omit<Control<R, C>, 'context'> & { context?: C },
): AnyControl {
  const full = { ...control, context: control.context ?? ({} as C) };
  return full as unknown as AnyControl;
}

/** Every dataset a control touches, required or context. */
export function datasetsOf(control: AnyControl): DatasetDef<unknown>[] {
  return [...Object.values(control.reads), ...Object.values(control.context)];
}

/** Builds the evidence entry for fields read from one dataset. */
export function evidenceFrom(collected: Collected<unknown>, fields: Record<string, unknown>): Evidence {
  return { api: collected.api, region: collected.region, readAt: collected.readAt, fields };
}

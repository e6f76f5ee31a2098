// The HIPAA coverage map: every standard and implementation specification of the Security Rule, with
// the controls of this Ward that relate to it (from each control's HIPAA references) or a plain "not
// assessed by Ward". Derived, never written by hand: add a reference to a control and it shows here.

import { ALL_CONTROLS } from '../checks/index.js';
import { HIPAA_SECURITY_RULE, THRESHOLD_NOTES, type SecurityRuleItem, type ThresholdNote } from '../core/hipaa-security-rule.js';

export type CoverageStatus = 'assessed' | 'partly-assessed' | 'not-assessed';

export interface CoverageItem extends SecurityRuleItem {
  status: CoverageStatus;
  /** Controls whose HIPAA references name this item. */
  controls: string[];
  /** For a standard assessed only through some of its implementation specifications: those. */
  through: string[];
}

export interface HipaaCoverage {
  items: CoverageItem[];
  thresholds: readonly ThresholdNote[];
  /** Counts, for the summary line. */
  assessed: number;
  partlyAssessed: number;
  notAssessed: number;
}

export function hipaaCoverage(controls: ReadonlyArray<{ id: string; hipaa: readonly string[] }> = ALL_CONTROLS): HipaaCoverage {
  const direct = (ref: string) => controls.filter((c) => c.hipaa.includes(ref)).map((c) => c.id).sort();
  const items = HIPAA_SECURITY_RULE.map((item): CoverageItem => {
    const mapped = direct(item.ref);
    const through = item.kind === 'standard' ? HIPAA_SECURITY_RULE.filter((s) => s.standard === item.ref && direct(s.ref).length > 0).map((s) => s.ref) : [];
    const status: CoverageStatus = mapped.length > 0 ? 'assessed' : through.length > 0 ? 'partly-assessed' : 'not-assessed';
    return { ...item, status, controls: mapped, through };
  });
  const count = (s: CoverageStatus) => items.filter((i) => i.status === s).length;
  return { items, thresholds: THRESHOLD_NOTES, assessed: count('assessed'), partlyAssessed: count('partly-assessed'), notAssessed: count('not-assessed') };
}

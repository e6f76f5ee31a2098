// The HIPAA Security Rule (45 CFR Part 164, Subpart C, §§ 164.308–164.316): every standard and
// implementation specification, required (R) or addressable (A), as the rule's appendix lists them.
// Reports derive from it the coverage map: which of them Ward's controls relate to (from each
// control's own HIPAA references) and which Ward does not assess, so an auditor sees the boundary of
// the evidence. Standards without implementation specifications are required as such.

import { DEFAULT_MIN_LOG_RETENTION_DAYS, HIPAA_6Y_RETENTION_DAYS } from './config.js';
import { HIPAA_SAFEGUARDS } from './hipaa.js';

export type SafeguardKind = 'administrative' | 'physical' | 'technical' | 'organizational' | 'documentation';

export interface SecurityRuleItem {
  /** The section as cited, e.g. `164.312(a)(2)(iv)`. */
  ref: string;
  title: string;
  kind: 'standard' | 'implementation specification';
  /** Standards are required; implementation specifications are required or addressable. */
  requirement: 'required' | 'addressable';
  safeguard: SafeguardKind;
  /** For an implementation specification: its standard's ref. */
  standard?: string;
}

type Row = [ref: string, title: string, requirement: 'S' | 'R' | 'A'];

const SECTIONS: Array<{ safeguard: SafeguardKind; rows: Row[] }> = [
  {
    safeguard: 'administrative',
    rows: [
      ['164.308(a)(1)(i)', 'Security management process', 'S'],
      ['164.308(a)(1)(ii)(A)', 'Risk analysis', 'R'],
      ['164.308(a)(1)(ii)(B)', 'Risk management', 'R'],
      ['164.308(a)(1)(ii)(C)', 'Sanction policy', 'R'],
      ['164.308(a)(1)(ii)(D)', 'Information system activity review', 'R'],
      ['164.308(a)(2)', 'Assigned security responsibility', 'S'],
      ['164.308(a)(3)(i)', 'Workforce security', 'S'],
      ['164.308(a)(3)(ii)(A)', 'Authorization and/or supervision', 'A'],
      ['164.308(a)(3)(ii)(B)', 'Workforce clearance procedure', 'A'],
      ['164.308(a)(3)(ii)(C)', 'Termination procedures', 'A'],
      ['164.308(a)(4)(i)', 'Information access management', 'S'],
      ['164.308(a)(4)(ii)(A)', 'Isolating health care clearinghouse functions', 'R'],
      ['164.308(a)(4)(ii)(B)', 'Access authorization', 'A'],
      ['164.308(a)(4)(ii)(C)', 'Access establishment and modification', 'A'],
      ['164.308(a)(5)(i)', 'Security awareness and training', 'S'],
      ['164.308(a)(5)(ii)(A)', 'Security reminders', 'A'],
      ['164.308(a)(5)(ii)(B)', 'Protection from malicious software', 'A'],
      ['164.308(a)(5)(ii)(C)', 'Log-in monitoring', 'A'],
      ['164.308(a)(5)(ii)(D)', 'Password management', 'A'],
      ['164.308(a)(6)(i)', 'Security incident procedures', 'S'],
      ['164.308(a)(6)(ii)', 'Response and reporting', 'R'],
      ['164.308(a)(7)(i)', 'Contingency plan', 'S'],
      ['164.308(a)(7)(ii)(A)', 'Data backup plan', 'R'],
      ['164.308(a)(7)(ii)(B)', 'Disaster recovery plan', 'R'],
      ['164.308(a)(7)(ii)(C)', 'Emergency mode operation plan', 'R'],
      ['164.308(a)(7)(ii)(D)', 'Testing and revision procedures', 'A'],
      ['164.308(a)(7)(ii)(E)', 'Applications and data criticality analysis', 'A'],
      ['164.308(a)(8)', 'Evaluation', 'S'],
      ['164.308(b)(1)', 'Business associate contracts and other arrangements', 'S'],
      ['164.308(b)(3)', 'Written contract or other arrangement', 'R'],
    ],
  },
  {
    safeguard: 'physical',
    rows: [
      ['164.310(a)(1)', 'Facility access controls', 'S'],
      ['164.310(a)(2)(i)', 'Contingency operations', 'A'],
      ['164.310(a)(2)(ii)', 'Facility security plan', 'A'],
      ['164.310(a)(2)(iii)', 'Access control and validation procedures', 'A'],
      ['164.310(a)(2)(iv)', 'Maintenance records', 'A'],
      ['164.310(b)', 'Workstation use', 'S'],
      ['164.310(c)', 'Workstation security', 'S'],
      ['164.310(d)(1)', 'Device and media controls', 'S'],
      ['164.310(d)(2)(i)', 'Disposal', 'R'],
      ['164.310(d)(2)(ii)', 'Media re-use', 'R'],
      ['164.310(d)(2)(iii)', 'Accountability', 'A'],
      ['164.310(d)(2)(iv)', 'Data backup and storage', 'A'],
    ],
  },
  {
    safeguard: 'technical',
    rows: [
      ['164.312(a)(1)', 'Access control', 'S'],
      ['164.312(a)(2)(i)', 'Unique user identification', 'R'],
      ['164.312(a)(2)(ii)', 'Emergency access procedure', 'R'],
      ['164.312(a)(2)(iii)', 'Automatic logoff', 'A'],
      ['164.312(a)(2)(iv)', 'Encryption and decryption', 'A'],
      ['164.312(b)', 'Audit controls', 'S'],
      ['164.312(c)(1)', 'Integrity', 'S'],
      ['164.312(c)(2)', 'Mechanism to authenticate electronic protected health information', 'A'],
      ['164.312(d)', 'Person or entity authentication', 'S'],
      ['164.312(e)(1)', 'Transmission security', 'S'],
      ['164.312(e)(2)(i)', 'Integrity controls', 'A'],
      ['164.312(e)(2)(ii)', 'Encryption', 'A'],
    ],
  },
  {
    safeguard: 'organizational',
    rows: [
      ['164.314(a)(1)', 'Business associate contracts or other arrangements', 'S'],
      ['164.314(a)(2)', 'Business associate contracts; other arrangements (implementation specifications)', 'R'],
      ['164.314(b)(1)', 'Requirements for group health plans', 'S'],
      ['164.314(b)(2)', 'Group health plan documents (implementation specifications)', 'R'],
    ],
  },
  {
    safeguard: 'documentation',
    rows: [
      ['164.316(a)', 'Policies and procedures', 'S'],
      ['164.316(b)(1)', 'Documentation', 'S'],
      ['164.316(b)(2)(i)', 'Time limit', 'R'],
      ['164.316(b)(2)(ii)', 'Availability', 'R'],
      ['164.316(b)(2)(iii)', 'Updates', 'R'],
    ],
  },
];

/** The standard an implementation specification belongs to: the nearest standard listed before it. */
function build(): SecurityRuleItem[] {
  const items: SecurityRuleItem[] = [];
  for (const { safeguard, rows } of SECTIONS) {
    let standard: string | undefined;
    for (const [ref, title, r] of rows) {
      if (r === 'S') {
        standard = ref;
        items.push({ ref, title, kind: 'standard', requirement: 'required', safeguard });
      } else {
        items.push({ ref, title, kind: 'implementation specification', requirement: r === 'R' ? 'required' : 'addressable', safeguard, ...(standard === undefined ? {} : { standard }) });
      }
    }
  }
  return items;
}

export const HIPAA_SECURITY_RULE: readonly SecurityRuleItem[] = build();

/** Ward's own references (core/hipaa.ts) are all in the rule: a test keeps them so. */
export const WARD_REFS_OUTSIDE_RULE = Object.keys(HIPAA_SAFEGUARDS).filter((ref) => !HIPAA_SECURITY_RULE.some((i) => i.ref === ref));

export interface ThresholdNote {
  setting: string;
  value: string;
  why: string;
}

/** Why each threshold is what it is: shown in the report beside the coverage map. */
export const THRESHOLD_NOTES: readonly ThresholdNote[] = [
  {
    setting: 'minLogRetentionDays (default)',
    value: `${DEFAULT_MIN_LOG_RETENTION_DAYS} days`,
    why: 'The Security Rule sets no retention period for audit logs. One year online is the common baseline for information system activity review (164.308(a)(1)(ii)(D)) and audit controls (164.312(b)): it spans a full review cycle and the annual evaluation (164.308(a)(8)), and lets an incident be traced back past the usual detection delays.',
  },
  {
    setting: 'minLogRetentionDays (profile: hipaa-6y)',
    value: `${HIPAA_6Y_RETENTION_DAYS} days`,
    why: `164.316(b)(2)(i) requires documentation of the security program to be kept six years from its creation or when it was last in effect. Organisations that treat audit logs as such documentation keep them 6 × 365 = ${HIPAA_6Y_RETENTION_DAYS} days; profile hipaa-6y judges retention against that.`,
  },
];

// Accepted risks. A mute matches failing findings by control, account, region, resource pattern
// and tags; it always carries a reason, an owner and an expiry. A muted finding keeps its
// lifecycle with status MUTED; once the mute expires it no longer applies.

import type { Finding, MuteRef, ScanDocument } from './model.js';

export interface MuteRule {
  controls?: string[];
  accounts?: string[];
  regions?: string[];
  /** Patterns over the resource's ARN / full name or its short id; `*` matches any run of characters. */
  resources?: string[];
  /** Every listed tag must be on the resource with this value (`*`: any value). */
  tags?: Record<string, string>;
  reason: string;
  owner: string;
  /** Last day the mute applies (YYYY-MM-DD, UTC, inclusive). */
  expires: string;
  /** Who approved accepting the risk, when not the owner (a security officer, a risk committee). */
  approvedBy?: string;
  /** Where the decision is recorded: a ticket id or URL. */
  ticket?: string;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

const anyOf = (patterns: string[] | undefined, ...values: string[]): boolean =>
  patterns === undefined || patterns.some((p) => values.some((v) => globToRegExp(p).test(v)));

export function muteMatches(rule: MuteRule, finding: Finding): boolean {
  return (
    anyOf(rule.controls, finding.controlId) &&
    anyOf(rule.accounts, finding.account) &&
    anyOf(rule.regions, finding.region) &&
    anyOf(rule.resources, finding.resource.uid, finding.resource.id) &&
    Object.entries(rule.tags ?? {}).every(([key, value]) => {
      const actual = finding.resource.tags[key];
      return actual !== undefined && (value === '*' || actual === value);
    })
  );
}

/** A mute applies through the whole of its expiry day (UTC). */
export function muteExpired(rule: MuteRule, at: Date): boolean {
  return Date.parse(`${rule.expires}T23:59:59.999Z`) < at.getTime();
}

export function muteRefOf(rule: MuteRule, index: number): MuteRef {
  return {
    index,
    reason: rule.reason,
    owner: rule.owner,
    expires: rule.expires,
    ...(rule.approvedBy === undefined ? {} : { approvedBy: rule.approvedBy }),
    ...(rule.ticket === undefined ? {} : { ticket: rule.ticket }),
  };
}

export interface MuteOutcome {
  scan: ScanDocument;
  /** Expired mutes that would still have matched a failing finding. */
  expiredMatches: Array<{ mute: MuteRef; findingId: string }>;
}

/** Marks failing findings matched by an unexpired mute as MUTED; PASS and ERROR are never muted. */
export function applyMutes(scan: ScanDocument, rules: readonly MuteRule[], at: Date): MuteOutcome {
  if (rules.length === 0) return { scan, expiredMatches: [] };
  const expiredMatches: MuteOutcome['expiredMatches'] = [];
  const results = scan.results.map((finding) => {
    if (finding.status !== 'FAIL') return finding;
    let applied: MuteRef | undefined;
    rules.forEach((rule, index) => {
      if (applied !== undefined || !muteMatches(rule, finding)) return;
      if (muteExpired(rule, at)) expiredMatches.push({ mute: muteRefOf(rule, index), findingId: finding.id });
      else applied = muteRefOf(rule, index);
    });
    return applied === undefined ? finding : { ...finding, status: 'MUTED' as const, mute: applied };
  });
  return { scan: { ...scan, results }, expiredMatches };
}

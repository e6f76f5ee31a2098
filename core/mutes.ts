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
  /** Acknowledges that the mute matches every control or every resource (see broadness). */
  broad?: boolean;
  /** Last day the mute applies (YYYY-MM-DD, UTC, inclusive). */
  expires: string;
  /** Who approved accepting the risk, when not the owner (a security officer, a risk committee). */
  approvedBy?: string;
  /** Where the decision is recorded: a ticket id or URL. */
  ticket?: string;
}

/**
 * `*`-only glob matching without a RegExp: the literal pieces between stars must appear in order, the
 * first anchored at the start and the last at the end. Taking each middle piece at its leftmost
 * occurrence is always right for `*` (anything a later occurrence allows, the leftmost allows too),
 * so there is no backtracking: at most one left-to-right pass per piece. A RegExp (`.*`, or the
 * regexes picomatch/minimatch compile to) backtracks exponentially on patterns like `*a*a*a*a*b`.
 */
export function globMatches(pattern: string, text: string): boolean {
  const pieces = pattern.split('*');
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return text === first;
  const last = pieces[pieces.length - 1] ?? '';
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    if (piece === '') continue;
    const found = text.indexOf(piece, at);
    if (found === -1 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

const anyOf = (patterns: string[] | undefined, ...values: string[]): boolean =>
  patterns === undefined || patterns.some((p) => values.some((v) => globMatches(p, v)));

export function muteMatches(rule: MuteRule, finding: Finding): boolean {
  return (
    anyOf(rule.controls, finding.controlId) &&
    anyOf(rule.accounts, finding.account) &&
    anyOf(rule.regions, finding.region) &&
    anyOf(rule.resources, finding.resource.uid, finding.resource.id) &&
    Object.entries(rule.tags ?? {}).every(([key, value]) => {
      // Own properties only: `constructor` or `toString` must not match every untagged resource.
      const actual = Object.hasOwn(finding.resource.tags, key) ? finding.resource.tags[key] : undefined;
      return typeof actual === 'string' && (value === '*' || actual === value);
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
  const { results, expiredMatches } = muteResults(scan.results, rules, at);
  return { scan: results === scan.results ? scan : { ...scan, results }, expiredMatches };
}

/** applyMutes for results on their own (one scope of a scan as it is judged). */
export function muteResults(results: Finding[], rules: readonly MuteRule[], at: Date): { results: Finding[]; expiredMatches: MuteOutcome['expiredMatches'] } {
  if (rules.length === 0) return { results, expiredMatches: [] };
  const expiredMatches: MuteOutcome['expiredMatches'] = [];
  const muted = results.map((finding) => {
    if (finding.status !== 'FAIL') return finding;
    let applied: MuteRef | undefined;
    rules.forEach((rule, index) => {
      if (applied !== undefined || !muteMatches(rule, finding)) return;
      if (muteExpired(rule, at)) expiredMatches.push({ mute: muteRefOf(rule, index), findingId: finding.id });
      else applied = muteRefOf(rule, index);
    });
    return applied === undefined ? finding : { ...finding, status: 'MUTED' as const, mute: applied };
  });
  return { results: muted, expiredMatches };
}

/** Limits on accepted risks (`muteLimits` in the configuration). */
export interface MuteLimits {
  /** A mute may expire at most this many days after the day the configuration is loaded. */
  maxDays: number;
  /** Say so loudly when mutes hide more than this share (0–1) of the failing findings. */
  warnShare: number;
}

export const DEFAULT_MUTE_LIMITS: MuteLimits = { maxDays: 365, warnShare: 0.25 };

const allStars = (pattern: string): boolean => /^\*+$/.test(pattern);

/** What a mute matches without any restriction ("every control", "every resource"): such a mute must say `broad: true`. */
export function broadness(rule: MuteRule): string[] {
  const out: string[] = [];
  if (rule.controls === undefined || rule.controls.some(allStars)) out.push('every control');
  const resourceFree = rule.resources === undefined || rule.resources.some(allStars);
  if (resourceFree && rule.tags === undefined) out.push('every resource');
  return out;
}

/** The last allowed expiry day (YYYY-MM-DD) for a mute written on `today`. */
export function latestExpiry(today: Date, limits: Pick<MuteLimits, 'maxDays'>): string {
  const day = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return new Date(day + limits.maxDays * 86_400_000).toISOString().slice(0, 10);
}

export interface MutedShare {
  muted: number;
  /** Failing findings, muted ones included. */
  failing: number;
}

export function mutedShare(results: ReadonlyArray<Pick<Finding, 'status'>>): MutedShare {
  let muted = 0;
  let failing = 0;
  for (const f of results) {
    if (f.status === 'MUTED') muted += 1;
    if (f.status === 'MUTED' || f.status === 'FAIL') failing += 1;
  }
  return { muted, failing };
}

/** The loud line shown when mutes hide more than `warnShare` of the failing findings; undefined otherwise. */
export function muteShareWarning(share: MutedShare, warnShare: number): string | undefined {
  if (share.failing === 0 || share.muted / share.failing <= warnShare) return undefined;
  const percent = Math.round((share.muted / share.failing) * 100);
  return `WARNING: accepted risks (mutes) hide ${share.muted} of ${share.failing} failing findings (${percent}%, above the ${Math.round(warnShare * 100)}% limit set by muteLimits.warnShare). Review the mutes in the configuration.`;
}

// Renders one run's alerts as one Slack message (Block Kit), written for a phone (390 px wide).
//
// Failures that need someone (new, reopened, unmuted) are grouped by control under a title that
// says the failure ("5 security groups admit SSH from the internet"), worst groups first, each with
// its worst few resources and "…and N more"; resolved findings follow in one quiet line per control;
// targets that never reported are named; the week's report is linked. Everything that comes from a
// cloud account (resource names, account names, ids) is shown literally: resource names in code
// spans, other text escaped for mrkdwn, and every mrkdwn object is `verbatim`, so nothing in a
// finding can ping a channel, mention a user, add a link or turn italic. Slack's limits (50 blocks,
// 3000 characters a section, 150 a header) are kept by construction.

import { displaySafe } from '../core/display-text.js';
import { SEVERITIES, severityRank, type Finding, type Severity } from '../core/model.js';
import { failureTitle } from './failure-titles.js';
import type { AlertBatch, AlertItem, AlertKind } from './types.js';

// ---------------------------------------------------------------------------------------------
// Block Kit types (the subset Ward uses)

export interface SlackPlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface SlackMrkdwnText {
  type: 'mrkdwn';
  text: string;
  /** true: Slack does not auto-link URLs, channel names or @mentions in the text. */
  verbatim?: boolean;
}

export type SlackTextObject = SlackPlainText | SlackMrkdwnText;

export interface SlackHeaderBlock {
  type: 'header';
  /** At most 150 characters. */
  text: SlackPlainText;
}

export interface SlackSectionBlock {
  type: 'section';
  /** At most 3000 characters. */
  text: SlackMrkdwnText;
  /** At most 10, each at most 2000 characters. */
  fields?: SlackMrkdwnText[];
}

export interface SlackContextBlock {
  type: 'context';
  /** At most 10 elements. */
  elements: SlackTextObject[];
}

export interface SlackDividerBlock {
  type: 'divider';
}

export type SlackBlock = SlackHeaderBlock | SlackSectionBlock | SlackContextBlock | SlackDividerBlock;

export interface SlackMessage {
  /** Plain-text fallback, shown in notifications and by clients that cannot render blocks. */
  text: string;
  blocks: SlackBlock[];
}

export interface RenderOptions {
  /** How many control groups of failures to show before "…and N more" (default 16). */
  maxItems?: number;
  /** How many resources each group lists before "…and N more" (default 3). */
  perGroup?: number;
}

// ---------------------------------------------------------------------------------------------
// Slack's limits

export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
} as const;

export const DEFAULT_MAX_ITEMS = 16;
export const DEFAULT_PER_GROUP = 3;

/** Per-value caps inside one finding's section, in escaped characters. */
const CAP = {
  title: 200,
  account: 60,
  region: 40,
  resourceName: 80,
  url: 1000,
  target: 120,
} as const;

// ---------------------------------------------------------------------------------------------
// Escaping and safe truncation

/**
 * Escapes text for Slack mrkdwn: &, < and > are its control characters; control characters of the
 * text itself (a newline that would forge a line, ESC) are shown as escapes (displaySafe).
 */
export function escapeMrkdwn(text: string): string {
  return displaySafe(text).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

const ELLIPSIS = '…';

function escapeChar(c: string): string {
  return c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c;
}

/**
 * Escapes `raw` and shortens it so that the result has at most `max` characters, ending in "…" when
 * shortened. Cuts between code points of the raw text, so neither an escape sequence nor a surrogate
 * pair is ever split.
 */
export function escapeAndTruncate(raw: string, max: number): string {
  const full = escapeMrkdwn(raw);
  if (full.length <= max) return full;
  if (max < ELLIPSIS.length) return '';
  const limit = max - ELLIPSIS.length;
  let out = '';
  for (const c of displaySafe(raw)) {
    const piece = escapeChar(c);
    if (out.length + piece.length > limit) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

/** Shortens plain text (no escapes) to at most `max` UTF-16 units without splitting a code point. */
function truncatePlain(unsafe: string, max: number): string {
  const text = displaySafe(unsafe);
  if (text.length <= max) return text;
  const limit = max - ELLIPSIS.length;
  let out = '';
  for (const c of text) {
    if (out.length + c.length > limit) break;
    out += c;
  }
  return out + ELLIPSIS;
}

/**
 * Last line of defence for composed mrkdwn: drops whole lines from the end until the text fits, so
 * a link or an escape sequence is never cut. Composed texts are budgeted to fit already.
 */
function fitLines(text: string, max: number): string {
  if (text.length <= max) return text;
  const lines = text.split('\n');
  while (lines.length > 1 && lines.join('\n').length + 2 > max) lines.pop();
  const kept = lines.join('\n');
  return kept.length + 2 <= max ? `${kept}\n${ELLIPSIS}` : ELLIPSIS;
}

/** Code spans cannot escape a backtick; show a look-alike so the span stays closed. */
function code(raw: string, max: number): string {
  return `\`${escapeAndTruncate(raw.replace(/`/g, 'ˋ'), max)}\``;
}

/**
 * A link in Slack syntax, or undefined when the URL is not an http(s) URL. The URL is normalised by
 * the WHATWG parser (which percent-encodes spaces, `<`, `>`, `|` is encoded below) and escaped.
 */
function slackLink(rawUrl: string, label: string): string | undefined {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const href = escapeMrkdwn(url.href.replace(/\|/g, '%7C'));
  if (href.length > CAP.url) return undefined;
  return `<${href}|${escapeMrkdwn(label)}>`;
}

// ---------------------------------------------------------------------------------------------
// Block constructors that enforce the limits

function mrkdwn(text: string, max: number): SlackMrkdwnText {
  return { type: 'mrkdwn', text: fitLines(text, max), verbatim: true };
}

function header(text: string): SlackHeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncatePlain(text, SLACK_LIMITS.headerText), emoji: true } };
}

function section(text: string, fields?: string[]): SlackSectionBlock {
  const block: SlackSectionBlock = { type: 'section', text: mrkdwn(text, SLACK_LIMITS.sectionText) };
  if (fields !== undefined && fields.length > 0) {
    block.fields = fields.slice(0, SLACK_LIMITS.sectionFields).map((f) => mrkdwn(f, SLACK_LIMITS.fieldText));
  }
  return block;
}

function context(text: string): SlackContextBlock {
  return { type: 'context', elements: [mrkdwn(text, SLACK_LIMITS.contextText)] };
}


// ---------------------------------------------------------------------------------------------
// Content

const FAILING_KINDS: readonly AlertKind[] = ['new', 'reopened', 'unmuted'];

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

const KIND_NOTE: Record<AlertKind, string> = {
  new: '',
  reopened: ' _(reopened)_',
  unmuted: ' _(mute ended)_',
  resolved: '',
};

/** Most severe first, then new before reopened before unmuted, then a stable order by place. */
function compareItems(a: AlertItem, b: AlertItem): number {
  const fa = a.finding;
  const fb = b.finding;
  return (
    severityRank(fb.severity) - severityRank(fa.severity) ||
    FAILING_KINDS.indexOf(a.kind) - FAILING_KINDS.indexOf(b.kind) ||
    cmp(fa.controlId, fb.controlId) ||
    cmp(fa.provider, fb.provider) ||
    cmp(fa.account, fb.account) ||
    cmp(fa.region, fb.region) ||
    cmp(fa.resource.uid, fb.resource.uid)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The same finding announced twice in one batch (e.g. carried over from a failed delivery) is said once. */
function dedupe(items: AlertItem[]): AlertItem[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.kind}\n${item.finding.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Text from a cloud account shown outside a code span: escaped, and with a zero-width space after
 * each of * _ ~ ` so Slack never pairs them into bold, italic, strike or code (`_alice_` stays as is).
 */
export function literal(raw: string, max: number): string {
  return escapeAndTruncate(raw, max).replace(/[*_~`]/g, (c) => `${c}\u200b`);
}

function resourceName(f: Finding): string {
  return f.resource.name !== undefined && f.resource.name !== '' ? f.resource.name : f.resource.id;
}

/** "Payments (123456789012)", or the id alone when the account has no name. */
function accountLabel(account: string, names: Readonly<Record<string, string>> | undefined): string {
  const name = names?.[account];
  const id = escapeAndTruncate(account, CAP.account);
  return name === undefined || name === '' || name === account ? id : `${literal(name, CAP.account)} (${id})`;
}

interface ControlGroup {
  controlId: string;
  items: AlertItem[];
  worst: AlertItem;
}

function groupByControl(items: AlertItem[]): ControlGroup[] {
  const groups = new Map<string, AlertItem[]>();
  for (const item of items) {
    const list = groups.get(item.finding.controlId) ?? [];
    list.push(item);
    groups.set(item.finding.controlId, list);
  }
  return [...groups.entries()]
    .map(([controlId, list]) => {
      const sorted = list.sort(compareItems);
      return { controlId, items: sorted, worst: sorted[0] as AlertItem };
    })
    .sort((a, b) => compareItems(a.worst, b.worst) || b.items.length - a.items.length);
}

function resourceLine(item: AlertItem): string {
  const f = item.finding;
  const region = f.region === 'global' || f.region === '' ? '' : ` · ${escapeAndTruncate(f.region, CAP.region)}`;
  return `• ${code(resourceName(f), CAP.resourceName)}${region}${KIND_NOTE[item.kind]}`;
}

/** The shown resources under their account, each account said once. */
function groupSection(group: ControlGroup, perGroup: number, names: AlertBatch['accountNames']): string {
  const f = group.worst.finding;
  const accounts = new Set(group.items.map((i) => `${i.finding.provider}:${i.finding.account}`)).size;
  const title = failureTitle(group.controlId, group.items.length, f.title, accounts);
  const lines = [`${SEVERITY_EMOJI[f.severity]} *${escapeAndTruncate(title, CAP.title)}*`];
  const shown = group.items.slice(0, perGroup);
  const byAccount = new Map<string, AlertItem[]>();
  for (const item of shown) {
    const list = byAccount.get(item.finding.account) ?? [];
    list.push(item);
    byAccount.set(item.finding.account, list);
  }
  for (const [account, items] of byAccount) {
    lines.push(accountLabel(account, names));
    for (const item of items) lines.push(resourceLine(item));
  }
  const more = group.items.length - shown.length;
  if (more > 0) lines.push(`…and ${more} more`);
  return lines.join('\n');
}

function resolvedLine(group: ControlGroup): string {
  const f = group.worst.finding;
  const first = group.items.slice(0, 2).map((i) => code(resourceName(i.finding), 40));
  const more = group.items.length - first.length;
  return `:white_check_mark: ${plural(group.items.length, 'fixed', 'fixed')}: ${escapeAndTruncate(f.title, CAP.title)} — ${first.join(', ')}${more > 0 ? ` +${more}` : ''}`;
}

function missingLine(targets: readonly string[], names: AlertBatch['accountNames']): string {
  const shown = targets.slice(0, 10).map((t) => {
    const at = t.indexOf(':');
    return `${escapeAndTruncate(t.slice(0, at), 10)} ${accountLabel(t.slice(at + 1), names)}`;
  });
  const more = targets.length - shown.length;
  return `:warning: *${plural(targets.length, 'target', 'targets')} did not report*, so ${targets.length === 1 ? 'its' : 'their'} changes are not in this message: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`;
}

/** "3 new findings", "2 new, 1 reopened findings", "1 finding back from a mute" … */
function failureSummary(failures: AlertItem[]): string {
  const byKind = FAILING_KINDS.map((kind) => ({ kind, n: failures.filter((i) => i.kind === kind).length })).filter((k) => k.n > 0);
  const noun = failures.length === 1 ? 'finding' : 'findings';
  return `${byKind.map((k) => `${k.n} ${k.kind}`).join(', ')} ${noun}`;
}

function summaryParts(failures: AlertItem[], resolved: AlertItem[], missing: number): string[] {
  const parts: string[] = [];
  if (failures.length > 0) parts.push(failureSummary(failures));
  if (resolved.length > 0) parts.push(failures.length > 0 ? `${resolved.length} resolved` : `${plural(resolved.length, 'finding', 'findings')} resolved`);
  if (missing > 0) parts.push(`${plural(missing, 'target', 'targets')} missing`);
  return parts;
}

function severityCounts(items: AlertItem[]): { severity: Severity; count: number }[] {
  const counts = new Map<Severity, number>();
  for (const item of items) counts.set(item.finding.severity, (counts.get(item.finding.severity) ?? 0) + 1);
  return [...SEVERITIES].reverse().flatMap((severity) => {
    const count = counts.get(severity) ?? 0;
    return count > 0 ? [{ severity, count }] : [];
  });
}

function reportPointer(batch: AlertBatch): string | undefined {
  const link = batch.reportLink;
  if (link === undefined || link === '') return undefined;
  const asLink = slackLink(link, "This week's report");
  return asLink !== undefined ? `:page_facing_up: ${asLink}` : `:page_facing_up: This week's report: ${code(link, CAP.url)}`;
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Whether a batch warrants a message at all: nothing changed and nothing is missing → no message. */
export function hasAnythingToSay(batch: AlertBatch): boolean {
  return batch.items.length > 0 || (batch.missingTargets ?? []).length > 0;
}

function count(value: number | undefined, fallback: number, min: number): number {
  return value !== undefined && Number.isFinite(value) ? Math.max(min, Math.floor(value)) : fallback;
}

/**
 * One Slack message for one run, or `undefined` when there is nothing to say. The result always
 * respects Slack's block and text limits.
 */
export function renderSlackMessage(batch: AlertBatch, options: RenderOptions = {}): SlackMessage | undefined {
  if (!hasAnythingToSay(batch)) return undefined;
  const maxGroups = count(options.maxItems, DEFAULT_MAX_ITEMS, 0);
  const perGroup = count(options.perGroup, DEFAULT_PER_GROUP, 0);
  const names = batch.accountNames;
  const missing = batch.missingTargets ?? [];

  const items = dedupe(batch.items);
  const failures = items.filter((i) => i.kind !== 'resolved').sort(compareItems);
  const resolved = items.filter((i) => i.kind === 'resolved').sort(compareItems);
  const parts = summaryParts(failures, resolved, missing.length);

  const blocks: SlackBlock[] = [header(`${failures.length > 0 ? ':rotating_light:' : missing.length > 0 ? ':warning:' : ':white_check_mark:'} Ward: ${parts.join(', ')}`)];
  if (failures.length > 0) {
    const accounts = new Set(failures.map((i) => `${i.finding.provider}:${i.finding.account}`)).size;
    const severities = severityCounts(failures).map((c) => `${c.count} ${c.severity}`).join(' · ');
    blocks.push(context(`${severities} · ${plural(accounts, 'account', 'accounts')}`));
  }
  if (missing.length > 0) blocks.push(section(missingLine(missing, names)));

  // Blocks kept back: resolved (1), report link (1).
  const reserve = (resolved.length > 0 ? 1 : 0) + 1;
  if (failures.length > 0) {
    const groups = groupByControl(failures);
    const room = Math.max(0, SLACK_LIMITS.blocks - blocks.length - reserve - 1);
    const shown = groups.slice(0, Math.min(maxGroups, room));
    for (const group of shown) blocks.push(section(groupSection(group, perGroup, names)));
    const hidden = groups.slice(shown.length);
    if (hidden.length > 0) {
      const findings = hidden.reduce((n, g) => n + g.items.length, 0);
      blocks.push(section(`…and ${plural(findings, 'more finding', 'more findings')} under ${plural(hidden.length, 'more control', 'more controls')}.`));
    }
  }
  if (resolved.length > 0) blocks.push(context(groupByControl(resolved).map(resolvedLine).join('\n')));
  const pointer = reportPointer(batch);
  if (pointer !== undefined) blocks.push(context(pointer));

  const severities = severityCounts(failures).map((c) => `${c.count} ${c.severity}`).join(', ');
  const text = failures.length > 0 ? [`${parts[0] ?? ''} (${severities})`, ...parts.slice(1)] : parts;
  return { text: `Ward: ${text.join(', ')}`, blocks };
}

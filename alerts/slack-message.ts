// Renders one scan batch of alerts as one Slack message (Block Kit), readable on a phone.
//
// Failures that need someone (new, reopened, unmuted) come first, most severe first; resolved
// findings follow in a quiet context section. Everything that comes from a cloud account or from a
// check (names, ids, messages, URLs) is escaped for mrkdwn, and every mrkdwn object is `verbatim`,
// so nothing in a finding can ping a channel, mention a user or add a link. Slack's limits (50
// blocks, 3000 characters a section, 150 a header, 10 fields of 2000) are kept by construction;
// whatever does not fit is counted into the "…and N more" line.

import { displaySafe } from '../core/display-text.js';
import { SEVERITIES, severityRank, type Finding, type Severity } from '../core/model.js';
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
  /** How many failing findings to list in full before "…and N more" (default 20). */
  maxItems?: number;
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

export const DEFAULT_MAX_ITEMS = 20;

/** Total mrkdwn characters spent on listed failures; keeps the whole payload well under Slack's size limits. */
const FAILURE_TEXT_BUDGET = 30_000;

/** Per-value caps inside one finding's section, in escaped characters. */
const CAP = {
  title: 200,
  controlId: 100,
  account: 100,
  region: 60,
  resourceName: 150,
  resourceUid: 400,
  message: 1200,
  url: 1000,
  firstSeen: 40,
  resolvedTitle: 100,
  resolvedResource: 80,
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

const DIVIDER: SlackDividerBlock = { type: 'divider' };

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

const KIND_LABEL: Record<AlertKind, string> = {
  new: 'New',
  reopened: 'Reopened',
  unmuted: 'Mute ended',
  resolved: 'Resolved',
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

/** `2024-05-01` from an ISO timestamp; anything unparseable is shown as given (escaped). */
function day(firstSeen: string): string {
  if (/^\d{4}-\d{2}-\d{2}/.test(firstSeen)) return firstSeen.slice(0, 10);
  const t = Date.parse(firstSeen);
  return Number.isNaN(t) ? escapeAndTruncate(firstSeen, CAP.firstSeen) : new Date(t).toISOString().slice(0, 10);
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

function failureSection(item: AlertItem): string {
  const f: Finding = item.finding;
  const name = f.resource.name !== undefined && f.resource.name !== '' ? f.resource.name : f.resource.id;
  const link = slackLink(f.remediation.url, 'Remediation');
  const head = [
    `${SEVERITY_EMOJI[f.severity]} *${f.severity.toUpperCase()}* · ${KIND_LABEL[item.kind]}`,
    `*${escapeAndTruncate(f.title, CAP.title)}*`,
    code(f.controlId, CAP.controlId),
    `${escapeAndTruncate(f.provider, 10)} ${code(f.account, CAP.account)} · ${code(f.region, CAP.region)}`,
    `Resource: *${escapeAndTruncate(name, CAP.resourceName)}*`,
    code(f.resource.uid, CAP.resourceUid),
  ].join('\n');
  const tail = `First seen ${day(item.firstSeen)}${link === undefined ? '' : ` · ${link}`}`;
  // The message is the flexible part: it gets whatever the fixed lines leave of the section limit.
  const room = Math.min(CAP.message, SLACK_LIMITS.sectionText - head.length - tail.length - 2);
  return `${head}\n${escapeAndTruncate(f.message, Math.max(room, 0))}\n${tail}`;
}

function resolvedLine(item: AlertItem): string {
  const f = item.finding;
  const name = f.resource.name !== undefined && f.resource.name !== '' ? f.resource.name : f.resource.id;
  return (
    `:white_check_mark: ${escapeAndTruncate(f.title, CAP.resolvedTitle)} · ` +
    `${escapeAndTruncate(name, CAP.resolvedResource)} · ${escapeAndTruncate(f.account, 40)} ${escapeAndTruncate(f.region, 30)}`
  );
}

/** Severities present among the items, most severe first, with their counts. */
function severityCounts(items: AlertItem[]): { severity: Severity; count: number }[] {
  const counts = new Map<Severity, number>();
  for (const item of items) counts.set(item.finding.severity, (counts.get(item.finding.severity) ?? 0) + 1);
  return [...SEVERITIES].reverse().flatMap((severity) => {
    const count = counts.get(severity) ?? 0;
    return count > 0 ? [{ severity, count }] : [];
  });
}

/** "3 new findings", "2 new, 1 reopened findings", "1 finding back from a mute" … */
function failureSummary(failures: AlertItem[]): string {
  const byKind = FAILING_KINDS.map((kind) => ({ kind, n: failures.filter((i) => i.kind === kind).length })).filter(
    (k) => k.n > 0,
  );
  const noun = failures.length === 1 ? 'finding' : 'findings';
  return `${byKind.map((k) => `${k.n} ${k.kind}`).join(', ')} ${noun}`;
}

function summaryText(failures: AlertItem[], resolved: AlertItem[]): string {
  const parts: string[] = [];
  if (failures.length > 0) parts.push(`${failureSummary(failures)} (${severityCounts(failures).map((c) => `${c.count} ${c.severity}`).join(', ')})`);
  if (resolved.length > 0) parts.push(failures.length > 0 ? `${resolved.length} resolved` : `${plural(resolved.length, 'finding', 'findings')} resolved`);
  return `Ward: ${parts.join(', ')}`;
}

function headerText(failures: AlertItem[], resolved: AlertItem[]): string {
  const parts: string[] = [];
  if (failures.length > 0) parts.push(failureSummary(failures));
  if (resolved.length > 0) parts.push(failures.length > 0 ? `${resolved.length} resolved` : `${plural(resolved.length, 'finding', 'findings')} resolved`);
  return `${failures.length > 0 ? ':rotating_light: ' : ':white_check_mark: '}Ward: ${parts.join(', ')}`;
}

function reportPointer(batch: AlertBatch): string {
  const link = batch.reportLink;
  if (link !== undefined && link !== '') {
    const asLink = slackLink(link, 'full report');
    return asLink !== undefined ? `See the ${asLink}.` : `See the report: ${code(link, CAP.url)}`;
  }
  return 'Run `ward findings --status new` to see them all.';
}

function contextLine(batch: AlertBatch, failures: AlertItem[]): string {
  const parts: string[] = [];
  if (failures.length > 0) {
    parts.push(severityCounts(failures).map((c) => `${SEVERITY_EMOJI[c.severity]} ${c.count} ${c.severity}`).join('  '));
  }
  const scans = batch.scanIds;
  if (scans.length === 1 && scans[0] !== undefined) parts.push(`Scan ${code(scans[0], 100)}`);
  else if (scans.length > 1) {
    const shown = scans.slice(0, 3).map((s) => code(s, 100)).join(', ');
    parts.push(`Scans ${shown}${scans.length > 3 ? ` and ${scans.length - 3} more` : ''}`);
  }
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Whether a batch warrants a message at all: an empty batch is not announced. */
export function hasAnythingToSay(batch: AlertBatch): boolean {
  return batch.items.length > 0;
}

/**
 * One Slack message for one batch, or `undefined` when the batch has no items (nothing is sent
 * for a scan that changed nothing). The result always respects Slack's block and text limits.
 */
export function renderSlackMessage(batch: AlertBatch, options: RenderOptions = {}): SlackMessage | undefined {
  if (!hasAnythingToSay(batch)) return undefined;
  const maxItems =
    options.maxItems !== undefined && Number.isFinite(options.maxItems) ? Math.max(0, Math.floor(options.maxItems)) : DEFAULT_MAX_ITEMS;

  const items = dedupe(batch.items);
  const failures = items.filter((i) => i.kind !== 'resolved').sort(compareItems);
  const resolved = items.filter((i) => i.kind === 'resolved').sort(compareItems);

  const blocks: SlackBlock[] = [header(headerText(failures, resolved))];
  const ctx = contextLine(batch, failures);
  if (ctx !== '') blocks.push(context(ctx));

  // Blocks kept back for the resolved section: a divider and at least one context block.
  const resolvedReserve = resolved.length > 0 ? 2 : 0;

  if (failures.length > 0) {
    blocks.push(DIVIDER);
    // Room for failure sections, keeping one block for "…and N more" in case it is needed.
    const room = SLACK_LIMITS.blocks - blocks.length - resolvedReserve;
    const fitsAll = failures.length <= Math.min(maxItems, room);
    const limit = fitsAll ? failures.length : Math.max(0, Math.min(maxItems, room - 1));
    let spent = 0;
    let shown = 0;
    for (const item of failures.slice(0, limit)) {
      const text = failureSection(item);
      if (spent + text.length > FAILURE_TEXT_BUDGET) break;
      spent += text.length;
      blocks.push(section(text));
      shown += 1;
    }
    const more = failures.length - shown;
    if (more > 0) blocks.push(section(`…and ${plural(more, 'more finding', 'more findings')}. ${reportPointer(batch)}`));
  }

  if (resolved.length > 0) {
    blocks.push(DIVIDER);
    const available = SLACK_LIMITS.blocks - blocks.length;
    const lines = resolved.slice(0, maxItems).map(resolvedLine);
    // Pack lines into context blocks of at most 3000 characters, each keeping room for the "…and N more" tail.
    const cap = SLACK_LIMITS.contextText - 40;
    const chunks: string[][] = [[`*Resolved (${resolved.length})*`]];
    let listed = 0;
    for (const line of lines) {
      const current = chunks[chunks.length - 1] ?? [];
      if ([...current, line].join('\n').length <= cap) current.push(line);
      else if (chunks.length < available) chunks.push([line]);
      else break;
      listed += 1;
    }
    const more = resolved.length - listed;
    if (more > 0) chunks[chunks.length - 1]?.push(`…and ${more} more resolved.`);
    for (const chunk of chunks) blocks.push(context(chunk.join('\n')));
  }

  return { text: summaryText(failures, resolved), blocks };
}

// How tall a Block Kit message is on a phone 390 px wide — a model, good enough to bound a message.
//
// Slack's iOS/Android message view at 390 px leaves about 318 px for text (16 px screen margins,
// a 36 px avatar and its 8 px gap on the left, 16 px on the right). Measured against Slack's
// fonts (Lato/system 15 px body, 13 px context, 18 px bold header), that is about 42 body
// characters, 48 context characters and 30 header characters per line. Lines wrap by character
// count (no word wrap, which only makes the model a little optimistic), an emoji shortcode counts
// as 2 characters, markup (`*`, `` ` ``, `_`, link targets) takes no room. Line heights: body 22 px,
// context 18 px, header 26 px; each block adds 8 px of spacing, a divider 17 px. One phone screen
// (844 px tall, minus status bar, channel header and composer) shows about 700 px of messages.

import type { SlackBlock, SlackMessage } from './slack-message.js';

export const PHONE_SCREEN_PX = 700;

const KINDS = {
  body: { chars: 42, line: 22 },
  context: { chars: 48, line: 18 },
  header: { chars: 30, line: 26 },
} as const;
const BLOCK_GAP = 8;
const DIVIDER = 17;

/** The text as Slack shows it: link labels, entities decoded, markup and shortcodes sized. */
export function visibleText(mrkdwn: string): string {
  return mrkdwn
    .replace(/<[^|<>]+\|([^<>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\u200b/g, '')
    .replace(/:[a-z0-9_+-]+:/g, 'EE')
    .replace(/[*`]/g, '')
    .replace(/(^|\s)_([^_\n]+)_(?=\s|$)/g, '$1$2');
}

function linesOf(text: string, charsPerLine: number): number {
  return visibleText(text)
    .split('\n')
    .reduce((n, line) => n + Math.max(1, Math.ceil([...line].length / charsPerLine)), 0);
}

export function blockHeight(block: SlackBlock): number {
  switch (block.type) {
    case 'header':
      return BLOCK_GAP + linesOf(block.text.text, KINDS.header.chars) * KINDS.header.line;
    case 'section':
      return BLOCK_GAP + linesOf(block.text.text, KINDS.body.chars) * KINDS.body.line;
    case 'context':
      return BLOCK_GAP + block.elements.reduce((h, e) => h + linesOf(e.text, KINDS.context.chars) * KINDS.context.line, 0);
    case 'divider':
      return DIVIDER;
  }
}

/** Height in px of the message at 390 px wide, by the model above. */
export function phoneHeight(message: SlackMessage): number {
  return message.blocks.reduce((h, b) => h + blockHeight(b), 0);
}

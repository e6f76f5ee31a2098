// The Monday message: this week's evidence is ready, with a time-limited download link.

import { escapeMrkdwn, type SlackMessage } from './slack-message.js';

export interface WeeklySummary {
  organization: string;
  week: string;
  pages: number;
  findings: number;
  /** A pre-signed URL (or a path with the local store). */
  link: string;
  linkExpiresInDays: number;
}

export function renderWeeklySummary(summary: WeeklySummary): SlackMessage {
  const isUrl = /^https?:\/\//.test(summary.link);
  const download = isUrl
    ? `<${summary.link.replace(/&/g, '&amp;').replace(/\|/g, '%7C')}|Download the evidence bundle> (link valid ${summary.linkExpiresInDays} day(s))`
    : `Evidence bundle: \`${escapeMrkdwn(summary.link)}\``;
  return {
    text: `Ward: evidence for ${summary.week} is ready`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `Ward weekly evidence — ${summary.week}`.slice(0, 150) } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          verbatim: true,
          text: `${escapeMrkdwn(summary.organization)}: HIPAA report (${summary.pages} pages) with ${summary.findings} findings, signed and chained to last week's bundle.\n${download}`,
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', verbatim: true, text: 'Verify offline: `ward evidence verify <bundle.zip> --previous <last-week.zip>`' }] },
    ],
  };
}

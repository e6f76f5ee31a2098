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
  /** verify.html beside the bundles (bundles/verify.html), linked the same way as the bundle. */
  verifyLink?: string;
}

/** A pre-signed URL as a Slack link, or a local path as code. */
function linkOrPath(link: string, label: string, pathLabel: string, expiresInDays: number): string {
  return /^https?:\/\//.test(link)
    ? `<${link.replace(/&/g, '&amp;').replace(/\|/g, '%7C')}|${label}> (link valid ${expiresInDays} day(s))`
    : `${pathLabel}: \`${escapeMrkdwn(link)}\``;
}

export function renderWeeklySummary(summary: WeeklySummary): SlackMessage {
  const download = linkOrPath(summary.link, 'Download the evidence bundle', 'Evidence bundle', summary.linkExpiresInDays);
  const verify = summary.verifyLink === undefined ? '' : `\n${linkOrPath(summary.verifyLink, 'Verify it in your browser (verify.html: drop the zip on the page; nothing is uploaded)', 'Verify it in your browser', summary.linkExpiresInDays)}`;
  return {
    text: `Ward: evidence for ${summary.week} is ready`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `Ward weekly evidence — ${summary.week}`.slice(0, 150) } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          verbatim: true,
          text: `${escapeMrkdwn(summary.organization)}: HIPAA report (${summary.pages} pages) with ${summary.findings} findings, signed and chained to last week's bundle.\n${download}${verify}`,
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', verbatim: true, text: 'Verify offline: `ward evidence verify <bundle.zip> --previous <last-week.zip>`' }] },
    ],
  };
}

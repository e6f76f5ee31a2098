// The Monday message links the bundle and, beside it, verify.html (bundles/verify.html), so an auditor
// can check the bundle in the browser straight from Slack.

import { describe, expect, it } from 'vitest';
import { renderWeeklySummary } from './weekly-summary.js';

const base = { organization: 'Acme Health', week: '2026-W47', pages: 12, findings: 340, linkExpiresInDays: 7 };
const sectionText = (message: ReturnType<typeof renderWeeklySummary>): string => {
  const section = message.blocks?.find((b) => b.type === 'section') as { text: { text: string } } | undefined;
  return section?.text.text ?? '';
};

describe('the weekly summary message', () => {
  it('gives the pre-signed verify.html link beside the bundle link', () => {
    const text = sectionText(
      renderWeeklySummary({
        ...base,
        link: 'https://b.s3.amazonaws.com/bundles/2026-W47.zip?X-Amz-Signature=ab&X-Amz-Expires=604800',
        verifyLink: 'https://b.s3.amazonaws.com/bundles/verify.html?X-Amz-Signature=cd&X-Amz-Expires=604800',
      }),
    );
    expect(text).toContain('<https://b.s3.amazonaws.com/bundles/2026-W47.zip?X-Amz-Signature=ab&amp;X-Amz-Expires=604800|Download the evidence bundle> (link valid 7 day(s))');
    expect(text).toContain('<https://b.s3.amazonaws.com/bundles/verify.html?X-Amz-Signature=cd&amp;X-Amz-Expires=604800|Verify it in your browser');
  });

  it('names local paths for a local store, and leaves the verify line out when there is no page', () => {
    expect(sectionText(renderWeeklySummary({ ...base, link: '/data/bundles/2026-W47.zip', verifyLink: '/data/bundles/verify.html' }))).toContain('Verify it in your browser: `/data/bundles/verify.html`');
    expect(sectionText(renderWeeklySummary({ ...base, link: '/data/bundles/2026-W47.zip' }))).not.toContain('verify');
  });
});

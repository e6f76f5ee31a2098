import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../core/model.js';
import {
  escapeAndTruncate,
  escapeMrkdwn,
  hasAnythingToSay,
  renderSlackMessage,
  SLACK_LIMITS,
  type SlackBlock,
  type SlackMessage,
} from './slack-message.js';
import type { AlertBatch, AlertItem, AlertKind } from './types.js';

let counter = 0;

function finding(overrides: Partial<Finding> = {}): Finding {
  counter += 1;
  const id = `sg-${String(counter).padStart(4, '0')}`;
  return {
    id: `f${counter}`,
    controlId: 'aws-ssh-not-open',
    area: 'ssh',
    provider: 'aws',
    account: '123456789012',
    region: 'us-east-1',
    scope: 'us-east-1',
    resource: { id, uid: `arn:aws:ec2:us-east-1:123456789012:security-group/${id}`, type: 'AWS::EC2::SecurityGroup', name: `web-${counter}`, tags: {} },
    status: 'FAIL',
    severity: 'high',
    title: 'No security group admits SSH from the whole internet',
    message: `Security group ${id} admits 0.0.0.0/0 on TCP 22.`,
    remediation: { text: 'Remove the rule.', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html' },
    hipaa: ['164.312(e)(1)'],
    evidence: [],
    ...overrides,
  };
}

function item(kind: AlertKind, overrides: Partial<Finding> = {}, firstSeen = '2024-05-01T08:30:00.000Z'): AlertItem {
  return { kind, finding: finding(overrides), firstSeen };
}

function batch(items: AlertItem[], reportLink?: string): AlertBatch {
  return { scanIds: ['20240501T083000Z-abcd1234'], items, ...(reportLink === undefined ? {} : { reportLink }) };
}

function render(b: AlertBatch, maxItems?: number): SlackMessage {
  const message = renderSlackMessage(b, maxItems === undefined ? {} : { maxItems });
  if (message === undefined) throw new Error('expected a message');
  return message;
}

function texts(block: SlackBlock): string[] {
  switch (block.type) {
    case 'header':
      return [block.text.text];
    case 'section':
      return [block.text.text, ...(block.fields ?? []).map((f) => f.text)];
    case 'context':
      return block.elements.map((e) => e.text);
    case 'divider':
      return [];
  }
}

function allText(message: SlackMessage): string {
  return message.blocks.flatMap(texts).join('\n');
}

function sections(message: SlackMessage): string[] {
  return message.blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : []));
}

/** Every limit Slack enforces on what Ward sends; an empty list means Slack accepts the message. */
function limitViolations(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (message.blocks.length > SLACK_LIMITS.blocks) problems.push(`${message.blocks.length} blocks`);
  message.blocks.forEach((block, i) => {
    if (block.type === 'header' && block.text.text.length > SLACK_LIMITS.headerText) problems.push(`header ${i} too long`);
    if (block.type === 'section') {
      if (block.text.text.length > SLACK_LIMITS.sectionText) problems.push(`section ${i} text too long`);
      if ((block.fields ?? []).length > SLACK_LIMITS.sectionFields) problems.push(`section ${i} has too many fields`);
      for (const f of block.fields ?? []) if (f.text.length > SLACK_LIMITS.fieldText) problems.push(`section ${i} field too long`);
    }
    if (block.type === 'context') {
      if (block.elements.length > SLACK_LIMITS.contextElements) problems.push(`context ${i} has too many elements`);
      for (const e of block.elements) if (e.text.length > SLACK_LIMITS.contextText) problems.push(`context ${i} text too long`);
    }
  });
  return problems;
}

/** Characters outside Slack's own link syntax and entities that would be parsed as control characters. */
function strayControls(text: string): string[] {
  const withoutLinks = text.replace(/<https?:\/\/[^<>|\s]+\|[^<>]+>/g, '');
  const withoutEntities = withoutLinks.replace(/&(amp|lt|gt);/g, '');
  return [...withoutEntities].filter((c) => c === '<' || c === '>' || c === '&');
}

describe('hasAnythingToSay / empty batch', () => {
  it('renders nothing for a batch without items', () => {
    const empty = batch([]);
    expect(hasAnythingToSay(empty)).toBe(false);
    expect(renderSlackMessage(empty)).toBeUndefined();
    expect(hasAnythingToSay(batch([item('new')]))).toBe(true);
  });
});

describe('renderSlackMessage', () => {
  it('lists failures most severe first, each with what, where, since when and how to fix', () => {
    const severities: Severity[] = ['low', 'critical', 'info', 'medium', 'high'];
    const message = render(batch(severities.map((severity) => item('new', { severity, title: `Control ${severity}` }))));
    const listed = sections(message).map((t) => /\*(CRITICAL|HIGH|MEDIUM|LOW|INFO)\*/.exec(t)?.[1]);
    expect(listed).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO']);

    const first = sections(message)[0] ?? '';
    expect(first).toContain('*Control critical*');
    expect(first).toContain('`aws-ssh-not-open`');
    expect(first).toContain('`123456789012`');
    expect(first).toContain('`us-east-1`');
    expect(first).toMatch(/Resource: \*web-\d+\*/);
    expect(first).toMatch(/`arn:aws:ec2:us-east-1:123456789012:security-group\/sg-\d+`/);
    expect(first).toMatch(/Security group sg-\d+ admits 0\.0\.0\.0\/0 on TCP 22\./);
    expect(first).toContain('First seen 2024-05-01');
    expect(first).toContain('<https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html|Remediation>');
    // Short lines for a phone: no table, one fact per line.
    expect(first.split('\n').length).toBeGreaterThanOrEqual(6);
    expect(message.blocks[0]?.type).toBe('header');
    expect(limitViolations(message)).toEqual([]);
  });

  it('puts new before reopened before unmuted at the same severity, and labels them', () => {
    const message = render(batch([item('unmuted'), item('reopened'), item('new')]));
    const labels = sections(message).map((t) => t.split('\n')[0]?.split(' · ')[1]);
    expect(labels).toEqual(['New', 'Reopened', 'Mute ended']);
    expect(message.text).toBe('Ward: 1 new, 1 reopened, 1 unmuted findings (3 high)');
  });

  it('falls back to the resource id when it has no name', () => {
    const message = render(batch([item('new', { resource: { id: 'vol-0abc', uid: 'arn:aws:ec2:us-east-1:1:volume/vol-0abc', type: 'Volume', tags: {} } })]));
    expect(sections(message)[0]).toContain('Resource: *vol-0abc*');
  });

  it('escapes hostile names so they cannot ping, mention or link', () => {
    const hostile = '<!channel> <@U123> <http://evil.example|click> & more';
    const message = render(
      batch([
        item('new', {
          account: '<!here>',
          region: 'us-east-1>',
          message: `Group ${hostile} is open`,
          title: 'Title <!everyone>',
          controlId: 'ctl`<x>',
          resource: { id: 'sg-1', uid: `arn:aws:ec2:::sg/${hostile}`, type: 'SG', name: hostile, tags: {} },
        }),
        item('resolved', { resource: { id: 'sg-2', uid: 'arn:2', type: 'SG', name: hostile, tags: {} } }),
      ]),
    );
    const everything = allText(message);
    expect(everything).not.toContain('<!channel>');
    expect(everything).not.toContain('<!here>');
    expect(everything).not.toContain('<!everyone>');
    expect(everything).not.toContain('<@U123>');
    expect(everything).not.toContain('<http://evil.example');
    expect(everything).toContain('&lt;!channel&gt; &lt;@U123&gt; &lt;http://evil.example|click&gt; &amp; more');
    expect(strayControls(everything)).toEqual([]);
    // The only link left is Ward's own remediation link.
    expect(everything.match(/<https?:\/\//g)).toHaveLength(1);
    // A backtick cannot close the code span early.
    expect(sections(message)[0]).toContain('`ctlˋ&lt;x&gt;`');
    // Nothing is auto-parsed either: plain "@channel" text stays text.
    for (const block of message.blocks) {
      if (block.type === 'section') expect(block.text.verbatim).toBe(true);
      if (block.type === 'context') for (const e of block.elements) expect(e).toMatchObject({ type: 'mrkdwn', verbatim: true });
    }
  });

  it('never links a remediation URL that is not http(s), and keeps & escaped in links', () => {
    const message = render(
      batch([
        item('new', { severity: 'critical', remediation: { text: 'x', url: 'javascript:alert(1)' } }),
        item('new', { remediation: { text: 'x', url: 'https://example.com/fix?a=1&b=<2>|3' } }),
      ]),
    );
    const [first, second] = sections(message);
    expect(first).not.toContain('javascript');
    expect(first).not.toContain('|Remediation>');
    expect(second).toContain('<https://example.com/fix?a=1&amp;b=%3C2%3E%7C3|Remediation>');
  });

  it('caps the message at 50 blocks and counts everything cut into "and N more"', () => {
    const failures = Array.from({ length: 120 }, (_, i) => item('new', { severity: i % 2 === 0 ? 'critical' : 'low' }));
    const resolved = Array.from({ length: 8 }, () => item('resolved'));
    const message = render(batch([...failures, ...resolved], 'https://reports.example.com/week.pdf?X-Amz-Signature=abc&X-Amz-Date=1'), 200);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(limitViolations(message)).toEqual([]);
    const listed = sections(message).filter((t) => /^:\w+: \*[A-Z]+\*/.test(t));
    const more = sections(message).find((t) => t.startsWith('…and'));
    expect(more).toBe(
      `…and ${120 - listed.length} more findings. See the <https://reports.example.com/week.pdf?X-Amz-Signature=abc&amp;X-Amz-Date=1|full report>.`,
    );
    // Criticals are the ones kept.
    expect(listed.every((t) => t.includes('*CRITICAL*'))).toBe(true);
    // The resolved section still made it.
    expect(allText(message)).toContain('*Resolved (8)*');
    expect(message.text).toBe('Ward: 120 new findings (60 critical, 60 low), 8 resolved');
  });

  it('honours maxItems and points to the CLI when there is no report link', () => {
    const message = render(batch(Array.from({ length: 7 }, () => item('new'))), 3);
    const listed = sections(message).filter((t) => t.includes('*HIGH*'));
    expect(listed).toHaveLength(3);
    expect(sections(message).at(-1)).toBe('…and 4 more findings. Run `ward findings --status new` to see them all.');
  });

  it('shows a report path that is not a URL as code, escaped', () => {
    const message = render(batch(Array.from({ length: 3 }, () => item('new')), './.ward/reports/<week>.pdf'), 1);
    expect(sections(message).at(-1)).toBe('…and 2 more findings. See the report: `./.ward/reports/&lt;week&gt;.pdf`');
  });

  it('truncates huge values without cutting an escape sequence and stays within limits', () => {
    const huge = '<&>'.repeat(3000);
    const message = render(
      batch([
        item('new', {
          message: huge,
          title: huge,
          resource: { id: 'x', uid: huge, type: 'T', name: huge, tags: {} },
        }),
      ]),
    );
    expect(limitViolations(message)).toEqual([]);
    const text = sections(message)[0] ?? '';
    expect(text).toContain('…');
    expect(strayControls(text)).toEqual([]);
    expect(text).toContain('|Remediation>');
  });

  it('puts resolved findings in a quiet context section at the end', () => {
    const message = render(batch([item('resolved', { severity: 'low', title: 'Low one' }), item('new'), item('resolved', { severity: 'critical', title: 'Critical one' })]));
    const last = message.blocks.at(-1);
    expect(last?.type).toBe('context');
    const resolvedText = last?.type === 'context' ? (last.elements[0]?.text ?? '') : '';
    const lines = resolvedText.split('\n');
    expect(lines[0]).toBe('*Resolved (2)*');
    expect(lines[1]).toMatch(/^:white_check_mark: Critical one · web-\d+ · 123456789012 us-east-1$/);
    expect(lines[2]).toMatch(/^:white_check_mark: Low one/);
    expect(message.blocks.at(-2)?.type).toBe('divider');
    // Resolved findings are not listed as failures.
    expect(sections(message)).toHaveLength(1);
    expect(message.text).toBe('Ward: 1 new finding (1 high), 2 resolved');
  });

  it('counts resolved lines beyond maxItems', () => {
    const message = render(batch(Array.from({ length: 5 }, () => item('resolved'))), 2);
    const text = allText(message);
    expect(text.match(/:white_check_mark: No security group/g)).toHaveLength(2);
    expect(text).toContain('…and 3 more resolved.');
  });

  it('writes a fallback text with counts for notifications', () => {
    const message = render(
      batch([item('new', { severity: 'critical' }), item('new'), item('new'), item('resolved')]),
    );
    expect(message.text).toBe('Ward: 3 new findings (1 critical, 2 high), 1 resolved');
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: ':rotating_light: Ward: 3 new findings, 1 resolved', emoji: true } });
    expect(render(batch([item('resolved')])).text).toBe('Ward: 1 finding resolved');
    expect(render(batch([item('new', { severity: 'medium' })])).text).toBe('Ward: 1 new finding (1 medium)');
  });

  it('says a finding once even when a merged batch carries it twice', () => {
    const a = item('new');
    const message = render({ scanIds: ['s1', 's2'], items: [a, { ...a }] });
    expect(sections(message)).toHaveLength(1);
    expect(allText(message)).toContain('Scans `s1`, `s2`');
  });
});

describe('escaping helpers', () => {
  it('escapes only &, < and >', () => {
    expect(escapeMrkdwn('a & b < c > d *e* _f_')).toBe('a &amp; b &lt; c &gt; d *e* _f_');
  });

  it('never cuts an entity or a surrogate pair', () => {
    for (let max = 1; max < 30; max += 1) {
      const out = escapeAndTruncate('<<<&&&>>>😀😀😀', max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(strayControls(out)).toEqual([]);
      expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { Finding } from '../core/model.js';
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
  it('groups failures by control under a failure title, worst group first, worst few resources each', () => {
    const ssh = Array.from({ length: 5 }, (_, i) => item('new', { severity: i === 0 ? 'critical' : 'high' }));
    const root = item('new', { controlId: 'aws-root-mfa', severity: 'medium', title: 'The root user has MFA', resource: { id: 'root', uid: 'arn:aws:iam::123456789012:root', type: 'Root', tags: {} } });
    const message = render(batch([root, ...ssh]));
    const [first, second] = sections(message);
    expect(first?.split('\n')[0]).toBe(':red_circle: *5 security groups admit SSH from the internet*');
    // The worst resource first, three listed, the rest counted.
    expect(first).toContain(`\`${ssh[0]?.finding.resource.name ?? ''}\``);
    expect(first?.match(/^• /gm)).toHaveLength(3);
    expect(first).toContain('…and 2 more');
    // The account is said once, above its resources.
    expect(first?.split('\n')[1]).toBe('123456789012');
    expect(first?.match(/123456789012/g)).toHaveLength(1);
    expect(first).toMatch(/^• `web-\d+` · us-east-1$/m);
    expect(second?.split('\n')[0]).toBe(':large_yellow_circle: *Root user has no MFA*');
    expect(message.blocks[0]?.type).toBe('header');
    expect(limitViolations(message)).toEqual([]);
  });

  it('marks reopened and unmuted resources, and counts kinds in the header', () => {
    const message = render(batch([item('unmuted'), item('reopened'), item('new')]));
    const text = sections(message)[0] ?? '';
    expect(text).toContain('_(reopened)_');
    expect(text).toContain('_(mute ended)_');
    expect(message.text).toBe('Ward: 1 new, 1 reopened, 1 unmuted findings (3 high)');
  });

  it('shows account names next to ids, and the resource id when there is no name', () => {
    const b = batch([item('new', { resource: { id: 'vol-0abc', uid: 'arn:aws:ec2:us-east-1:1:volume/vol-0abc', type: 'Volume', tags: {} } })]);
    const message = render({ ...b, accountNames: { '123456789012': 'payments_prod' } });
    expect(sections(message)[0]).toContain('`vol-0abc`');
    expect(sections(message)[0]).toContain('payments_\u200bprod (123456789012)');
  });

  it('shows resource names literally: no italics, bold, strike, mentions or links', () => {
    const hostile = '<!channel> <@U123> <http://evil.example|click> & more';
    const message = render(
      batch([
        item('new', { account: '<!here>', region: 'us-east-1>', resource: { id: 'sg-1', uid: `arn:aws:ec2:::sg/${hostile}`, type: 'SG', name: hostile, tags: {} } }),
        item('new', { resource: { id: 'sg-2', uid: 'arn:2', type: 'SG', name: '_alice_ *bold* ~x~ a`b', tags: {} } }),
        item('resolved', { resource: { id: 'sg-3', uid: 'arn:3', type: 'SG', name: hostile, tags: {} } }),
      ]),
    );
    const everything = allText(message);
    for (const bad of ['<!channel>', '<!here>', '<@U123>', '<http://evil.example']) expect(everything).not.toContain(bad);
    expect(everything).toContain('`&lt;!channel&gt; &lt;@U123&gt; &lt;http://evil.example|click&gt; &amp; more`');
    // Inside a code span Slack formats nothing; a backtick cannot close the span early.
    expect(everything).toContain('`_alice_ *bold* ~x~ aˋb`');
    expect(strayControls(everything)).toEqual([]);
    expect(everything.match(/<https?:\/\//g)).toBeNull();
    for (const block of message.blocks) {
      if (block.type === 'section') expect(block.text.verbatim).toBe(true);
      if (block.type === 'context') for (const e of block.elements) expect(e).toMatchObject({ type: 'mrkdwn', verbatim: true });
    }
  });

  it('links the report (pre-signed URL) with & escaped, or shows a local path as code; no CLI-only advice', () => {
    const linked = render(batch([item('new')], 'https://reports.example.com/week.pdf?X-Amz-Signature=abc&X-Amz-Date=1'));
    expect(allText(linked)).toContain("<https://reports.example.com/week.pdf?X-Amz-Signature=abc&amp;X-Amz-Date=1|This week's report>");
    const local = render(batch([item('new')], './.ward/reports/<week>/report.pdf'));
    expect(allText(local)).toContain('`./.ward/reports/&lt;week&gt;/report.pdf`');
    expect(allText(render(batch([item('new')])))).not.toMatch(/ward findings|Run `/);
  });

  it('names the targets that did not report, even with no change to announce', () => {
    const message = render({ scanIds: [], items: [], missingTargets: ['aws:111122223333', 'gcp:my-proj'], accountNames: { '111122223333': 'Payments' } });
    expect(message.text).toBe('Ward: 2 targets missing');
    expect(allText(message)).toContain('2 targets did not report');
    expect(allText(message)).toContain('aws Payments (111122223333), gcp my-proj');
  });

  it('caps the message at 50 blocks and counts every group cut into "and N more"', () => {
    const failures = Array.from({ length: 120 }, (_, i) => item('new', { controlId: `ctl-${i % 60}`, severity: i % 2 === 0 ? 'critical' : 'low' }));
    const resolved = Array.from({ length: 8 }, () => item('resolved'));
    const message = render(batch([...failures, ...resolved]), 200);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(limitViolations(message)).toEqual([]);
    const listed = sections(message).filter((t) => t.startsWith(':'));
    const more = sections(message).find((t) => t.startsWith('…and'));
    expect(more).toBe(`…and ${120 - listed.length * 2} more findings under ${60 - listed.length} more controls.`);
    // Critical groups first: all 30 of them are kept before any low one.
    expect(listed.slice(0, 30).every((t) => t.startsWith(':red_circle:'))).toBe(true);
    expect(listed.slice(30).every((t) => t.startsWith(':large_blue_circle:'))).toBe(true);
    expect(allText(message)).toContain(':white_check_mark: 8 fixed');
    expect(message.text).toBe('Ward: 120 new findings (60 critical, 60 low), 8 resolved');
  });

  it('honours maxItems (groups) and perGroup (resources)', () => {
    const items = Array.from({ length: 7 }, (_, i) => item('new', { controlId: `ctl-${i % 3}` }));
    const message = render(batch(items), 2);
    expect(sections(message).at(-1)).toBe('…and 2 more findings under 1 more control.');
    const wide = renderSlackMessage(batch(items), { perGroup: 10 });
    expect(wide === undefined ? [] : sections(wide).join('\n').match(/^• /gm)).toHaveLength(7);
  });

  it('truncates huge values without cutting an escape sequence and stays within limits', () => {
    const huge = '<&>'.repeat(3000);
    const message = render(batch([item('new', { message: huge, title: huge, account: huge, resource: { id: 'x', uid: huge, type: 'T', name: huge, tags: {} } })]));
    expect(limitViolations(message)).toEqual([]);
    const text = sections(message)[0] ?? '';
    expect(text).toContain('…');
    expect(strayControls(text)).toEqual([]);
  });

  it('puts resolved findings in one quiet line per control after the failures', () => {
    const message = render(batch([item('resolved', { severity: 'low', title: 'Low one', controlId: 'a' }), item('new'), item('resolved', { severity: 'critical', title: 'Critical one', controlId: 'b' })]));
    const last = message.blocks.at(-1);
    expect(last?.type).toBe('context');
    const lines = last?.type === 'context' ? (last.elements[0]?.text ?? '').split('\n') : [];
    expect(lines[0]).toMatch(/^:white_check_mark: 1 fixed: Critical one — `web-\d+`$/);
    expect(lines[1]).toMatch(/^:white_check_mark: 1 fixed: Low one/);
    expect(sections(message)).toHaveLength(1);
    expect(message.text).toBe('Ward: 1 new finding (1 high), 2 resolved');
  });

  it('says a finding once even when a merged batch carries it twice', () => {
    const a = item('new');
    const message = render({ scanIds: ['s1', 's2'], items: [a, { ...a }] });
    expect(sections(message)[0]?.match(/^• /gm)).toHaveLength(1);
    expect(message.text).toBe('Ward: 1 new finding (1 high)');
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

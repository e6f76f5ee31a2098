// A change-driven scan reads one resource (or one control's scope): it must never resolve, reopen or
// otherwise touch a finding outside what it read (issue 18).

import { describe, expect, it } from 'vitest';
import { advanceLifecycle, type TrackedFinding } from './lifecycle.js';
import { ACCOUNT, finding, scanOf } from '../test/support/findings.js';
import type { PartialScope, ScanDocument } from './model.js';

const run = (previous: TrackedFinding[], scan: ScanDocument) => advanceLifecycle(previous, scan, 'aws', ACCOUNT);
const stateOf = (tracked: TrackedFinding[], resourceId: string) => tracked.find((t) => t.finding.resource.id === resourceId)?.state;
const partial = (scan: ScanDocument, scopes: PartialScope[]): ScanDocument => ({ ...scan, partial: scopes });
const volumes = (resourceIds?: string[], region = 'eu-west-1'): PartialScope => ({ controlId: 'aws-ebs-volume-encrypted', account: ACCOUNT, region, ...(resourceIds === undefined ? {} : { resourceIds }) });

describe('finding lifecycle under a change-driven (partial) scan', () => {
  const before = () => run([], scanOf([finding('vol-a', 'FAIL'), finding('vol-b', 'FAIL'), finding('vol-us', 'FAIL', { region: 'us-east-1' })])).tracked;

  it('resolves the resource it read and passed, and no other finding of the same control and region', () => {
    const { tracked, alerts, counts } = run(before(), partial(scanOf([finding('vol-a', 'PASS')]), [volumes(['vol-a'])]));
    expect(stateOf(tracked, 'vol-a')).toBe('resolved');
    expect(stateOf(tracked, 'vol-b')).toBe('new');
    expect(stateOf(tracked, 'vol-us')).toBe('new');
    expect(alerts.map((a) => [a.kind, a.finding.resource.id])).toEqual([['resolved', 'vol-a']]);
    expect(counts).toEqual({ new: 0, reopened: 0, resolved: 1, open: 0 });
  });

  it('resolves a resource it read and found gone (deleted), and still nothing else', () => {
    const { tracked } = run(before(), partial(scanOf([]), [volumes(['vol-b'])]));
    expect(stateOf(tracked, 'vol-b')).toBe('resolved');
    expect(stateOf(tracked, 'vol-a')).toBe('new');
  });

  it('leaves untouched the findings of other accounts’ scopes, other regions and other controls', () => {
    const previous = [...before(), ...run([], scanOf([finding('sg-1', 'FAIL', { controlId: 'aws-ssh-not-open' })], { controls: ['aws-ssh-not-open'] })).tracked];
    const scan = partial(scanOf([], { controls: ['aws-ebs-volume-encrypted', 'aws-ssh-not-open'] }), [
      { controlId: 'aws-ebs-volume-encrypted', account: '999988887777', region: 'eu-west-1' },
      volumes(['vol-x'], 'us-east-1'),
    ]);
    const { tracked, alerts } = run(previous, scan);
    expect(tracked).toEqual(previous);
    expect(alerts).toEqual([]);
  });

  it('with a whole scope read, resolves what is gone from that control and region only', () => {
    const { tracked } = run(before(), partial(scanOf([finding('vol-a', 'FAIL')]), [volumes()]));
    expect(stateOf(tracked, 'vol-a')).toBe('open');
    expect(stateOf(tracked, 'vol-b')).toBe('resolved');
    expect(stateOf(tracked, 'vol-us')).toBe('new');
  });

  it('ignores results outside its scopes, and alerts a new failure of the resource it read', () => {
    const scan = partial(scanOf([finding('vol-new', 'FAIL'), finding('vol-stray', 'FAIL')]), [volumes(['vol-new'])]);
    const { tracked, alerts } = run(before(), scan);
    expect(stateOf(tracked, 'vol-new')).toBe('new');
    expect(stateOf(tracked, 'vol-stray')).toBeUndefined();
    expect(alerts.map((a) => [a.kind, a.finding.resource.id])).toEqual([['new', 'vol-new']]);
  });
});

import { describe, expect, it } from 'vitest';
import { advanceLifecycle, type TrackedFinding } from './lifecycle.js';
import { ACCOUNT, finding, scanOf, scopeError } from '../test/support/findings.js';
import type { ScanDocument } from './model.js';

function run(previous: TrackedFinding[], scan: ScanDocument) {
  return advanceLifecycle(previous, scan, 'aws', ACCOUNT);
}

const stateOf = (tracked: TrackedFinding[], resourceId: string) => tracked.find((t) => t.finding.resource.id === resourceId)?.state;

describe('finding lifecycle', () => {
  it('marks a first failure new and alerts on it; PASS results are not tracked', () => {
    const scan = scanOf([finding('vol-a', 'FAIL'), finding('vol-b', 'PASS')]);
    const { tracked, alerts, counts } = run([], scan);
    expect(tracked.map((t) => [t.finding.resource.id, t.state, t.firstSeen])).toEqual([['vol-a', 'new', scan.finishedAt]]);
    expect(alerts.map((a) => [a.kind, a.finding.resource.id, a.scanId])).toEqual([['new', 'vol-a', scan.scanId]]);
    expect(counts).toEqual({ new: 1, reopened: 0, resolved: 0, open: 0 });
  });

  it('keeps a still-failing finding open, with its first-seen date, and alerts nothing', () => {
    const first = run([], scanOf([finding('vol-a', 'FAIL')]));
    const second = scanOf([finding('vol-a', 'FAIL')]);
    const { tracked, alerts } = run(first.tracked, second);
    expect(tracked[0]).toMatchObject({ state: 'open', firstSeen: first.tracked[0]?.firstSeen, lastSeen: second.finishedAt });
    expect(alerts).toEqual([]);
  });

  it('resolves a finding whose resource now passes, and one whose resource is gone from a scope read cleanly', () => {
    const first = run([], scanOf([finding('vol-a', 'FAIL'), finding('vol-gone', 'FAIL')]));
    const second = scanOf([finding('vol-a', 'PASS')]);
    const { tracked, alerts, counts } = run(first.tracked, second);
    expect(stateOf(tracked, 'vol-a')).toBe('resolved');
    expect(stateOf(tracked, 'vol-gone')).toBe('resolved');
    expect(tracked.find((t) => t.finding.resource.id === 'vol-a')?.resolvedAt).toBe(second.finishedAt);
    expect(alerts.map((a) => a.kind)).toEqual(['resolved', 'resolved']);
    expect(counts.resolved).toBe(2);
  });

  it('reopens a resolved finding that fails again and alerts once more', () => {
    const first = run([], scanOf([finding('vol-a', 'FAIL')]));
    const fixed = run(first.tracked, scanOf([finding('vol-a', 'PASS')]));
    const again = scanOf([finding('vol-a', 'FAIL')]);
    const { tracked, alerts } = run(fixed.tracked, again);
    expect(tracked[0]).toMatchObject({ state: 'reopened', reopenedAt: again.finishedAt, firstSeen: first.tracked[0]?.firstSeen });
    expect(alerts.map((a) => a.kind)).toEqual(['reopened']);
  });

  it('leaves findings exactly as they were when their scope errored', () => {
    const first = run([], scanOf([finding('vol-a', 'FAIL'), finding('vol-us', 'FAIL', { region: 'us-east-1' })]));
    const errored = scanOf([scopeError('aws-ebs-volume-encrypted', 'eu-west-1'), finding('vol-us', 'PASS', { region: 'us-east-1' })]);
    const { tracked, alerts } = run(first.tracked, errored);
    expect(tracked.find((t) => t.finding.resource.id === 'vol-a')).toEqual(first.tracked.find((t) => t.finding.resource.id === 'vol-a'));
    expect(stateOf(tracked, 'vol-us')).toBe('resolved');
    expect(alerts.map((a) => [a.kind, a.finding.resource.id])).toEqual([['resolved', 'vol-us']]);
  });

  it('resolves nothing in an account none of whose regions could be read', () => {
    const first = run([], scanOf([finding('vol-a', 'FAIL')]));
    const errored = scanOf([scopeError('aws-ebs-volume-encrypted', '*')], { regions: [] });
    expect(run(first.tracked, errored).tracked).toEqual(first.tracked);
  });

  it('does not resolve findings in regions or controls the scan did not cover', () => {
    const first = run([], scanOf([finding('vol-a', 'FAIL'), finding('vol-us', 'FAIL', { region: 'us-east-1' })]));
    const onlyUs = scanOf([], { regions: ['us-east-1'] });
    const other = scanOf([], { controls: ['aws-log-retention'] });
    expect(stateOf(run(first.tracked, onlyUs).tracked, 'vol-a')).toBe('new');
    expect(stateOf(run(first.tracked, onlyUs).tracked, 'vol-us')).toBe('resolved');
    expect(run(first.tracked, other).tracked).toEqual(first.tracked);
  });

  it('keeps a resource whose own result is ERROR unchanged', () => {
    const first = run([], scanOf([finding('vol-a', 'FAIL')]));
    const { tracked, alerts } = run(first.tracked, scanOf([finding('vol-a', 'ERROR')]));
    expect(tracked).toEqual(first.tracked);
    expect(alerts).toEqual([]);
  });

  it('tracks a muted failure without alerting, and alerts when the mute stops applying', () => {
    const muted = run([], scanOf([finding('vol-a', 'MUTED')]));
    expect(muted.tracked[0]?.state).toBe('new');
    expect(muted.alerts).toEqual([]);
    const stillMuted = run(muted.tracked, scanOf([finding('vol-a', 'MUTED')]));
    expect(stillMuted.alerts).toEqual([]);
    const expired = run(stillMuted.tracked, scanOf([finding('vol-a', 'FAIL')]));
    expect(expired.tracked[0]?.state).toBe('open');
    expect(expired.alerts.map((a) => a.kind)).toEqual(['unmuted']);
  });

  it('does not alert a resolution of a finding that was muted', () => {
    const muted = run([], scanOf([finding('vol-a', 'MUTED')]));
    const fixed = run(muted.tracked, scanOf([finding('vol-a', 'PASS')]));
    expect(fixed.tracked[0]?.state).toBe('resolved');
    expect(fixed.alerts).toEqual([]);
  });
});

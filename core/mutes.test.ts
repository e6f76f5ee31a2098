import { describe, expect, it } from 'vitest';
import { applyMutes, globMatches, muteExpired, muteMatches, mutedShare, muteShareWarning, type MuteRule } from './mutes.js';
import { ACCOUNT, finding, scanOf } from '../test/support/findings.js';

const rule = (overrides: Partial<MuteRule>): MuteRule => ({ reason: 'Accepted by the risk board', owner: 'secops', expires: '2026-12-31', ...overrides });

describe('mutes', () => {
  it('matches by control, account, region, resource pattern and tags, all of which must hold', () => {
    const f = finding('vol-0scratch1', 'FAIL', { resource: { id: 'vol-0scratch1', uid: `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-0scratch1`, type: 'AWS::EC2::Volume', tags: { purpose: 'scratch' } } });
    expect(muteMatches(rule({ controls: ['aws-ebs-*'] }), f)).toBe(true);
    expect(muteMatches(rule({ accounts: [ACCOUNT], regions: ['eu-west-1'] }), f)).toBe(true);
    expect(muteMatches(rule({ resources: ['arn:aws:ec2:*:*:volume/vol-0scratch*'] }), f)).toBe(true);
    expect(muteMatches(rule({ resources: ['vol-0scratch1'] }), f)).toBe(true);
    expect(muteMatches(rule({ tags: { purpose: 'scratch' } }), f)).toBe(true);
    expect(muteMatches(rule({ tags: { purpose: '*' } }), f)).toBe(true);
    expect(muteMatches(rule({ tags: { purpose: 'prod' } }), f)).toBe(false);
    expect(muteMatches(rule({ controls: ['aws-ebs-volume-encrypted'], regions: ['us-east-1'] }), f)).toBe(false);
    // A pattern is anchored and its dots are literal: no accidental partial matches.
    expect(muteMatches(rule({ resources: ['vol-0scratch'] }), f)).toBe(false);
    expect(muteMatches(rule({ accounts: ['1111.2222.3333'] }), f)).toBe(false);
  });

  it('applies through the whole expiry day (UTC) and not after', () => {
    const r = rule({ controls: ['*'], expires: '2026-12-31' });
    expect(muteExpired(r, new Date('2026-12-31T23:59:59Z'))).toBe(false);
    expect(muteExpired(r, new Date('2027-01-01T00:00:00Z'))).toBe(true);
  });

  it('mutes failing findings only, records which mute, and lists expired mutes that still match', () => {
    const scan = scanOf([finding('vol-a', 'FAIL'), finding('vol-b', 'PASS'), finding('vol-c', 'ERROR'), finding('vol-d', 'FAIL')]);
    const rules = [rule({ resources: ['vol-d'], expires: '2026-01-01' }), rule({ resources: ['vol-a', 'vol-b', 'vol-c'] })];
    const { scan: muted, expiredMatches } = applyMutes(scan, rules, new Date('2026-11-23T00:00:00Z'));
    expect(muted.results.map((f) => [f.resource.id, f.status])).toEqual([
      ['vol-a', 'MUTED'],
      ['vol-b', 'PASS'],
      ['vol-c', 'ERROR'],
      ['vol-d', 'FAIL'],
    ]);
    expect(muted.results[0]?.mute).toEqual({ index: 1, reason: 'Accepted by the risk board', owner: 'secops', expires: '2026-12-31' });
    expect(expiredMatches).toEqual([{ mute: { index: 0, reason: 'Accepted by the risk board', owner: 'secops', expires: '2026-01-01' }, findingId: muted.results[3]?.id }]);
  });

  it('carries who approved the accepted risk and its ticket onto the muted finding, when given', () => {
    const scan = scanOf([finding('vol-a', 'FAIL')]);
    const approved = rule({ resources: ['vol-a'], approvedBy: 'Security Officer', ticket: 'RISK-142' });
    expect(applyMutes(scan, [approved], new Date('2026-11-23T00:00:00Z')).scan.results[0]?.mute).toEqual({
      index: 0,
      reason: 'Accepted by the risk board',
      owner: 'secops',
      expires: '2026-12-31',
      approvedBy: 'Security Officer',
      ticket: 'RISK-142',
    });
  });
});

describe('mute matching against hostile input', () => {
  it('does not take prototype properties for tags: constructor, toString, __proto__ match no untagged resource', () => {
    const untagged = finding('vol-x', 'FAIL');
    for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) {
      expect(muteMatches(rule({ tags: { [key]: '*' } }), untagged), key).toBe(false);
    }
    const scan = scanOf([untagged, finding('vol-y', 'FAIL')]);
    expect(applyMutes(scan, [rule({ tags: { constructor: '*' } })], new Date('2026-11-23T00:00:00Z')).scan.results.map((f) => f.status)).toEqual(['FAIL', 'FAIL']);
  });

  it('matches star globs like the anchored regex did', () => {
    const cases: Array<[string, string, boolean]> = [
      ['*', '', true],
      ['a*', 'a', true],
      ['*a*a', 'aa', true],
      ['*a*a', 'a', false],
      ['a*b*c', 'abc', true],
      ['a*b*c', 'acb', false],
      ['ab*ba', 'aba', false],
      ['x**y', 'xy', true],
      ['vol-0scratch', 'vol-0scratch1', false],
      ['arn:aws:logs:*:*:log-group:/ecs/*-staging', 'arn:aws:logs:eu-west-1:1:log-group:/ecs/app-staging', true],
    ];
    for (const [pattern, text, expected] of cases) expect(globMatches(pattern, text), `${pattern} ~ ${text}`).toBe(expected);
  });

  it('matches pathological globs in linear time (no backtracking)', () => {
    // Each took 11-41 s with the old `.*` regex; a loose bound keeps this fast on a busy machine.
    const started = performance.now();
    expect(globMatches('*a*a*a*a*a*a*b', 'a'.repeat(100))).toBe(false);
    const arn = `arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/${'a-'.repeat(256)}`;
    expect(arn.length).toBeGreaterThan(560);
    expect(globMatches('arn:aws:logs:*:*:log-group:/ecs/*-*-*-*-staging', arn)).toBe(false);
    expect(globMatches(`${'*a'.repeat(20)}*b`, 'a'.repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('the share of failing findings hidden by mutes', () => {
  it('warns loudly above the limit and stays quiet at or below it', () => {
    const results = [...Array(3).fill({ status: 'MUTED' }), { status: 'FAIL' }, { status: 'PASS' }] as Array<{ status: 'MUTED' | 'FAIL' | 'PASS' }>;
    expect(mutedShare(results)).toEqual({ muted: 3, failing: 4 });
    expect(muteShareWarning(mutedShare(results), 0.25)).toBe(
      'WARNING: accepted risks (mutes) hide 3 of 4 failing findings (75%, above the 25% limit set by muteLimits.warnShare). Review the mutes in the configuration.',
    );
    expect(muteShareWarning(mutedShare(results), 0.75)).toBeUndefined();
    expect(muteShareWarning({ muted: 0, failing: 0 }, 0)).toBeUndefined();
  });
});

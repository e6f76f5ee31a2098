import { describe, expect, it } from 'vitest';
import { applyMutes, muteExpired, muteMatches, type MuteRule } from './mutes.js';
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

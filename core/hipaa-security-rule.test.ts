import { describe, expect, it } from 'vitest';
import { HIPAA_SAFEGUARDS } from './hipaa.js';
import { HIPAA_SECURITY_RULE, THRESHOLD_NOTES, WARD_REFS_OUTSIDE_RULE } from './hipaa-security-rule.js';
import { hipaaCoverage } from '../reports/hipaa-coverage.js';

describe('the HIPAA Security Rule reference', () => {
  it('lists the rule\'s standards and implementation specifications once each, required or addressable', () => {
    const refs = HIPAA_SECURITY_RULE.map((i) => i.ref);
    expect(new Set(refs).size).toBe(refs.length);
    // 45 CFR Part 164 Subpart C, Appendix A: 18 standards in 164.308–164.312, 36 implementation specifications.
    const inAppendixA = HIPAA_SECURITY_RULE.filter((i) => /^164\.31[02]|^164\.308/.test(i.ref));
    expect(inAppendixA.filter((i) => i.kind === 'standard')).toHaveLength(18);
    expect(inAppendixA.filter((i) => i.kind === 'implementation specification')).toHaveLength(36);
    expect(inAppendixA.filter((i) => i.requirement === 'addressable')).toHaveLength(22);
    expect(HIPAA_SECURITY_RULE.find((i) => i.ref === '164.312(a)(2)(iv)')).toMatchObject({ requirement: 'addressable', standard: '164.312(a)(1)', safeguard: 'technical' });
    expect(HIPAA_SECURITY_RULE.find((i) => i.ref === '164.308(a)(1)(ii)(D)')).toMatchObject({ requirement: 'required', standard: '164.308(a)(1)(i)' });
  });

  it('contains every reference Ward\'s controls use', () => {
    expect(Object.keys(HIPAA_SAFEGUARDS).length).toBeGreaterThan(0);
    expect(WARD_REFS_OUTSIDE_RULE).toEqual([]);
  });

  it('derives the coverage map from the controls, with what Ward does not assess', () => {
    const map = hipaaCoverage([
      { id: 'x-encryption', hipaa: ['164.312(a)(2)(iv)'] },
      { id: 'x-audit', hipaa: ['164.312(b)'] },
    ]);
    const of = (ref: string) => map.items.find((i) => i.ref === ref);
    expect(of('164.312(a)(2)(iv)')).toMatchObject({ status: 'assessed', controls: ['x-encryption'] });
    expect(of('164.312(a)(1)')).toMatchObject({ status: 'partly-assessed', through: ['164.312(a)(2)(iv)'] });
    expect(of('164.308(a)(7)(ii)(A)')).toMatchObject({ status: 'not-assessed', controls: [] });
    expect(map.assessed + map.partlyAssessed + map.notAssessed).toBe(HIPAA_SECURITY_RULE.length);
  });

  it('explains each log retention threshold', () => {
    expect(THRESHOLD_NOTES.map((n) => n.value)).toEqual(['365 days', '2190 days']);
    expect(THRESHOLD_NOTES[1]?.why).toContain('164.316(b)(2)(i)');
  });
});

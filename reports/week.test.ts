import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import { describeWeek, inWeek, isoWeekOf, parseIsoWeek, shiftWeek, weeksInYear } from './week.js';

describe('ISO weeks (UTC)', () => {
  it('runs Monday 00:00 to the next Monday, in the year of its Thursday', () => {
    const w47 = parseIsoWeek('2026-W47');
    expect(w47.start.toISOString()).toBe('2026-11-16T00:00:00.000Z');
    expect(w47.end.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(describeWeek(w47)).toBe('16–22 Nov 2026');
    expect(parseIsoWeek('2026-W01').start.toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(describeWeek(parseIsoWeek('2026-W01'))).toBe('29 Dec 2025–4 Jan 2026');
  });

  it('finds the week of any instant', () => {
    expect(isoWeekOf(new Date('2026-11-22T23:59:59.999Z')).id).toBe('2026-W47');
    expect(isoWeekOf(new Date('2026-11-23T00:00:00.000Z')).id).toBe('2026-W48');
    expect(isoWeekOf(new Date('2027-01-01T12:00:00Z')).id).toBe('2026-W53');
    expect(isoWeekOf(new Date('2024-12-30T00:00:00Z')).id).toBe('2025-W01');
    expect(weeksInYear(2026)).toBe(53);
    expect(weeksInYear(2025)).toBe(52);
  });

  it('shifts across years and tells what is inside', () => {
    expect(shiftWeek(parseIsoWeek('2027-W01'), -1).id).toBe('2026-W53');
    expect(shiftWeek(parseIsoWeek('2026-W47'), -7).id).toBe('2026-W40');
    const w = parseIsoWeek('2026-W47');
    expect(inWeek(w, '2026-11-16T00:00:00.000Z')).toBe(true);
    expect(inWeek(w, '2026-11-23T00:00:00.000Z')).toBe(false);
    expect(inWeek(w, undefined)).toBe(false);
  });

  it('rejects what is not a week, as a user error', () => {
    for (const bad of ['2026-47', '2026-W54', '2025-W53', '2026-W00', 'W47', '']) expect(() => parseIsoWeek(bad)).toThrow(UserError);
  });
});

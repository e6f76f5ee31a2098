// ISO 8601 weeks, in UTC: a week runs from Monday 00:00 to the next Monday 00:00, and belongs to the
// year that holds its Thursday (so 2026-W01 starts on Monday 29 December 2025).

import { UserError } from '../core/errors.js';

export interface IsoWeek {
  /** `2026-W47`. */
  id: string;
  year: number;
  week: number;
  /** Monday 00:00:00.000 UTC. */
  start: Date;
  /** The next Monday 00:00:00.000 UTC (exclusive). */
  end: Date;
}

const DAY_MS = 86_400_000;
const WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;

/** Monday 00:00 UTC of week 1: the Monday on or before 4 January. */
function firstMonday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return jan4 - weekday * DAY_MS;
}

export function weeksInYear(year: number): number {
  return Math.round((firstMonday(year + 1) - firstMonday(year)) / (7 * DAY_MS));
}

function make(year: number, week: number): IsoWeek {
  const start = firstMonday(year) + (week - 1) * 7 * DAY_MS;
  return { id: `${year}-W${String(week).padStart(2, '0')}`, year, week, start: new Date(start), end: new Date(start + 7 * DAY_MS) };
}

export function isoWeekOf(date: Date): IsoWeek {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new Error('invalid date');
  // The week's year is the year of its Thursday.
  const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
  const weekday = (new Date(dayStart).getUTCDay() + 6) % 7;
  const thursday = new Date(dayStart + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((dayStart - weekday * DAY_MS - firstMonday(year)) / (7 * DAY_MS)) + 1;
  return make(year, week);
}

/** Parses `2026-W47`; anything else, or a week the year does not have, is a UserError. */
export function parseIsoWeek(text: string): IsoWeek {
  const match = WEEK_PATTERN.exec(text.trim());
  if (match === null) throw new UserError(`Invalid week "${text}": expected an ISO week such as 2026-W47.`);
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (year < 1970 || week < 1 || week > weeksInYear(year)) {
    throw new UserError(`Invalid week "${text}": ${year} has weeks W01 to W${weeksInYear(year)}.`);
  }
  return make(year, week);
}

/** The week `offset` weeks after (negative: before) this one. */
export function shiftWeek(week: IsoWeek, offset: number): IsoWeek {
  return isoWeekOf(new Date(week.start.getTime() + offset * 7 * DAY_MS));
}

export function inWeek(week: IsoWeek, iso: string | undefined): boolean {
  if (iso === undefined) return false;
  const t = Date.parse(iso);
  return t >= week.start.getTime() && t < week.end.getTime();
}

/** `16–22 Nov 2026` (the last day shown is the Sunday). */
export function describeWeek(week: IsoWeek): string {
  const last = new Date(week.end.getTime() - DAY_MS);
  const fmt = (d: Date, withMonth: boolean, withYear: boolean) =>
    `${d.getUTCDate()}${withMonth ? ` ${MONTHS[d.getUTCMonth()]}` : ''}${withYear ? ` ${d.getUTCFullYear()}` : ''}`;
  const sameYear = week.start.getUTCFullYear() === last.getUTCFullYear();
  const sameMonth = sameYear && week.start.getUTCMonth() === last.getUTCMonth();
  return `${fmt(week.start, !sameMonth, !sameYear)}–${fmt(last, true, true)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

// Address ranges as Google Cloud writes them: CIDRs, and bare addresses (Cloud SQL authorized networks
// accept `203.0.113.7`), parsed exactly with the shared CIDR helper.

import { coversWholeSpace, parseCidr, type AddressFamily, type CidrRange } from '../../support/cidr.js';

export { coversWholeSpace, type AddressFamily, type CidrRange };

/** A CIDR, or a single address read as /32 (IPv4) or /128 (IPv6); undefined when malformed. */
export function parseRange(text: string): CidrRange | undefined {
  const trimmed = text.trim();
  if (trimmed.includes('/')) return parseCidr(trimmed);
  const range = parseCidr(`${trimmed}/${trimmed.includes(':') ? 128 : 32}`);
  return range === undefined ? undefined : { ...range, cidr: text };
}

export interface ParsedRanges {
  ranges: CidrRange[];
  malformed: string[];
}

export function parseRanges(texts: readonly string[]): ParsedRanges {
  const ranges: CidrRange[] = [];
  const malformed: string[] = [];
  for (const text of texts) {
    const range = parseRange(text);
    if (range === undefined) malformed.push(text);
    else ranges.push(range);
  }
  return { ranges, malformed };
}

/** The address families whose entire space the ranges cover together. */
export function openFamilies(ranges: readonly CidrRange[]): AddressFamily[] {
  return (['ipv4', 'ipv6'] as const).filter((family) => coversWholeSpace(ranges, family));
}

export function familiesLabel(families: readonly AddressFamily[]): string {
  if (families.length === 2) return 'the whole IPv4 and IPv6 internet';
  return families[0] === 'ipv6' ? 'the whole IPv6 internet' : 'the whole IPv4 internet';
}

/** A set of addresses of one family as sorted, disjoint, inclusive intervals. */
export type Interval = readonly [bigint, bigint];

const LAST: Record<AddressFamily, bigint> = { ipv4: (1n << 32n) - 1n, ipv6: (1n << 128n) - 1n };

function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && start <= last[1] + 1n) {
      if (end > last[1]) last[1] = end;
    } else {
      out.push([start, end]);
    }
  }
  return out;
}

export function intervalsOf(ranges: readonly CidrRange[], family: AddressFamily): Interval[] {
  return merge(ranges.filter((r) => r.family === family).map((r): Interval => [r.start, r.end]));
}

export function unionOf(sets: ReadonlyArray<readonly Interval[]>): Interval[] {
  return merge(sets.flatMap((s) => [...s]));
}

/** The addresses of `from` that are not in `remove`. */
export function subtract(from: readonly Interval[], remove: readonly Interval[]): Interval[] {
  const cut = merge([...remove]);
  const out: Interval[] = [];
  for (const [start, end] of from) {
    let at = start;
    for (const [rs, re] of cut) {
      if (re < at || rs > end) continue;
      if (rs > at) out.push([at, rs - 1n]);
      at = re + 1n;
      if (at > end) break;
    }
    if (at <= end) out.push([at, end]);
  }
  return out;
}

/** True when the intervals cover the family's entire address space. */
export function coversFamily(set: readonly Interval[], family: AddressFamily): boolean {
  const merged = merge([...set]);
  return merged.length === 1 && merged[0]?.[0] === 0n && merged[0]?.[1] === LAST[family];
}

// "The internet", exactly: a set of address ranges admits the internet when, together with the
// address blocks that are not publicly routable (RFC 6890 special-purpose space: private, loopback,
// link-local, shared CGNAT, documentation, benchmarking, multicast, reserved), it covers an entire
// address family. So 0.0.0.0–255.255.255.255 does, 1.0.0.0–223.255.255.255 does, two halves do, and
// 10.0.0.0/8 or an office /24 do not. Interval arithmetic on BigInts, no string matching.

import { coversWholeSpace, parseCidr, parseIpv4, parseIpv6, type AddressFamily, type CidrRange } from '../../support/cidr.js';

export type { AddressFamily, CidrRange };

const NOT_PUBLIC: Record<AddressFamily, readonly string[]> = {
  ipv4: [
    '0.0.0.0/8',
    '10.0.0.0/8',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '169.254.0.0/16',
    '172.16.0.0/12',
    '192.0.0.0/24',
    '192.0.2.0/24',
    '192.168.0.0/16',
    '198.18.0.0/15',
    '198.51.100.0/24',
    '203.0.113.0/24',
    '224.0.0.0/4',
    '240.0.0.0/4',
  ],
  // Global unicast is 2000::/3; everything else, and the documentation prefix, is not the internet.
  ipv6: ['::/3', '4000::/2', '8000::/1', '2001:db8::/32'],
};

const NOT_PUBLIC_RANGES: Record<AddressFamily, CidrRange[]> = {
  ipv4: NOT_PUBLIC.ipv4.flatMap((c) => parseCidr(c) ?? []),
  ipv6: NOT_PUBLIC.ipv6.flatMap((c) => parseCidr(c) ?? []),
};

const MAX: Record<AddressFamily, bigint> = { ipv4: (1n << 32n) - 1n, ipv6: (1n << 128n) - 1n };

/** The whole of a family's address space, as `*`, `Any` or the `Internet` tag stand for it. */
export function wholeFamily(family: AddressFamily, text: string): CidrRange {
  return { family, start: 0n, end: MAX[family], prefix: 0, cidr: text };
}

/** True when the ranges admit every publicly routable address of the family. */
export function coversInternet(ranges: readonly CidrRange[], family: AddressFamily): boolean {
  return coversWholeSpace([...ranges.filter((r) => r.family === family), ...NOT_PUBLIC_RANGES[family]], family);
}

/** True when the range holds at least one publicly routable address. */
export function touchesInternet(range: CidrRange): boolean {
  const blocks = [...NOT_PUBLIC_RANGES[range.family]].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let next = range.start; // the first address of the range not yet shown to be non-public
  for (const block of blocks) {
    if (block.end < next) continue;
    if (block.start > next) return true;
    next = block.end + 1n;
    if (next > range.end) return false;
  }
  return next <= range.end;
}

/** An inclusive IPv4 range `start`–`end` (a database firewall rule), or undefined when malformed or reversed. */
export function ipv4Range(start: string | undefined, end: string | undefined): CidrRange | undefined {
  if (start === undefined || end === undefined) return undefined;
  const from = parseIpv4(start.trim());
  const to = parseIpv4(end.trim());
  if (from === undefined || to === undefined || from > to) return undefined;
  return { family: 'ipv4', start: from, end: to, prefix: -1, cidr: `${start}-${end}` };
}

/** A CIDR, a bare address (`1.2.3.4` is a /32, `2001:db8::1` a /128) or an IPv4 range `a-b`, or undefined. */
export function addressRange(text: string): CidrRange | undefined {
  const trimmed = text.trim();
  if (trimmed.includes('/')) return parseCidr(trimmed);
  const dash = /^([0-9.]+)\s*-\s*([0-9.]+)$/.exec(trimmed);
  if (dash !== null) return ipv4Range(dash[1], dash[2]);
  if (trimmed.includes(':')) {
    const v6 = parseIpv6(trimmed);
    return v6 === undefined ? undefined : { family: 'ipv6', start: v6, end: v6, prefix: 128, cidr: trimmed };
  }
  const v4 = parseIpv4(trimmed);
  return v4 === undefined ? undefined : { family: 'ipv4', start: v4, end: v4, prefix: 32, cidr: trimmed };
}

export function addressCount(range: CidrRange): bigint {
  return range.end - range.start + 1n;
}

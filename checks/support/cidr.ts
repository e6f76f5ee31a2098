// CIDR parsing and interval unions, exact for both address families (BigInt, no string matching), so
// "the whole internet" means the union of the ranges covers the entire address space, however it is split.

export type AddressFamily = 'ipv4' | 'ipv6';

export interface CidrRange {
  family: AddressFamily;
  /** First address of the block (host bits cleared). */
  start: bigint;
  /** Last address of the block. */
  end: bigint;
  prefix: number;
  /** The text it was parsed from. */
  cidr: string;
}

const BITS: Record<AddressFamily, number> = { ipv4: 32, ipv6: 128 };
const MAX: Record<AddressFamily, bigint> = { ipv4: (1n << 32n) - 1n, ipv6: (1n << 128n) - 1n };

/** A dotted quad (four decimal octets 0–255) as a number, or undefined when malformed. */
export function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^[0-9]{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseHextets(text: string): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  const out: number[] = [];
  for (let i = 0; i < groups.length; i += 1) {
    const group = groups[i] ?? '';
    if (i === groups.length - 1 && group.includes('.')) {
      // An embedded IPv4 tail (::ffff:192.0.2.1) stands for the last two hextets.
      const v4 = parseIpv4(group);
      if (v4 === undefined) return undefined;
      out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    out.push(parseInt(group, 16));
  }
  return out;
}

/** An IPv6 address (with at most one `::` and an optional IPv4 tail) as a number, or undefined when malformed. */
export function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseHextets(halves[0] ?? '');
  const tail = halves.length === 2 ? parseHextets(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    // `::` stands for one or more zero hextets.
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value;
}

/** Parses `a.b.c.d/n` or an IPv6 `x::y/n`; undefined when malformed (never throws). */
export function parseCidr(text: string): CidrRange | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  if (slash < 0 || slash !== trimmed.lastIndexOf('/')) return undefined;
  const address = trimmed.slice(0, slash);
  const prefixText = trimmed.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const family: AddressFamily = address.includes(':') ? 'ipv6' : 'ipv4';
  const bits = BITS[family];
  if (prefix > bits) return undefined;
  const value = family === 'ipv6' ? parseIpv6(address) : parseIpv4(address);
  if (value === undefined) return undefined;
  const hostBits = BigInt(bits - prefix);
  const hostMask = (1n << hostBits) - 1n;
  const start = value & (MAX[family] ^ hostMask);
  return { family, start, end: start | hostMask, prefix, cidr: text };
}

/** True when the union of the family's ranges is the family's entire address space. */
export function coversWholeSpace(ranges: readonly CidrRange[], family: AddressFamily): boolean {
  const sorted = ranges.filter((r) => r.family === family).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let next = 0n; // the first address not yet covered
  for (const range of sorted) {
    if (range.start > next) return false;
    if (range.end + 1n > next) next = range.end + 1n;
    if (next > MAX[family]) return true;
  }
  return next > MAX[family];
}

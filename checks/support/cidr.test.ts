import { describe, expect, it } from 'vitest';
import { coversWholeSpace, parseCidr, parseIpv4, parseIpv6, type CidrRange } from './cidr.js';

const ranges = (...cidrs: string[]): CidrRange[] =>
  cidrs.map((c) => {
    const r = parseCidr(c);
    if (r === undefined) throw new Error(`bad fixture ${c}`);
    return r;
  });

describe('parseIpv4', () => {
  it('parses dotted quads', () => {
    expect(parseIpv4('0.0.0.0')).toBe(0n);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffffn);
    expect(parseIpv4('10.1.2.3')).toBe((10n << 24n) | (1n << 16n) | (2n << 8n) | 3n);
  });

  it('rejects malformed addresses', () => {
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.-1', '1.2.3.a', '1..2.3', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.0x1', '1.2.3.1234']) {
      expect(parseIpv4(bad), bad).toBeUndefined();
    }
  });
});

describe('parseIpv6', () => {
  it('parses full and compressed forms', () => {
    expect(parseIpv6('::')).toBe(0n);
    expect(parseIpv6('::1')).toBe(1n);
    expect(parseIpv6('8000::')).toBe(1n << 127n);
    expect(parseIpv6('2001:db8::1')).toBe(parseIpv6('2001:0db8:0000:0000:0000:0000:0000:0001'));
    expect(parseIpv6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe((1n << 128n) - 1n);
    expect(parseIpv6('1:2:3:4:5:6:7::')).toBe(parseIpv6('1:2:3:4:5:6:7:0'));
    expect(parseIpv6('FE80::ABCD')).toBe(parseIpv6('fe80::abcd'));
  });

  it('parses an embedded IPv4 tail', () => {
    expect(parseIpv6('::ffff:192.0.2.1')).toBe((0xffffn << 32n) | (192n << 24n) | (2n << 8n) | 1n);
  });

  it('rejects malformed addresses', () => {
    for (const bad of ['', ':', '1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', '12345::', 'g::', '::ffff:300.1.1.1', '1:2:3:4:5:6:7:8::1']) {
      expect(parseIpv6(bad), bad).toBeUndefined();
    }
  });
});

describe('parseCidr', () => {
  it('parses IPv4 and IPv6 blocks, clearing host bits', () => {
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ family: 'ipv4', start: 0n, end: 0xffffffffn, prefix: 0 });
    expect(parseCidr('10.0.0.0/8')).toMatchObject({ family: 'ipv4', start: 10n << 24n, end: (11n << 24n) - 1n });
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ start: 10n << 24n });
    expect(parseCidr('203.0.113.7/32')).toMatchObject({ start: parseIpv4('203.0.113.7'), end: parseIpv4('203.0.113.7') });
    expect(parseCidr('::/0')).toMatchObject({ family: 'ipv6', start: 0n, end: (1n << 128n) - 1n });
    expect(parseCidr('8000::/1')).toMatchObject({ family: 'ipv6', start: 1n << 127n, end: (1n << 128n) - 1n });
    expect(parseCidr(' 0.0.0.0/0 ')).toMatchObject({ prefix: 0 });
  });

  it('returns undefined (never throws) for malformed CIDRs', () => {
    for (const bad of ['', '0.0.0.0', '0.0.0.0/', '0.0.0.0/33', '::/129', '0.0.0.0/-1', '0.0.0.0/0/0', '1.2.3/8', 'any', '0.0.0.0/ 0', '::/0x1', 'fe80::1%eth0/64', '0.0.0.0/1000']) {
      expect(() => parseCidr(bad)).not.toThrow();
      expect(parseCidr(bad), bad).toBeUndefined();
    }
  });
});

describe('coversWholeSpace', () => {
  it('is true for /0 in each family and only for that family', () => {
    expect(coversWholeSpace(ranges('0.0.0.0/0'), 'ipv4')).toBe(true);
    expect(coversWholeSpace(ranges('0.0.0.0/0'), 'ipv6')).toBe(false);
    expect(coversWholeSpace(ranges('::/0'), 'ipv6')).toBe(true);
    expect(coversWholeSpace(ranges('::/0'), 'ipv4')).toBe(false);
  });

  it('is true for splits that add up to the whole space, in any order and with overlaps', () => {
    expect(coversWholeSpace(ranges('128.0.0.0/1', '0.0.0.0/1'), 'ipv4')).toBe(true);
    expect(coversWholeSpace(ranges('0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/1', '10.0.0.0/8'), 'ipv4')).toBe(true);
    expect(coversWholeSpace(ranges('::/1', '8000::/1'), 'ipv6')).toBe(true);
    expect(coversWholeSpace(ranges('0.0.0.0/1', '0.0.0.0/2', '100.0.0.0/6', '128.0.0.0/1'), 'ipv4')).toBe(true);
  });

  it('is false when any address is left out', () => {
    expect(coversWholeSpace([], 'ipv4')).toBe(false);
    expect(coversWholeSpace(ranges('0.0.0.0/1'), 'ipv4')).toBe(false);
    expect(coversWholeSpace(ranges('0.0.0.0/1', '128.0.0.0/2'), 'ipv4')).toBe(false);
    expect(coversWholeSpace(ranges('0.0.0.0/1', '128.0.0.1/1'), 'ipv4')).toBe(true); // host bits cleared: 128.0.0.0/1
    expect(coversWholeSpace(ranges('0.0.0.0/1', '192.0.0.0/2'), 'ipv4')).toBe(false);
    expect(coversWholeSpace(ranges('::/1'), 'ipv6')).toBe(false);
    expect(coversWholeSpace(ranges('::/1', '8000::/2'), 'ipv6')).toBe(false);
    expect(coversWholeSpace(ranges('10.0.0.0/8'), 'ipv4')).toBe(false);
  });

  it('covers up to the last address exactly', () => {
    const all = ranges('0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/4', '240.0.0.0/5', '248.0.0.0/6', '252.0.0.0/7', '254.0.0.0/8', '255.0.0.0/9');
    expect(coversWholeSpace(all, 'ipv4')).toBe(false);
    expect(coversWholeSpace([...all, ...ranges('255.128.0.0/9')], 'ipv4')).toBe(true);
    // A staircase of blocks /1, /2 … /32 covers everything but the last address.
    const space = 1n << 32n;
    const staircase: CidrRange[] = Array.from({ length: 32 }, (_, i) => {
      const size = 1n << BigInt(31 - i);
      const start = space - 2n * size;
      return { family: 'ipv4', start, end: start + size - 1n, prefix: i + 1, cidr: `block ${i + 1}` };
    });
    expect(coversWholeSpace(staircase, 'ipv4')).toBe(false);
    expect(coversWholeSpace([...staircase, ...ranges('255.255.255.255/32')], 'ipv4')).toBe(true);
  });
});

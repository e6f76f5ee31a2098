import { describe, expect, it } from 'vitest';
import { addressRange, coversInternet, ipv4Range, touchesInternet } from './addresses.js';

const r = (text: string) => {
  const range = addressRange(text);
  if (range === undefined) throw new Error(text);
  return range;
};

describe('the internet, as address ranges', () => {
  it('is every public address of a family, however the ranges are split', () => {
    expect(coversInternet([r('0.0.0.0/0')], 'ipv4')).toBe(true);
    expect(coversInternet([r('0.0.0.0/1'), r('128.0.0.0/1')], 'ipv4')).toBe(true);
    expect(coversInternet([r('0.0.0.0/1')], 'ipv4')).toBe(false);
    expect(coversInternet([r('0.0.0.0/0')], 'ipv6')).toBe(false);
    expect(coversInternet([r('2000::/3')], 'ipv6')).toBe(true);
    expect(coversInternet([r('::/0')], 'ipv6')).toBe(true);
  });

  it('tells public from special-purpose space, across adjacent reserved blocks', () => {
    expect(touchesInternet(r('10.1.2.0/24'))).toBe(false);
    expect(touchesInternet(r('224.0.0.0/3'))).toBe(false); // multicast + reserved, adjacent
    expect(touchesInternet(r('203.0.113.7'))).toBe(false); // documentation
    expect(touchesInternet(r('8.8.8.8'))).toBe(true);
    expect(touchesInternet(r('172.16.0.0/11'))).toBe(true); // 172.16/12 plus 172.0–172.15… public half
    expect(touchesInternet(r('fd00::/8'))).toBe(false);
    expect(touchesInternet(r('2606:4700::/32'))).toBe(true);
  });

  it('parses firewall ranges and bare addresses, rejecting malformed or reversed ones', () => {
    expect(ipv4Range('0.0.0.0', '255.255.255.255')).toMatchObject({ start: 0n, end: 4294967295n });
    expect(ipv4Range('10.0.0.9', '10.0.0.1')).toBeUndefined();
    expect(ipv4Range('1.2.3', '1.2.3.4')).toBeUndefined();
    expect(addressRange('1.2.3.4')).toMatchObject({ prefix: 32 });
    expect(addressRange('2001:db8::1')).toMatchObject({ family: 'ipv6', prefix: 128 });
    expect(addressRange('VirtualNetwork')).toBeUndefined();
    expect(addressRange('10.0.0.1-10.0.0.5')).toMatchObject({ start: 167772161n, end: 167772165n });
  });
});

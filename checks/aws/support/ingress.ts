// Whether a security group's ingress rules admit the whole internet to a TCP port, read from
// DescribeSecurityGroups' IpPermissions. Security group rules only allow, so the group admits what the
// union of its rules admits: the CIDRs of every rule that reaches the port are pooled before asking
// whether they cover an entire address family.

import type { IpPermission } from '@aws-sdk/client-ec2';
import { coversWholeSpace, parseCidr, type AddressFamily, type CidrRange } from '../../support/cidr.js';

/** True when the rule is "all traffic" (`-1`). */
function isAllTraffic(protocol: string): boolean {
  return protocol === '-1' || protocol === 'all';
}

function isTcp(protocol: string): boolean {
  return protocol === 'tcp' || protocol === '6';
}

/** Port bounds of a TCP rule; absent or -1 bounds are read as open-ended (the conservative reading). */
function tcpBounds(rule: IpPermission): [number, number] {
  const from = rule.FromPort === undefined || rule.FromPort < 0 ? 0 : rule.FromPort;
  const to = rule.ToPort === undefined || rule.ToPort < 0 ? 65535 : rule.ToPort;
  return [from, to];
}

/**
 * Whether the rule lets TCP traffic to `port` through. With `port` undefined (unknown), only rules that
 * admit every TCP port count: all traffic, or TCP 0–65535.
 */
export function ruleAdmitsTcpPort(rule: IpPermission, port: number | undefined): boolean {
  const protocol = (rule.IpProtocol ?? '').trim().toLowerCase();
  if (isAllTraffic(protocol)) return true;
  if (!isTcp(protocol)) return false;
  const [from, to] = tcpBounds(rule);
  return port === undefined ? from <= 0 && to >= 65535 : from <= port && port <= to;
}

/** `tcp port 22`, `tcp ports 0-1024`, `all traffic`, with the rule's sources. */
export function describeRule(rule: IpPermission): string {
  const protocol = (rule.IpProtocol ?? '').trim().toLowerCase();
  let what: string;
  if (isAllTraffic(protocol)) {
    what = 'all traffic (IpProtocol -1)';
  } else if (isTcp(protocol)) {
    const [from, to] = tcpBounds(rule);
    what = from === to ? `tcp port ${from}` : `tcp ports ${from}-${to}`;
  } else {
    what = `IpProtocol ${rule.IpProtocol ?? '(absent)'}`;
  }
  const sources = sourcesOf(rule);
  return `${what} from ${sources.length > 0 ? sources.join(', ') : '(no sources)'}`;
}

function sourcesOf(rule: IpPermission): string[] {
  return [
    ...(rule.IpRanges ?? []).flatMap((r) => (r.CidrIp === undefined ? [] : [r.CidrIp])),
    ...(rule.Ipv6Ranges ?? []).flatMap((r) => (r.CidrIpv6 === undefined ? [] : [r.CidrIpv6])),
    ...(rule.UserIdGroupPairs ?? []).flatMap((p) => (p.GroupId === undefined ? [] : [p.GroupId])),
    ...(rule.PrefixListIds ?? []).flatMap((p) => (p.PrefixListId === undefined ? [] : [p.PrefixListId])),
  ];
}

export interface PortExposure {
  /** The union of IPv4 CIDRs reaching the port is the whole IPv4 space. */
  ipv4: boolean;
  /** The union of IPv6 CIDRs reaching the port is the whole IPv6 space. */
  ipv6: boolean;
  /** Every ingress rule that reaches the port, whatever its source. */
  rules: IpPermission[];
  /** The rules that make up the internet-wide exposure (empty when neither family is covered). */
  offending: IpPermission[];
  /** CIDRs on rules reaching the port (IPv4 and IPv6, as written). */
  cidrs: string[];
  /** Security groups referenced by rules reaching the port (not the internet). */
  groupReferences: string[];
  /** Prefix lists on rules reaching the port: their entries are not read, so they are not evaluated. */
  prefixLists: string[];
  /** CIDRs that could not be parsed; ignored. */
  malformed: string[];
}

/** Evaluates a group's ingress rules for TCP `port` (undefined: only all-port rules count). */
export function tcpPortExposure(permissions: readonly IpPermission[] | undefined, port: number | undefined): PortExposure {
  const rules = (permissions ?? []).filter((rule) => ruleAdmitsTcpPort(rule, port));
  const ranges: CidrRange[] = [];
  const rangesByRule = new Map<IpPermission, CidrRange[]>();
  const cidrs: string[] = [];
  const malformed: string[] = [];
  const groupReferences: string[] = [];
  const prefixLists: string[] = [];
  for (const rule of rules) {
    const own: CidrRange[] = [];
    const texts = [
      ...(rule.IpRanges ?? []).map((r) => r.CidrIp),
      ...(rule.Ipv6Ranges ?? []).map((r) => r.CidrIpv6),
    ];
    for (const text of texts) {
      if (text === undefined) continue;
      cidrs.push(text);
      const range = parseCidr(text);
      if (range === undefined) malformed.push(text);
      else own.push(range);
    }
    rangesByRule.set(rule, own);
    ranges.push(...own);
    for (const pair of rule.UserIdGroupPairs ?? []) if (pair.GroupId !== undefined) groupReferences.push(pair.GroupId);
    for (const list of rule.PrefixListIds ?? []) if (list.PrefixListId !== undefined) prefixLists.push(list.PrefixListId);
  }
  const ipv4 = coversWholeSpace(ranges, 'ipv4');
  const ipv6 = coversWholeSpace(ranges, 'ipv6');
  const openFamilies = new Set<AddressFamily>();
  if (ipv4) openFamilies.add('ipv4');
  if (ipv6) openFamilies.add('ipv6');
  // Per open family, quote the rules holding a /0 when there are any; otherwise that family is reached by a
  // split (0.0.0.0/1 + 128.0.0.0/1) and every rule contributing ranges of it is part of the exposure.
  const wholeFamilies = new Set(ranges.filter((r) => r.prefix === 0).map((r) => r.family));
  const offending = rules.filter((rule) =>
    (rangesByRule.get(rule) ?? []).some((r) => openFamilies.has(r.family) && (r.prefix === 0 || !wholeFamilies.has(r.family))),
  );
  return { ipv4, ipv6, rules, offending, cidrs, groupReferences, prefixLists, malformed };
}

/** Which internet the exposure opens to, for messages. */
export function openFamiliesLabel(exposure: PortExposure): string {
  if (exposure.ipv4 && exposure.ipv6) return 'the whole IPv4 and IPv6 internet';
  return exposure.ipv4 ? 'the whole IPv4 internet' : 'the whole IPv6 internet';
}

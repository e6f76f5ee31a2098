// Whether a security group's ingress rules admit the whole internet to a TCP port, read from
// DescribeSecurityGroups' IpPermissions. Security group rules only allow, so the group admits what the
// union of its rules admits: the CIDRs of every rule that reaches the port are pooled before asking
// whether they cover an entire address family. A customer-managed prefix list a rule references counts
// as its entries (GetManagedPrefixListEntries); an AWS-managed one (com.amazonaws.*) holds a service's
// address ranges, which are not the internet.

import type { IpPermission } from '@aws-sdk/client-ec2';
import { evidenceFrom, type Collected } from '../../../core/control.js';
import type { Evidence } from '../../../core/model.js';
import { isAwsManagedPrefixList, type PrefixListRecord } from '../../../providers/aws/datasets.js';
import { coversWholeSpace, parseCidr, type AddressFamily, type CidrRange } from '../../support/cidr.js';

/** The region's prefix lists by id; undefined when they could not be read. */
export type PrefixListIndex = ReadonlyMap<string, PrefixListRecord> | undefined;

export function prefixListIndex(lists: readonly PrefixListRecord[] | undefined): PrefixListIndex {
  if (lists === undefined) return undefined;
  return new Map(lists.flatMap((list) => (list.PrefixListId === undefined ? [] : [[list.PrefixListId, list] as const])));
}

/** Entries named in a message; the evidence holds them all. */
const ENTRY_LIMIT = 5;

/** `pl-1 (office: 203.0.113.0/24, 0.0.0.0/0)`, `pl-2 (com.amazonaws.us-east-1.s3, AWS-managed)`, `pl-3 (entries not read)`. */
export function describePrefixList(id: string, lists: PrefixListIndex): string {
  const list = lists?.get(id);
  if (list === undefined) return `${id} (entries not read)`;
  const name = list.PrefixListName === undefined || list.PrefixListName === '' ? '' : `${list.PrefixListName}`;
  if (isAwsManagedPrefixList(list)) return `${id} (${name}, AWS-managed service ranges)`;
  const cidrs = (list.Entries ?? []).flatMap((e) => (e.Cidr === undefined ? [] : [e.Cidr]));
  const shown = cidrs.length === 0 ? 'no entries' : `${cidrs.slice(0, ENTRY_LIMIT).join(', ')}${cidrs.length > ENTRY_LIMIT ? ` and ${cidrs.length - ENTRY_LIMIT} more` : ''}`;
  return `${id} (${name === '' ? '' : `${name}: `}${shown})`;
}

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
export function describeRule(rule: IpPermission, lists?: PrefixListIndex): string {
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
  const sources = sourcesOf(rule, lists);
  return `${what} from ${sources.length > 0 ? sources.join(', ') : '(no sources)'}`;
}

function sourcesOf(rule: IpPermission, lists: PrefixListIndex): string[] {
  return [
    ...(rule.IpRanges ?? []).flatMap((r) => (r.CidrIp === undefined ? [] : [r.CidrIp])),
    ...(rule.Ipv6Ranges ?? []).flatMap((r) => (r.CidrIpv6 === undefined ? [] : [r.CidrIpv6])),
    ...(rule.UserIdGroupPairs ?? []).flatMap((p) => (p.GroupId === undefined ? [] : [p.GroupId])),
    ...(rule.PrefixListIds ?? []).flatMap((p) => (p.PrefixListId === undefined ? [] : [`prefix list ${lists === undefined ? p.PrefixListId : describePrefixList(p.PrefixListId, lists)}`])),
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
  /** Prefix lists on rules reaching the port, whatever their kind. */
  prefixLists: string[];
  /** Customer-managed prefix lists on rules reaching the port, whose entries were pooled with the CIDRs. */
  evaluatedPrefixLists: PrefixListRecord[];
  /** Prefix lists whose entries are unknown (not read, or not among the region's lists): not evaluated. */
  unevaluatedPrefixLists: string[];
  /** CIDRs (or prefix list entries) that could not be parsed; ignored. */
  malformed: string[];
}

/**
 * Evaluates a group's ingress rules for TCP `port` (undefined: only all-port rules count). `lists` are the
 * region's prefix lists; without them (or for a list not among them) a referenced list is not evaluated.
 */
export function tcpPortExposure(permissions: readonly IpPermission[] | undefined, port: number | undefined, lists?: PrefixListIndex): PortExposure {
  const rules = (permissions ?? []).filter((rule) => ruleAdmitsTcpPort(rule, port));
  const ranges: CidrRange[] = [];
  const rangesByRule = new Map<IpPermission, CidrRange[]>();
  const cidrs: string[] = [];
  const malformed: string[] = [];
  const groupReferences: string[] = [];
  const prefixLists: string[] = [];
  const evaluatedPrefixLists: PrefixListRecord[] = [];
  const unevaluatedPrefixLists: string[] = [];
  for (const rule of rules) {
    const own: CidrRange[] = [];
    const pool = (text: string | undefined) => {
      if (text === undefined) return;
      const range = parseCidr(text);
      if (range === undefined) malformed.push(text);
      else own.push(range);
    };
    for (const text of [...(rule.IpRanges ?? []).map((r) => r.CidrIp), ...(rule.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)]) {
      if (text !== undefined) cidrs.push(text);
      pool(text);
    }
    for (const reference of rule.PrefixListIds ?? []) {
      if (reference.PrefixListId === undefined) continue;
      prefixLists.push(reference.PrefixListId);
      const list = lists?.get(reference.PrefixListId);
      if (list !== undefined && isAwsManagedPrefixList(list)) continue;
      if (list?.Entries === undefined) {
        unevaluatedPrefixLists.push(reference.PrefixListId);
        continue;
      }
      if (!evaluatedPrefixLists.includes(list)) evaluatedPrefixLists.push(list);
      for (const entry of list.Entries) pool(entry.Cidr);
    }
    rangesByRule.set(rule, own);
    ranges.push(...own);
    for (const pair of rule.UserIdGroupPairs ?? []) if (pair.GroupId !== undefined) groupReferences.push(pair.GroupId);
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
  return { ipv4, ipv6, rules, offending, cidrs, groupReferences, prefixLists: [...new Set(prefixLists)], evaluatedPrefixLists, unevaluatedPrefixLists: [...new Set(unevaluatedPrefixLists)], malformed };
}

/** Which internet the exposure opens to, for messages. */
export function openFamiliesLabel(exposure: PortExposure): string {
  if (exposure.ipv4 && exposure.ipv6) return 'the whole IPv4 and IPv6 internet';
  return exposure.ipv4 ? 'the whole IPv4 internet' : 'the whole IPv6 internet';
}

/** Why a referenced prefix list was not evaluated, for messages. */
export function unevaluatedReason(lists: PrefixListIndex): string {
  return lists === undefined
    ? 'their entries could not be read: the DescribeManagedPrefixLists / GetManagedPrefixListEntries context is unavailable'
    : 'not among the prefix lists DescribeManagedPrefixLists returned for the region, so their entries are unknown';
}

/** The prefix lists whose entries were judged, quoted with the API that returned them. */
export function prefixListEvidence(lists: Collected<PrefixListRecord> | undefined, exposure: PortExposure): Evidence[] {
  if (lists === undefined || exposure.evaluatedPrefixLists.length === 0) return [];
  const evidence = evidenceFrom(lists, { PrefixLists: exposure.evaluatedPrefixLists });
  return [{ ...evidence, api: 'ec2:GetManagedPrefixListEntries' }];
}

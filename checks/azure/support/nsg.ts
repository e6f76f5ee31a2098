// Whether a network security group lets the internet reach a TCP port, read from ARM's securityRules
// and defaultSecurityRules. NSG rules are evaluated in priority order (lowest number first) and the
// first rule that matches a packet decides, so a Deny with a higher priority overrides a later Allow
// for the traffic it covers.
//
// The group admits the internet to the port when, walking the inbound rules that match TCP to that
// port in priority order, the Allow rules seen so far cover the whole public address space (in one
// rule or split across several) while the Deny rules before them do not: then at least the part of the
// internet those denies leave out is let through. An Allow from `*` shadowed by a Deny from `*` or
// `Internet` passes; the same Allow after a Deny of a few addresses still fails.
//
// Unclear fields are read against the verdict Ward could get wrong: an Allow whose protocol, ports or
// sources are absent or malformed is taken to match, a Deny with the same gaps is taken to match
// nothing. Service tags other than Internet (VirtualNetwork, AzureLoadBalancer, AzureCloud, Storage…)
// and application security groups are not the internet.

import type { NetworkSecurityGroupProperties, SecurityRuleProperties, SecurityRuleRecord } from '../../../providers/azure/datasets.js';
import { addressRange, coversInternet, touchesInternet, wholeFamily, type AddressFamily, type CidrRange } from './addresses.js';

const FAMILIES: readonly AddressFamily[] = ['ipv4', 'ipv6'];
/** Source tokens that stand for every address: `*`, `Any` and the `Internet` service tag. */
const EVERYWHERE = new Set(['*', 'any', 'internet']);
/** Destination tokens that cover every address an NSG can protect. */
const ALL_DESTINATIONS = new Set(['*', 'any', 'virtualnetwork', '0.0.0.0/0']);

export interface RuleView {
  record: SecurityRuleRecord;
  name: string;
  priority: number;
  access: 'allow' | 'deny';
  isDefault: boolean;
  /** Source address ranges the rule matches (per family); tags other than Internet contribute none. */
  ranges: CidrRange[];
  /** Source texts as written, for messages. */
  sources: string[];
  /** `*` when the rule applies to every destination, else its normalised destinations. */
  destination: string;
}

export interface PortExposure {
  open: boolean;
  /** Families in which the internet is admitted. */
  families: AddressFamily[];
  /** Allow rules, up to the deciding one, that admit public addresses to the port. */
  opening: RuleView[];
  /** Higher-priority Deny rules that carve only part of the internet out of the opening. */
  partialDenies: RuleView[];
  /** Internet-wide Allow rules that higher-priority Deny rules fully shadow. */
  shadowed: Array<{ allow: RuleView; denies: RuleView[] }>;
  /** Every inbound Allow rule that matches TCP to the port, whatever its source. */
  allows: RuleView[];
}

function lower(value: string | null | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

function listOf(single: string | null | undefined, many: readonly string[] | null | undefined): string[] {
  return [single ?? '', ...(many ?? [])].map((s) => s.trim()).filter((s) => s !== '');
}

/** `*`, `22`, `20-30` as inclusive bounds; undefined when malformed. */
function portBounds(spec: string): [number, number] | undefined {
  const text = spec.trim().toLowerCase();
  if (text === '*' || text === 'any') return [0, 65535];
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(text);
  if (m?.[1] === undefined) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from <= to ? [from, to] : undefined;
}

/** Whether the port specs include `port`; an absent or malformed spec counts as `lenient`. */
function portsInclude(specs: string[], port: number, lenient: boolean): boolean {
  if (specs.length === 0) return lenient;
  return specs.some((spec) => {
    const bounds = portBounds(spec);
    return bounds === undefined ? lenient : bounds[0] <= port && port <= bounds[1];
  });
}

function coversAllPorts(specs: string[], lenient: boolean): boolean {
  if (specs.length === 0) return lenient;
  return specs.some((spec) => {
    const bounds = portBounds(spec);
    return bounds !== undefined && bounds[0] === 0 && bounds[1] === 65535;
  });
}

/** Whether the rule matches inbound TCP to `port` (from any source port, for a Deny). */
function matchesTcpPort(p: SecurityRuleProperties, port: number, access: 'allow' | 'deny'): boolean {
  const lenient = access === 'allow';
  const direction = lower(p.direction);
  if (direction === '' ? !lenient : direction !== 'inbound') return false;
  const protocol = lower(p.protocol);
  if (protocol === '' ? !lenient : !(protocol === 'tcp' || protocol === '*' || protocol === 'any')) return false;
  if (!portsInclude(listOf(p.destinationPortRange, p.destinationPortRanges), port, lenient)) return false;
  // A Deny limited to some source ports lets the others through: it does not cover the traffic.
  if (access === 'deny' && !coversAllPorts(listOf(p.sourcePortRange, p.sourcePortRanges), true)) return false;
  return true;
}

function sourceRanges(p: SecurityRuleProperties, access: 'allow' | 'deny'): { ranges: CidrRange[]; sources: string[] } {
  const sources = listOf(p.sourceAddressPrefix, p.sourceAddressPrefixes);
  const groups = (p.sourceApplicationSecurityGroups ?? []).map((g) => `application security group ${g.id ?? '(unknown)'}`);
  if (sources.length === 0 && groups.length === 0) {
    // No source at all: an Allow is read as from anywhere, a Deny as from nowhere.
    return access === 'allow' ? { ranges: FAMILIES.map((f) => wholeFamily(f, '(no source)')), sources: ['(no source)'] } : { ranges: [], sources: ['(no source)'] };
  }
  const ranges: CidrRange[] = [];
  for (const source of sources) {
    if (EVERYWHERE.has(source.toLowerCase())) {
      ranges.push(...FAMILIES.map((f) => wholeFamily(f, source)));
      continue;
    }
    const range = addressRange(source);
    if (range !== undefined) ranges.push(range);
    else if (access === 'allow' && !/^[A-Za-z][A-Za-z0-9.]*$/.test(source)) {
      // Neither an address nor a service tag: read as anywhere rather than risk a wrong PASS.
      ranges.push(...FAMILIES.map((f) => wholeFamily(f, source)));
    }
    // Any other word is a service tag (VirtualNetwork, AzureCloud, Storage.EastUS…): not the internet.
  }
  return { ranges, sources: [...sources, ...groups] };
}

function destinationOf(p: SecurityRuleProperties, access: 'allow' | 'deny'): string {
  const destinations = listOf(p.destinationAddressPrefix, p.destinationAddressPrefixes).map((d) => d.toLowerCase());
  const groups = (p.destinationApplicationSecurityGroups ?? []).map((g) => lower(g.id));
  if (destinations.length === 0 && groups.length === 0) return access === 'allow' ? '*' : '(none)';
  if (destinations.some((d) => ALL_DESTINATIONS.has(d))) return '*';
  return [...destinations, ...groups].sort().join(',');
}

function view(record: SecurityRuleRecord, isDefault: boolean, port: number): RuleView | undefined {
  const p = record.properties;
  if (p === undefined || p === null) return undefined;
  const accessText = lower(p.access);
  if (accessText !== 'allow' && accessText !== 'deny') return undefined;
  const access = accessText;
  if (!matchesTcpPort(p, port, access)) return undefined;
  const { ranges, sources } = sourceRanges(p, access);
  return {
    record,
    name: record.name ?? '(unnamed rule)',
    priority: typeof p.priority === 'number' ? p.priority : Number.POSITIVE_INFINITY,
    access,
    isDefault,
    ranges,
    sources,
    destination: destinationOf(p, access),
  };
}

function touches(rule: RuleView, family: AddressFamily): boolean {
  return rule.ranges.some((r) => r.family === family && touchesInternet(r));
}

/** The inbound rules of the group that match TCP to `port`, in evaluation order. */
export function matchingRules(properties: NetworkSecurityGroupProperties | null | undefined, port: number): RuleView[] {
  const rules = [
    ...(properties?.securityRules ?? []).map((r) => view(r, false, port)),
    ...(properties?.defaultSecurityRules ?? []).map((r) => view(r, true, port)),
  ].filter((r): r is RuleView => r !== undefined);
  // Equal priorities cannot exist within one direction; should they, Deny is read first (the stricter).
  return rules.sort((a, b) => a.priority - b.priority || (a.access === b.access ? 0 : a.access === 'deny' ? -1 : 1));
}

export function tcpPortExposure(properties: NetworkSecurityGroupProperties | null | undefined, port: number): PortExposure {
  const rules = matchingRules(properties, port);
  const allows = rules.filter((r) => r.access === 'allow');
  const result: PortExposure = { open: false, families: [], opening: [], partialDenies: [], shadowed: [], allows };
  const destinations = new Set(['*', ...allows.map((r) => r.destination)]);
  const shadowedSeen = new Set<RuleView>();

  for (const destination of destinations) {
    // Traffic to this destination meets the rules for every destination and the rules for it alone.
    const applicable = rules.filter((r) => r.destination === '*' || r.destination === destination);
    for (const family of FAMILIES) {
      if (result.families.includes(family)) continue;
      const allowed: CidrRange[] = [];
      const denied: CidrRange[] = [];
      const allowsSoFar: RuleView[] = [];
      const deniesSoFar: RuleView[] = [];
      for (const rule of applicable) {
        const ranges = rule.ranges.filter((r) => r.family === family);
        if (rule.access === 'deny') {
          denied.push(...ranges);
          deniesSoFar.push(rule);
          continue;
        }
        allowed.push(...ranges);
        allowsSoFar.push(rule);
        const deniedAll = coversInternet(denied, family);
        if (deniedAll && coversInternet(ranges, family) && !shadowedSeen.has(rule)) {
          shadowedSeen.add(rule);
          result.shadowed.push({ allow: rule, denies: deniesSoFar.filter((d) => touches(d, family)) });
        }
        if (coversInternet(allowed, family) && !deniedAll) {
          result.open = true;
          result.families.push(family);
          for (const r of allowsSoFar) if (touches(r, family) && !result.opening.includes(r)) result.opening.push(r);
          for (const d of deniesSoFar) if (touches(d, family) && !result.partialDenies.includes(d)) result.partialDenies.push(d);
          break;
        }
      }
    }
  }
  return result;
}

/** `allow-ssh (priority 300, Allow Tcp 20-30 from Internet)`. */
export function describeRule(rule: RuleView): string {
  const p = rule.record.properties ?? {};
  const ports = listOf(p.destinationPortRange, p.destinationPortRanges);
  const destination = rule.destination === '*' ? '' : ` to ${rule.destination}`;
  const priority = Number.isFinite(rule.priority) ? `priority ${rule.priority}` : 'no priority';
  return `${rule.name} (${rule.isDefault ? 'default rule, ' : ''}${priority}, ${p.access ?? '?'} ${p.protocol ?? '(no protocol)'} port ${ports.length > 0 ? ports.join(',') : '(none)'} from ${rule.sources.join(', ')}${destination})`;
}

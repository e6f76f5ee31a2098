// Whether VPC firewall rules admit the whole internet to a TCP port, from compute.googleapis.com/Firewall
// assets. Rules are resources of their own, evaluated per network:
//   - only enabled INGRESS rules count (`direction` absent means INGRESS, `disabled` absent means enabled);
//   - an `allowed` entry reaches the port when its protocol is `all`, or `tcp` / `6` with no `ports`
//     (every port) or a port or `from-to` range containing it;
//   - the sources are the union of `sourceRanges`, `sourceTags` and `sourceServiceAccounts`; only ranges
//     come from the internet, and an ingress rule with no source at all applies to 0.0.0.0/0;
//   - allow rules add up: rules on the same network whose targets include the same instances (identical
//     target tags / service accounts, or no targets: every instance) are pooled, so 0.0.0.0/1 in one rule
//     and 128.0.0.0/1 in another open the whole IPv4 internet together;
//   - a deny rule for the port at the same or a higher precedence (priority number ≤ the allow's) whose
//     targets include every instance the allow applies to removes its ranges from that allow.
// Hierarchical and network firewall policies, evaluated before VPC rules, are not read here.

import type { ComputeFirewall, FirewallProtocolPorts, FirewallRecord } from '../../../providers/gcp/datasets.js';
import { lastSegment } from '../../../providers/gcp/assets.js';
import {
  coversFamily,
  intervalsOf,
  parseRanges,
  subtract,
  unionOf,
  type AddressFamily,
  type CidrRange,
  type Interval,
} from './network.js';

export const DEFAULT_PRIORITY = 1000;
const FAMILIES: readonly AddressFamily[] = ['ipv4', 'ipv6'];

export interface PortMatch {
  /** The entries (allowed or denied) that reach the port. */
  entries: FirewallProtocolPorts[];
  /** Port specifications that could not be read (ignored). */
  malformed: string[];
}

function protocolOf(entry: FirewallProtocolPorts): string {
  return (entry.IPProtocol ?? '').trim().toLowerCase();
}

/** Whether one allowed/denied entry reaches TCP `port`; malformed port specs are reported, not matched. */
export function entryReachesTcpPort(entry: FirewallProtocolPorts, port: number, malformed: string[] = []): boolean {
  const protocol = protocolOf(entry);
  if (protocol === 'all') return true;
  if (protocol !== 'tcp' && protocol !== '6') return false;
  const ports = entry.ports ?? [];
  if (ports.length === 0) return true;
  let reaches = false;
  for (const spec of ports) {
    const match = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(spec);
    if (match === null) {
      malformed.push(spec);
      continue;
    }
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from > 65535 || to > 65535 || from > to) {
      malformed.push(spec);
      continue;
    }
    if (from <= port && port <= to) reaches = true;
  }
  return reaches;
}

export function reachingEntries(entries: readonly FirewallProtocolPorts[] | undefined, port: number): PortMatch {
  const malformed: string[] = [];
  const reaching = (entries ?? []).filter((entry) => entryReachesTcpPort(entry, port, malformed));
  return { entries: reaching, malformed };
}

/** `tcp:22`, `tcp:20-30`, `tcp (all ports)`, `all protocols`. */
export function describeEntry(entry: FirewallProtocolPorts): string {
  const protocol = protocolOf(entry);
  if (protocol === 'all') return 'all protocols';
  const ports = entry.ports ?? [];
  const name = protocol === '6' ? 'tcp (6)' : protocol === '' ? '(no protocol)' : protocol;
  return ports.length === 0 ? `${name} (all ports)` : `${name}:${ports.join(',')}`;
}

export interface RuleFacts {
  record: FirewallRecord;
  name: string;
  /** The network's short name. */
  network: string;
  priority: number;
  ingress: boolean;
  enabled: boolean;
  /** Entries reaching the port in `allowed` (or `denied`, for deny rules). */
  action: 'allow' | 'deny' | 'none';
  match: PortMatch;
  sources: {
    /** Ranges as written (or the implied 0.0.0.0/0). */
    texts: string[];
    ranges: CidrRange[];
    malformed: string[];
    /** No source of any kind: Google Cloud applies 0.0.0.0/0. */
    implied: boolean;
    tags: string[];
    serviceAccounts: string[];
  };
  targets: { tags: string[]; serviceAccounts: string[] };
  /** `all`, or a canonical form of the target tags / service accounts. */
  targetKey: string;
}

function targetKeyOf(rule: ComputeFirewall): string {
  const tags = [...(rule.targetTags ?? [])].sort();
  const accounts = [...(rule.targetServiceAccounts ?? [])].sort();
  if (tags.length === 0 && accounts.length === 0) return 'all';
  return `tags:${tags.join(',')}|sa:${accounts.join(',')}`;
}

export function factsOf(record: FirewallRecord, port: number): RuleFacts {
  const rule = record.data;
  const ingress = (rule.direction ?? 'INGRESS').toUpperCase() !== 'EGRESS';
  const allowed = rule.allowed ?? [];
  const denied = rule.denied ?? [];
  const action = allowed.length > 0 ? 'allow' : denied.length > 0 ? 'deny' : 'none';
  const match = reachingEntries(action === 'deny' ? denied : allowed, port);
  const tags = rule.sourceTags ?? [];
  const serviceAccounts = rule.sourceServiceAccounts ?? [];
  const written = rule.sourceRanges ?? [];
  const implied = ingress && written.length === 0 && tags.length === 0 && serviceAccounts.length === 0;
  const texts = implied ? ['0.0.0.0/0'] : written;
  const { ranges, malformed } = parseRanges(texts);
  return {
    record,
    name: rule.name ?? lastSegment(record.asset.name) ?? record.asset.name,
    network: lastSegment(rule.network) ?? 'default',
    priority: typeof rule.priority === 'number' ? rule.priority : DEFAULT_PRIORITY,
    ingress,
    enabled: rule.disabled !== true,
    action,
    match,
    sources: { texts, ranges, malformed, implied, tags, serviceAccounts },
    targets: { tags: rule.targetTags ?? [], serviceAccounts: rule.targetServiceAccounts ?? [] },
    targetKey: targetKeyOf(rule),
  };
}

/** Whether `deny` applies to every instance `allow` applies to. */
function coversTargets(deny: RuleFacts, allow: RuleFacts): boolean {
  if (deny.targetKey === 'all') return true;
  if (allow.targetKey === 'all') return false;
  const includesAll = (outer: string[], inner: string[]) => inner.length > 0 && inner.every((x) => outer.includes(x));
  if (allow.targets.tags.length > 0) return includesAll(deny.targets.tags, allow.targets.tags);
  return includesAll(deny.targets.serviceAccounts, allow.targets.serviceAccounts);
}

export interface PortExposure {
  facts: RuleFacts;
  /** Families in which this rule is part of an internet-wide opening of the port. */
  families: AddressFamily[];
  /** Other allow rules whose ranges complete the opening (empty when the rule opens it alone). */
  combinedWith: RuleFacts[];
  /**
   * Families the rule would help open but for deny rules, and those deny rules; `partial` when the
   * denies take only part of the rule's ranges (what is left no longer adds up to the internet).
   */
  shadowed: { families: AddressFamily[]; by: RuleFacts[]; partial: boolean };
}

/** Evaluates every rule of a project for TCP `port`; one entry per rule, in input order. */
export function evaluatePort(records: readonly FirewallRecord[], port: number): PortExposure[] {
  const all = records.map((record) => factsOf(record, port));
  const active = all.filter((f) => f.ingress && f.enabled && f.match.entries.length > 0);
  const allows = active.filter((f) => f.action === 'allow');
  const denies = active.filter((f) => f.action === 'deny');

  // Per allow rule and family: its ranges, and what is left of them once shadowing denies are removed.
  const shadowers = new Map<RuleFacts, RuleFacts[]>();
  const raw = new Map<RuleFacts, Record<AddressFamily, Interval[]>>();
  const effective = new Map<RuleFacts, Record<AddressFamily, Interval[]>>();
  for (const allow of allows) {
    const by = denies.filter((d) => d.network === allow.network && d.priority <= allow.priority && coversTargets(d, allow));
    shadowers.set(allow, by);
    const own = { ipv4: intervalsOf(allow.sources.ranges, 'ipv4'), ipv6: intervalsOf(allow.sources.ranges, 'ipv6') };
    raw.set(allow, own);
    const removed = by.flatMap((d) => d.sources.ranges);
    effective.set(allow, { ipv4: subtract(own.ipv4, intervalsOf(removed, 'ipv4')), ipv6: subtract(own.ipv6, intervalsOf(removed, 'ipv6')) });
  }

  // Which rules make up each internet-wide opening, per target group and family: a rule that opens it
  // alone is blamed alone; when only a union opens it, the rules it cannot do without (or, when every
  // rule has a duplicate, all of them) are blamed, each naming the others.
  const blamed = new Map<RuleFacts, { families: Set<AddressFamily>; partners: Set<RuleFacts> }>();
  const blame = (rule: RuleFacts, family: AddressFamily, partners: RuleFacts[]) => {
    const entry = blamed.get(rule) ?? { families: new Set<AddressFamily>(), partners: new Set<RuleFacts>() };
    entry.families.add(family);
    for (const p of partners) entry.partners.add(p);
    blamed.set(rule, entry);
  };
  const eff = (rule: RuleFacts, family: AddressFamily) => effective.get(rule)?.[family] ?? [];
  const groups = new Map<string, RuleFacts[]>();
  for (const allow of allows) {
    const group = `${allow.network} ${allow.targetKey}`;
    groups.set(group, [...(groups.get(group) ?? []), allow]);
  }
  for (const members of groups.values()) {
    const first = members[0];
    if (first === undefined) continue;
    // Instances in a target group also get the network's rules that target every instance.
    const pool = first.targetKey === 'all' ? members : [...members, ...allows.filter((a) => a.network === first.network && a.targetKey === 'all')];
    for (const family of FAMILIES) {
      const contributors = pool.filter((a) => eff(a, family).length > 0);
      if (!coversFamily(unionOf(contributors.map((a) => eff(a, family))), family)) continue;
      const alone = contributors.filter((a) => coversFamily(eff(a, family), family));
      if (alone.length > 0) {
        for (const rule of alone) blame(rule, family, []);
        continue;
      }
      const needed = contributors.filter((a) => !coversFamily(unionOf(contributors.filter((b) => b !== a).map((b) => eff(b, family))), family));
      const culprits = needed.length > 0 ? needed : contributors;
      for (const rule of culprits) {
        // Partners: the other rules whose ranges are not already inside this one's.
        blame(rule, family, contributors.filter((b) => b !== rule && subtract(eff(b, family), eff(rule, family)).length > 0));
      }
    }
  }

  return all.map((facts): PortExposure => {
    const none: PortExposure = { facts, families: [], combinedWith: [], shadowed: { families: [], by: [], partial: false } };
    const ownRaw = raw.get(facts);
    if (ownRaw === undefined) return none;
    const verdict = blamed.get(facts);
    const families = verdict?.families ?? new Set<AddressFamily>();
    // Families the rule would help open if no deny rule took precedence.
    const wouldOpen = FAMILIES.filter((family) => {
      if (ownRaw[family].length === 0 || families.has(family)) return false;
      const pool = allows.filter((a) => a.network === facts.network && (a.targetKey === facts.targetKey || a.targetKey === 'all' || facts.targetKey === 'all'));
      return coversFamily(unionOf(pool.map((a) => raw.get(a)?.[family] ?? [])), family) && subtract(ownRaw[family], eff(facts, family)).length > 0;
    });
    const by = wouldOpen.length === 0 ? [] : (shadowers.get(facts) ?? []).filter((d) => wouldOpen.some((f) => intervalsOf(d.sources.ranges, f).length > 0));
    return {
      facts,
      families: FAMILIES.filter((f) => families.has(f)),
      combinedWith: [...(verdict?.partners ?? [])],
      shadowed: { families: by.length > 0 ? wouldOpen : [], by, partial: wouldOpen.some((f) => eff(facts, f).length > 0) },
    };
  });
}

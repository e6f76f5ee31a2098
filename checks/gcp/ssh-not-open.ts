import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import { gcpFirewalls, type FirewallRecord } from '../../providers/gcp/datasets.js';
import { describeEntry, evaluatePort, type PortExposure, type RuleFacts } from './support/firewall.js';
import { familiesLabel } from './support/network.js';
import { gcpResource, listed } from './support/resources.js';

const SSH_PORT = 22;

function targetsLabel(facts: RuleFacts): string {
  if (facts.targets.tags.length > 0) return `instances tagged ${facts.targets.tags.join(', ')}`;
  if (facts.targets.serviceAccounts.length > 0) return `instances running as ${facts.targets.serviceAccounts.join(', ')}`;
  return 'every instance in the network';
}

function sourcesLabel(facts: RuleFacts): string {
  const parts = [
    ...facts.sources.texts.map((t) => (facts.sources.implied ? `${t} (no source given: Google Cloud applies 0.0.0.0/0)` : t)),
    ...facts.sources.tags.map((t) => `instances tagged ${t}`),
    ...facts.sources.serviceAccounts.map((s) => `instances running as ${s}`),
  ];
  return parts.length > 0 ? parts.join(', ') : 'no source';
}

function ruleLabel(facts: RuleFacts): string {
  return `Firewall rule ${facts.name} (network ${facts.network}, priority ${facts.priority}, ${targetsLabel(facts)})`;
}

function fields(record: FirewallRecord): Record<string, unknown> {
  const r = record.data;
  return {
    name: r.name,
    network: r.network,
    direction: r.direction,
    disabled: r.disabled,
    priority: r.priority,
    sourceRanges: r.sourceRanges,
    sourceTags: r.sourceTags,
    sourceServiceAccounts: r.sourceServiceAccounts,
    targetTags: r.targetTags,
    targetServiceAccounts: r.targetServiceAccounts,
    allowed: r.allowed,
    denied: r.denied,
  };
}

function passReason(exposure: PortExposure): string {
  const { facts } = exposure;
  const entries = facts.match.entries.map(describeEntry).join(', ');
  if (!facts.ingress) return 'is an EGRESS rule: it controls traffic leaving instances and admits nothing in.';
  if (facts.action === 'none') return 'allows and denies nothing.';
  if (facts.action === 'deny') return facts.match.entries.length > 0 ? `is a deny rule (${entries}): it blocks traffic, it admits none.` : 'is a deny rule: it admits nothing.';
  if (facts.match.entries.length === 0) {
    const allowed = (facts.record.data.allowed ?? []).map(describeEntry).join(', ');
    return `does not reach TCP 22 (it allows ${allowed}).`;
  }
  const wouldOpen = exposure.shadowed.families.length > 0;
  if (!facts.enabled) {
    return wouldOpen || facts.sources.ranges.some((r) => r.prefix === 0)
      ? `is disabled, so it admits nothing; enabled, it would admit ${entries} from ${sourcesLabel(facts)}.`
      : `is disabled, so it admits nothing.`;
  }
  if (wouldOpen) {
    const by = exposure.shadowed.by.map((d) => `${d.name} (priority ${d.priority})`).join(', ');
    return exposure.shadowed.partial
      ? `allows ${entries} from ${sourcesLabel(facts)}; deny rule(s) ${by} take precedence for part of those sources, and what is left is not the whole internet.`
      : `allows ${entries} from ${sourcesLabel(facts)}, but deny rule(s) ${by} take precedence for that traffic, so SSH from ${familiesLabel(exposure.shadowed.families)} is blocked.`;
  }
  return `admits ${entries} only from ${sourcesLabel(facts)}, which is not the whole internet.`;
}

export default defineControl({
  id: 'gcp-ssh-not-open',
  provider: 'gcp',
  area: 'ssh',
  title: 'No VPC firewall rule admits SSH from the whole internet',
  severity: 'high',
  hipaa: ['164.312(a)(1)', '164.312(e)(1)'],
  scope: 'account',
  // Designed, not wired yet (README: Change-driven scans).
  changeEvents: { assetFeed: { assetTypes: ['compute.googleapis.com/Firewall'], contentType: 'RESOURCE' } },
  description:
    'No enabled INGRESS allow rule may admit the whole internet (all of IPv4 or all of IPv6, in one range or split across several, or the implied 0.0.0.0/0 of a rule with no source) to TCP port 22, whether through tcp with 22 in its ports or a port range, tcp with no ports, or the "all" protocol. Allow rules on the same network and targets add up; a deny rule for port 22 at the same or a higher precedence, applying to the same instances, takes its ranges away. Disabled and EGRESS rules admit nothing. Hierarchical and network firewall policies (evaluated first) are not read by this control.',
  remediation: {
    text: 'Delete the rule or narrow its source ranges to known addresses. Reach instances through Identity-Aware Proxy TCP forwarding instead (allow only 35.235.240.0/20 on port 22) or OS Login with a bastion; block 0.0.0.0/0 and ::/0 on port 22 organisation-wide with a hierarchical firewall policy.',
    url: 'https://cloud.google.com/firewall/docs/using-firewalls',
  },
  reads: { firewalls: gcpFirewalls },
  evaluate({ firewalls }): Judgement[] {
    const exposures = evaluatePort(firewalls.items, SSH_PORT);
    return exposures.map((exposure): Judgement => {
      const { facts } = exposure;
      const data = facts.record.data;
      const resource = gcpResource(facts.record.asset, data.name);
      const region = facts.record.asset.location ?? 'global';
      const notes: string[] = [];
      if (facts.sources.malformed.length > 0) notes.push(`Unreadable source range(s) ${facts.sources.malformed.map((m) => `"${m}"`).join(', ')} were ignored.`);
      if (facts.match.malformed.length > 0) notes.push(`Unreadable port specification(s) ${facts.match.malformed.map((m) => `"${m}"`).join(', ')} were ignored.`);
      const tail = notes.length > 0 ? ` ${notes.join(' ')}` : '';

      if (exposure.families.length === 0) {
        return { resource, region, status: 'PASS', message: `${ruleLabel(facts)} ${passReason(exposure)}${tail}`, evidence: [evidenceFrom(firewalls, fields(facts.record))] };
      }
      const entries = facts.match.entries.map(describeEntry).join(', ');
      const together =
        exposure.combinedWith.length > 0
          ? ` Together with rule(s) ${listed(exposure.combinedWith.map((r) => `${r.name} (${r.sources.texts.join(', ')})`))} on the same network and instances, the source ranges add up to ${familiesLabel(exposure.families)}.`
          : '';
      const shadowNote =
        exposure.shadowed.by.length > 0 ? ` Deny rule(s) ${exposure.shadowed.by.map((d) => d.name).join(', ')} block part of it, not all.` : '';
      const evidence = [evidenceFrom(firewalls, fields(facts.record)), ...exposure.combinedWith.map((r) => evidenceFrom(firewalls, fields(r.record)))];
      return {
        resource,
        region,
        status: 'FAIL',
        message: `${ruleLabel(facts)} admits ${familiesLabel(exposure.families)} to TCP 22: ${entries} from ${sourcesLabel(facts)}.${together}${shadowNote}${tail}`,
        evidence,
      };
    });
  },
});

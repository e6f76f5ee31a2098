import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import type { Severity } from '../../core/model.js';
import { azureNetworkSecurityGroups } from '../../providers/azure/datasets.js';
import { describeRule, tcpPortExposure, type RuleView } from './support/nsg.js';
import { armResource, label, regionOf } from './support/resources.js';

const SSH_PORT = 22;
const TYPE = 'Microsoft.Network/networkSecurityGroups';

function rules(list: RuleView[]): string {
  return list.map(describeRule).join('; ');
}

export default defineControl({
  id: 'azure-ssh-not-open',
  provider: 'azure',
  area: 'ssh',
  title: 'No network security group admits SSH from the internet',
  severity: 'high',
  hipaa: ['164.312(a)(1)', '164.312(e)(1)'],
  scope: 'account',
  // Designed, not wired yet (README: Change-driven scans).
  changeEvents: { eventGrid: { resourceTypes: ['Microsoft.Network/networkSecurityGroups', 'Microsoft.Network/networkSecurityGroups/securityRules'] } },
  description:
    'No network security group may let the internet reach TCP port 22: an inbound Allow rule whose protocol is TCP or any, whose destination ports include 22 (a single port, a range such as 20-30, a list, or *), and whose sources are the internet (*, Any, Internet, 0.0.0.0/0, ::/0, or address ranges that add up to every public address). Rules are read in priority order, so an Allow fully shadowed by a higher-priority Deny passes; service tags other than Internet and application security groups are not the internet. Severity is high for a group attached to a subnet or network interface and medium for an unattached one.',
  remediation: {
    text: 'Remove or narrow the inbound rules that admit the internet to port 22: restrict the source to known address ranges, or better, use Azure Bastion or just-in-time VM access (Microsoft Defender for Cloud) instead of open SSH. Delete network security groups that nothing uses.',
    url: 'https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview',
  },
  reads: { groups: azureNetworkSecurityGroups },
  evaluate({ groups }): Judgement[] {
    return groups.items.map((nsg): Judgement => {
      const resource = armResource(nsg, TYPE);
      const name = label('Network security group', nsg);
      const region = regionOf(nsg);
      const properties = nsg.properties;
      const exposure = tcpPortExposure(properties, SSH_PORT);
      const nics = (properties?.networkInterfaces ?? []).length;
      const subnets = (properties?.subnets ?? []).length;
      const attachment = { networkInterfaces: properties?.networkInterfaces ?? [], subnets: properties?.subnets ?? [] };

      if (!exposure.open) {
        const shown = [...exposure.allows, ...exposure.shadowed.flatMap((s) => s.denies)];
        const evidence = [evidenceFrom(groups, { id: nsg.id, securityRules: [...new Set(shown)].map((r) => r.record) })];
        const custom = exposure.allows.filter((r) => !r.isDefault);
        let message: string;
        if (exposure.shadowed.length > 0) {
          const parts = exposure.shadowed.map((s) => `${describeRule(s.allow)} is overridden by higher-priority ${rules(s.denies)}`);
          message = `${name} does not admit the internet to TCP 22: ${parts.join('; ')}.`;
        } else if (custom.length === 0) {
          message = `${name} has no inbound Allow rule for TCP 22 beyond Azure's defaults (VirtualNetwork and AzureLoadBalancer only).`;
        } else {
          message = `${name} admits TCP 22 only from sources that are not the whole internet: ${rules(custom)}.`;
        }
        return { resource, status: 'PASS', message, region, evidence };
      }

      const families = exposure.families.length === 2 ? 'the internet (IPv4 and IPv6)' : exposure.families[0] === 'ipv6' ? 'the internet over IPv6' : 'the internet';
      const denied = exposure.partialDenies.length > 0 ? ` Higher-priority Deny rules carve out only part of it: ${rules(exposure.partialDenies)}.` : '';
      let severity: Severity;
      let context: string;
      if (nics + subnets > 0) {
        severity = 'high';
        context = `It is attached to ${subnets} subnet(s) and ${nics} network interface(s), so SSH on the machines behind it is reachable wherever they have a public IP or a public load balancer (unless a subnet-level group also denies it).`;
      } else {
        severity = 'medium';
        context = 'It is attached to no subnet and no network interface, so severity is lowered to medium; it applies as soon as something uses it.';
      }
      const evidence = [
        evidenceFrom(groups, {
          id: nsg.id,
          securityRules: [...exposure.opening, ...exposure.partialDenies].map((r) => r.record),
          ...attachment,
        }),
      ];
      return {
        resource,
        status: 'FAIL',
        severity,
        region,
        message: `${name} admits ${families} to TCP 22: ${rules(exposure.opening)}.${denied} ${context}`,
        evidence,
      };
    });
  },
});

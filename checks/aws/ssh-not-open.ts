import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import type { Severity } from '../../core/model.js';
import type { NetworkInterfaceRecord } from '../../providers/aws/datasets.js';
import { ec2NetworkInterfaces, ec2PrefixLists, ec2SecurityGroups } from '../../providers/aws/datasets.js';
import { describePrefixList, describeRule, openFamiliesLabel, prefixListEvidence, prefixListIndex, tcpPortExposure, unevaluatedReason, type PortExposure } from './support/ingress.js';
import { awsResource, ec2Arn } from './support/resources.js';
import { idsAt } from '../../core/change-events.js';

const SSH_PORT = 22;
/** Interfaces named in a message / quoted in evidence; the rest are counted. */
const MESSAGE_LIMIT = 5;
const EVIDENCE_LIMIT = 50;

/** The primary public IPv4, or one associated with a secondary private address (an Elastic IP). */
function publicIpv4(eni: NetworkInterfaceRecord): string | undefined {
  return eni.Association?.PublicIp ?? eni.PrivateIpAddresses?.find((p) => p.Association?.PublicIp !== undefined)?.Association?.PublicIp;
}

function ipv6Addresses(eni: NetworkInterfaceRecord): string[] {
  const addresses = (eni.Ipv6Addresses ?? []).flatMap((a) => (a.Ipv6Address === undefined ? [] : [a.Ipv6Address]));
  const prefixes = (eni.Ipv6Prefixes ?? []).flatMap((p) => (p.Ipv6Prefix === undefined ? [] : [p.Ipv6Prefix]));
  return [...addresses, ...prefixes];
}

/** Whether the internet can reach the interface over a family the group leaves open. */
function reachable(eni: NetworkInterfaceRecord, exposure: PortExposure): boolean {
  // A detached interface (status `available`) receives no traffic until it is attached.
  if (eni.Status === 'available') return false;
  return (exposure.ipv4 && publicIpv4(eni) !== undefined) || (exposure.ipv6 && ((eni.Ipv6Addresses ?? []).length > 0 || ipv6Addresses(eni).length > 0));
}

function describeEni(eni: NetworkInterfaceRecord): string {
  const parts = [
    eni.Attachment?.InstanceId ?? eni.InterfaceType,
    eni.Status === 'available' ? 'detached' : undefined,
    publicIpv4(eni) === undefined ? undefined : `public IPv4 ${publicIpv4(eni)}`,
    ipv6Addresses(eni).length > 0 ? `IPv6 ${ipv6Addresses(eni).join(', ')}` : (eni.Ipv6Addresses ?? []).length > 0 ? 'IPv6 address' : undefined,
  ].filter((p): p is string => p !== undefined);
  return `${eni.NetworkInterfaceId ?? '(unknown interface)'}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

function listed(enis: NetworkInterfaceRecord[]): string {
  const shown = enis.slice(0, MESSAGE_LIMIT).map(describeEni).join(', ');
  return enis.length > MESSAGE_LIMIT ? `${shown} and ${enis.length - MESSAGE_LIMIT} more` : shown;
}

export default defineControl({
  id: 'aws-ssh-not-open',
  provider: 'aws',
  area: 'ssh',
  title: 'No security group admits SSH from the whole internet',
  severity: 'high',
  hipaa: ['164.312(a)(1)', '164.312(e)(1)'],
  scope: 'region',
  changeEvents: {
    cloudTrail: {
      resourceKind: 'ec2:security-group',
      events: [
        {
          source: 'ec2.amazonaws.com',
          names: ['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress', 'DeleteSecurityGroup'],
          resourceIds: idsAt('requestParameters.groupId', 'responseElements.securityGroupRuleSet.items.*.groupId'),
        },
        { source: 'ec2.amazonaws.com', names: ['ModifySecurityGroupRules'], resourceIds: idsAt('requestParameters.ModifySecurityGroupRulesRequest.GroupId') },
        // The groups an interface now carries: their severity depends on the interfaces they are on.
        { source: 'ec2.amazonaws.com', names: ['ModifyNetworkInterfaceAttribute'], resourceIds: idsAt('requestParameters.groupSet.items.*.groupId') },
        // A prefix list may be on any number of groups: the region is re-read.
        { source: 'ec2.amazonaws.com', names: ['ModifyManagedPrefixList', 'RestoreManagedPrefixListVersion'] },
      ],
    },
  },
  description:
    'No security group may admit the whole internet (IPv4 or IPv6, in one CIDR or split across several) to TCP port 22, whether by a TCP rule whose port range includes 22 or by an all-traffic rule. A customer-managed prefix list a rule references counts as its entries (read with GetManagedPrefixListEntries), pooled with the other CIDRs; an AWS-managed list (com.amazonaws.*) holds a service\'s address ranges and is not the internet. A group whose only other sources are prefix lists whose entries could not be read is ERROR, not PASS. Severity is raised to critical when the group is on a network interface the internet can reach (a public IPv4 address or an IPv6 address in the open family), and lowered to medium when the group is on no network interface at all.',
  remediation: {
    text: 'Remove the inbound rules that admit 0.0.0.0/0 or ::/0 (or ranges that add up to them, directly or through a prefix list) on TCP 22. Use AWS Systems Manager Session Manager or EC2 Instance Connect Endpoint instead of open SSH, or restrict the source to known address ranges or a security group. Delete unused security groups.',
    url: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
  },
  reads: { securityGroups: ec2SecurityGroups },
  context: { networkInterfaces: ec2NetworkInterfaces, prefixLists: ec2PrefixLists },
  evaluate({ securityGroups }, { networkInterfaces, prefixLists }, ctx): Judgement[] {
    const lists = prefixListIndex(prefixLists?.items);
    const enisByGroup = new Map<string, NetworkInterfaceRecord[]>();
    for (const eni of networkInterfaces?.items ?? []) {
      for (const group of eni.Groups ?? []) {
        if (group.GroupId === undefined) continue;
        const list = enisByGroup.get(group.GroupId);
        if (list === undefined) enisByGroup.set(group.GroupId, [eni]);
        else list.push(eni);
      }
    }

    return securityGroups.items.map((group): Judgement => {
      const id = group.GroupId ?? '(unknown security group)';
      const resource = awsResource(ec2Arn(ctx.region, group.OwnerId ?? ctx.account, 'security-group', id), id, 'AWS::EC2::SecurityGroup', group.Tags, group.GroupName);
      const label = `Security group ${id}${group.GroupName === undefined ? '' : ` (${group.GroupName})`}`;
      const exposure = tcpPortExposure(group.IpPermissions, SSH_PORT, lists);
      const notes: string[] = [];
      const unevaluated = exposure.unevaluatedPrefixLists.length > 0 ? `prefix list(s) ${exposure.unevaluatedPrefixLists.join(', ')} on a rule admitting TCP 22 (${unevaluatedReason(lists)})` : undefined;
      const listEvidence = prefixListEvidence(prefixLists, exposure);
      if (exposure.malformed.length > 0) {
        notes.push(`Malformed CIDR(s) ${exposure.malformed.map((c) => `"${c}"`).join(', ')} on a rule admitting TCP 22 were ignored.`);
      }
      const tail = notes.length > 0 ? ` ${notes.join(' ')}` : '';

      if (!exposure.ipv4 && !exposure.ipv6) {
        const evidence = [evidenceFrom(securityGroups, { GroupId: group.GroupId, GroupName: group.GroupName, VpcId: group.VpcId, IpPermissions: exposure.rules }), ...listEvidence];
        if (unevaluated !== undefined) {
          return { resource, status: 'ERROR', message: `Could not tell whether ${label} admits the whole internet to TCP 22: ${unevaluated}; its other sources do not.${tail}`, evidence };
        }
        const sources = [...exposure.cidrs, ...exposure.groupReferences.map((g) => `security group ${g}`), ...exposure.prefixLists.map((p) => `prefix list ${describePrefixList(p, lists)}`)];
        // A rule can name no source at all (EC2 does not return one, but nothing stops a response from omitting them).
        const message =
          exposure.rules.length === 0
            ? `${label} has no inbound rule admitting TCP 22.${tail}`
            : sources.length === 0
              ? `${label} has inbound rule(s) reaching TCP 22 that name no source, so they admit no one.${tail}`
              : `${label} admits TCP 22 only from ${sources.join(', ')}, which is not the whole internet.${tail}`;
        return { resource, status: 'PASS', message, evidence };
      }
      if (unevaluated !== undefined) notes.push(`Also ${unevaluated}.`);
      const tailWithLists = notes.length > 0 ? ` ${notes.join(' ')}` : '';

      const rules = exposure.offending.map((rule) => describeRule(rule, lists)).join('; ');
      const opening = `${label} admits ${openFamiliesLabel(exposure)} to TCP 22: ${rules}.`;
      const evidence = [evidenceFrom(securityGroups, { GroupId: group.GroupId, GroupName: group.GroupName, VpcId: group.VpcId, IpPermissions: exposure.offending }), ...listEvidence];

      let severity: Severity;
      let context: string;
      if (networkInterfaces === undefined) {
        severity = 'high';
        context = 'Attachment unknown: network interfaces could not be read (DescribeNetworkInterfaces context unavailable), so severity stays high.';
      } else {
        const attached = enisByGroup.get(id) ?? [];
        const exposed = attached.filter((eni) => reachable(eni, exposure));
        if (attached.length === 0) {
          severity = 'medium';
          context = 'The group is attached to no network interface (unused), so severity is lowered to medium; it applies as soon as something uses it.';
        } else if (exposed.length > 0) {
          severity = 'critical';
          context = `Exposed: attached to ${exposed.length} network interface(s) reachable from the internet: ${listed(exposed)}. Severity raised to critical.`;
        } else {
          severity = 'high';
          const family = exposure.ipv4 && exposure.ipv6 ? 'public IPv4 or IPv6 address' : exposure.ipv4 ? 'public IPv4 address' : 'IPv6 address';
          context = `Attached to ${attached.length} network interface(s) (${listed(attached)}), none in use with a ${family}, so severity stays high.`;
        }
        const exposedSet = new Set(exposed);
        const shown = [...exposed, ...attached.filter((eni) => !exposedSet.has(eni))].slice(0, EVIDENCE_LIMIT);
        evidence.push(
          evidenceFrom(networkInterfaces, {
            NetworkInterfaces: shown.map((eni) => ({
              NetworkInterfaceId: eni.NetworkInterfaceId,
              Status: eni.Status,
              InterfaceType: eni.InterfaceType,
              Attachment: eni.Attachment?.InstanceId === undefined ? undefined : { InstanceId: eni.Attachment.InstanceId },
              Association: publicIpv4(eni) === undefined ? undefined : { PublicIp: publicIpv4(eni) },
              Ipv6Addresses: eni.Ipv6Addresses,
            })),
            ...(attached.length > EVIDENCE_LIMIT ? { NetworkInterfacesNotShown: attached.length - EVIDENCE_LIMIT } : {}),
          }),
        );
      }
      return { resource, status: 'FAIL', severity, message: `${opening} ${context}${tailWithLists}`, evidence };
    });
  },
});

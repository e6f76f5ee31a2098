import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import type { DbInstanceRecord, SecurityGroupRecord } from '../../providers/aws/datasets.js';
import { ec2PrefixLists, ec2SecurityGroups, rdsInstances } from '../../providers/aws/datasets.js';
import { describeRule, openFamiliesLabel, prefixListEvidence, prefixListIndex, tcpPortExposure, unevaluatedReason, type PortExposure } from './support/ingress.js';
import { rdsInstanceResource } from './support/rds.js';
import { RDS_INSTANCE_CHANGES } from './support/rds.js';

/** The port the instance listens on: the endpoint's, else DbInstancePort (0 means not reported). */
function dbPort(instance: DbInstanceRecord): number | undefined {
  const endpointPort = instance.Endpoint?.Port;
  if (endpointPort !== undefined && endpointPort > 0) return endpointPort;
  if (instance.DbInstancePort !== undefined && instance.DbInstancePort > 0) return instance.DbInstancePort;
  return undefined;
}

export default defineControl({
  id: 'aws-rds-not-public',
  provider: 'aws',
  area: 'databases',
  title: 'RDS DB instances are not publicly accessible',
  severity: 'high',
  hipaa: ['164.312(a)(1)'],
  scope: 'region',
  changeEvents: {
    cloudTrail: { resourceKind: 'rds:db-instance', events: [RDS_INSTANCE_CHANGES] },
  },
  description:
    'A DB instance with PubliclyAccessible set gets a DNS name that resolves to a public IP address, so only its security groups (and network ACLs) stand between the database and the internet. It is critical when one of its security groups also admits the whole internet on the database port, directly or through the entries of a customer-managed prefix list.',
  remediation: {
    text: 'Modify the DB instance and set Public access to "Not publicly accessible" (`aws rds modify-db-instance --db-instance-identifier <id> --no-publicly-accessible --apply-immediately`), reach it through a VPN, bastion or private connectivity, and remove security group rules that admit 0.0.0.0/0 or ::/0 on the database port.',
    url: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding',
  },
  reads: { instances: rdsInstances },
  context: { securityGroups: ec2SecurityGroups, prefixLists: ec2PrefixLists },
  evaluate({ instances }, { securityGroups, prefixLists }, ctx): Judgement[] {
    const lists = prefixListIndex(prefixLists?.items);
    const groupsById = new Map<string, SecurityGroupRecord>();
    for (const group of securityGroups?.items ?? []) if (group.GroupId !== undefined) groupsById.set(group.GroupId, group);

    return instances.items.map((instance): Judgement => {
      const resource = rdsInstanceResource(instance, ctx.region, ctx.account);
      const id = resource.id;
      const port = dbPort(instance);
      const evidence = [
        evidenceFrom(instances, {
          DBInstanceIdentifier: instance.DBInstanceIdentifier,
          PubliclyAccessible: instance.PubliclyAccessible,
          Endpoint: instance.Endpoint === undefined ? undefined : { Address: instance.Endpoint.Address, Port: instance.Endpoint.Port },
          DbInstancePort: instance.DbInstancePort,
          VpcSecurityGroups: instance.VpcSecurityGroups,
        }),
      ];
      if (instance.PubliclyAccessible === false) {
        return { resource, status: 'PASS', message: `DB instance ${id} is not publicly accessible (PubliclyAccessible false).`, evidence };
      }
      if (instance.PubliclyAccessible !== true) {
        return {
          resource,
          status: 'FAIL',
          message: `DB instance ${id}: PubliclyAccessible is absent from the DescribeDBInstances response, so the instance cannot be shown to be private.`,
          evidence,
        };
      }

      const portLabel = port === undefined ? 'an unknown port (only all-port rules were counted)' : `port ${port}`;
      const base = `DB instance ${id} (${instance.Engine ?? 'engine unknown'}, ${portLabel}) is publicly accessible (PubliclyAccessible true)`;
      if (securityGroups === undefined) {
        return {
          resource,
          status: 'FAIL',
          message: `${base}. Its security groups could not be read (DescribeSecurityGroups context unavailable), so whether they admit the internet is unknown; severity stays high.`,
          evidence,
        };
      }

      const active = (instance.VpcSecurityGroups ?? []).filter((g) => g.VpcSecurityGroupId !== undefined && (g.Status === undefined || g.Status === 'active'));
      const open: Array<{ group: SecurityGroupRecord; exposure: PortExposure }> = [];
      const missing: string[] = [];
      const unevaluated: string[] = [];
      for (const membership of active) {
        const groupId = membership.VpcSecurityGroupId ?? '';
        const group = groupsById.get(groupId);
        if (group === undefined) {
          missing.push(groupId);
          continue;
        }
        const exposure = tcpPortExposure(group.IpPermissions, port, lists);
        if (exposure.ipv4 || exposure.ipv6) open.push({ group, exposure });
        unevaluated.push(...exposure.unevaluatedPrefixLists);
      }

      if (open.length > 0) {
        const details = open
          .map(({ group, exposure }) => `${group.GroupId ?? '(unknown security group)'} admits ${openFamiliesLabel(exposure)} on ${portLabel} (${exposure.offending.map((rule) => describeRule(rule, lists)).join('; ')})`)
          .join('; ');
        for (const { group, exposure } of open) {
          evidence.push(evidenceFrom(securityGroups, { GroupId: group.GroupId, GroupName: group.GroupName, IpPermissions: exposure.offending }), ...prefixListEvidence(prefixLists, exposure));
        }
        return {
          resource,
          status: 'FAIL',
          severity: 'critical',
          message: `${base}, and security group ${details}. The database is reachable from the internet; severity raised to critical.`,
          evidence,
        };
      }

      const checked = active.map((g) => g.VpcSecurityGroupId).filter((g) => g !== undefined && !missing.includes(g));
      const notes = [
        checked.length > 0
          ? `its active security groups (${checked.join(', ')}) do not admit the whole internet on ${portLabel}`
          : 'it lists no active VPC security group that could be evaluated',
        ...(missing.length > 0 ? [`security group(s) ${missing.join(', ')} were not found in DescribeSecurityGroups and were not evaluated`] : []),
        ...(unevaluated.length > 0 ? [`prefix list(s) ${[...new Set(unevaluated)].join(', ')} on rules reaching ${portLabel} were not evaluated (${unevaluatedReason(lists)}), so severity stays high`] : []),
      ];
      return { resource, status: 'FAIL', message: `${base}; ${notes.join('; ')}.`, evidence };
    });
  },
});

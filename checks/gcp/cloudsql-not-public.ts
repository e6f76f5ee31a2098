import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import { gcpSqlInstances } from '../../providers/gcp/datasets.js';
import { familiesLabel, openFamilies, parseRanges } from './support/network.js';
import { gcpResource, listed, locationOf } from './support/resources.js';

export default defineControl({
  id: 'gcp-cloudsql-not-public',
  provider: 'gcp',
  area: 'databases',
  title: 'Cloud SQL instances are not reachable from the internet',
  severity: 'critical',
  hipaa: ['164.312(a)(1)'],
  scope: 'account',
  // Designed, not wired yet (README: Change-driven scans).
  changeEvents: { assetFeed: { assetTypes: ['sqladmin.googleapis.com/Instance'], contentType: 'RESOURCE' } },
  description:
    'A Cloud SQL instance with a public IPv4 address (settings.ipConfiguration.ipv4Enabled, or a PRIMARY address) accepts connections from its authorized networks. It is critical when those networks add up to the whole internet (0.0.0.0/0, or ranges that together cover it): anyone can reach the database and try credentials. A public IP with narrower authorized networks, or with none (only the Cloud SQL Auth Proxy and connectors can use it), is medium. Instances with only a private IP or Private Service Connect pass; authorized networks on an instance without a public IP admit nothing.',
  remediation: {
    text: 'Turn off the public IP (`gcloud sql instances patch <instance> --no-assign-ip`) and connect over private IP or Private Service Connect, through the Cloud SQL Auth Proxy or a connector. If a public IP must stay, remove 0.0.0.0/0 and other broad ranges from the authorized networks. Enforce it with the organisation policy constraints constraints/sql.restrictPublicIp and constraints/sql.restrictAuthorizedNetworks.',
    url: 'https://cloud.google.com/sql/docs/postgres/configure-ip',
  },
  reads: { instances: gcpSqlInstances },
  evaluate({ instances }): Judgement[] {
    return instances.items.map((instance): Judgement => {
      const data = instance.data;
      const ip = data.settings?.ipConfiguration;
      const resource = gcpResource(instance.asset, data.name, data.settings?.userLabels);
      const region = locationOf(instance.asset, data.region);
      const primary = (data.ipAddresses ?? []).filter((a) => a.type === 'PRIMARY').map((a) => a.ipAddress ?? '(address not shown)');
      // An entry past its expirationTime no longer admits anyone; "now" is when the instances were read.
      const readAt = Date.parse(instances.readAt);
      const listedNetworks = (ip?.authorizedNetworks ?? []).filter((n) => typeof n.value === 'string' && n.value.trim() !== '');
      const expired = listedNetworks.filter((n) => n.expirationTime !== undefined && Date.parse(n.expirationTime) <= readAt);
      const networks = listedNetworks.filter((n) => !expired.includes(n));
      const evidence = [
        evidenceFrom(instances, {
          name: data.name,
          instanceType: data.instanceType,
          state: data.state,
          'settings.activationPolicy': data.settings?.activationPolicy,
          'settings.ipConfiguration.ipv4Enabled': ip?.ipv4Enabled,
          'settings.ipConfiguration.privateNetwork': ip?.privateNetwork,
          'settings.ipConfiguration.pscConfig': ip?.pscConfig,
          'settings.ipConfiguration.authorizedNetworks': ip?.authorizedNetworks,
          ipAddresses: data.ipAddresses,
        }),
      ];
      const label = `Cloud SQL instance ${resource.id} (${data.databaseVersion ?? 'engine unknown'}, ${region})`;
      const stopped = data.settings?.activationPolicy === 'NEVER' || data.state === 'STOPPED' || data.state === 'SUSPENDED';
      const stoppedNote = stopped
        ? ` It is not running now (activationPolicy ${data.settings?.activationPolicy ?? 'not set'}, state ${data.state ?? 'not reported'}); the setting applies as soon as it starts.`
        : '';

      if (data.instanceType === 'ON_PREMISES_INSTANCE') {
        return {
          resource,
          region,
          status: 'NOT_ASSESSABLE',
          message: `${label} represents an external (on-premises) source server for replication; Cloud SQL holds no database for it, so its exposure is the external server's. Check that server's network access instead.`,
          evidence,
        };
      }

      // Absent ipv4Enabled (false is omitted in JSON) is not trusted alone: a PRIMARY address is public too.
      const isPublic = ip?.ipv4Enabled === true || primary.length > 0;
      if (!isPublic) {
        const paths = [ip?.privateNetwork === undefined ? undefined : `private IP on ${ip.privateNetwork}`, ip?.pscConfig?.pscEnabled === true ? 'Private Service Connect' : undefined].filter(
          (p): p is string => p !== undefined,
        );
        const leftover =
          networks.length > 0
            ? ` Its authorized networks (${listed(networks.map((n) => n.value ?? ''))}) admit nothing without a public IP; remove them so turning the public IP on later does not expose it.`
            : '';
        return {
          resource,
          region,
          status: 'PASS',
          message: `${label} has no public IP address (ipv4Enabled is ${ip?.ipv4Enabled === false ? 'false' : 'not set'}, no PRIMARY address)${paths.length > 0 ? `; it is reached through ${paths.join(' and ')}` : ''}.${leftover}`,
          evidence,
        };
      }

      const { ranges, malformed } = parseRanges(networks.map((n) => n.value ?? ''));
      const families = openFamilies(ranges);
      const address = primary.length > 0 ? `public IP ${primary.join(', ')}` : 'a public IPv4 address (ipv4Enabled)';
      const malformedNote =
        (malformed.length > 0 ? ` Unreadable authorized network value(s) ${malformed.map((m) => `"${m}"`).join(', ')} were ignored.` : '') +
        (expired.length > 0 ? ` Expired authorized network(s) ${expired.map((n) => `${n.value ?? ''} (expired ${n.expirationTime ?? ''})`).join(', ')} were not counted.` : '');
      const describe = (n: { name?: string; value?: string }) => (n.name === undefined || n.name === '' ? (n.value ?? '') : `${n.name} (${n.value ?? ''})`);
      if (families.length > 0) {
        return {
          resource,
          region,
          status: 'FAIL',
          severity: 'critical',
          message: `${label} has ${address} and its authorized networks admit ${familiesLabel(families)}: ${listed(networks.map(describe), 10)}. Anyone can connect to the database and try credentials.${stoppedNote}${malformedNote}`,
          evidence,
        };
      }
      const reach =
        networks.length === 0
          ? 'no authorized networks, so only the Cloud SQL Auth Proxy and Cloud SQL connectors (IAM-authorised) can connect over it. Severity medium: the database has an internet address, but no network is authorized to connect to it directly'
          : `authorized networks ${listed(networks.map(describe), 10)}, which are not the whole internet. Severity medium: the database is on the internet, but only the listed networks can connect directly`;
      return {
        resource,
        region,
        status: 'FAIL',
        severity: 'medium',
        message: `${label} has ${address} with ${reach}.${stoppedNote}${malformedNote}`,
        evidence,
      };
    });
  },
});

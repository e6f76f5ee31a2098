// A seeded generator of Google Cloud projects for scale: the same seed always gives the same projects.
// Resources are spread over the types Ward reads; a `failureRate` share of them (and of the project
// settings: OS Login 2FA, Data Access audit logs, the _Default bucket's retention) breaks its control.

import type { GcpAuditConfig, GcpGenerator, GcpProjectWorld, GcpWorldResource } from './types.js';
import { seededRandom } from '../util.js';

const REGIONS = ['us-central1', 'us-east1', 'us-east4', 'us-west1', 'europe-west1', 'europe-west4'] as const;
const KINDS = ['disk', 'disk', 'disk', 'firewall', 'firewall', 'sql', 'bucket'] as const;


function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const FULL_AUDIT: GcpAuditConfig[] = [
  { service: 'allServices', auditLogConfigs: [{ logType: 'ADMIN_READ' }, { logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }] },
];

function resource(kind: (typeof KINDS)[number], pid: string, name: string, region: string, bad: boolean): { kind: typeof kind; value: GcpWorldResource } {
  switch (kind) {
    case 'disk':
      return {
        kind,
        value: {
          name,
          location: `${region}-b`,
          data: bad ? {} : { diskEncryptionKey: { kmsKeyName: `projects/${pid}/locations/${region}/keyRings/ward/cryptoKeys/disks/cryptoKeyVersions/1` } },
        },
      };
    case 'firewall':
      return {
        kind,
        value: {
          name,
          data: bad
            ? { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] }
            : { sourceRanges: ['35.235.240.0/20'], allowed: [{ IPProtocol: 'tcp', ports: ['22', '3389'] }] },
        },
      };
    case 'sql':
      return {
        kind,
        value: {
          name,
          location: region,
          data: {
            settings: {
              tier: 'db-custom-2-7680',
              ipConfiguration: bad
                ? { ipv4Enabled: true, authorizedNetworks: [{ name: 'anywhere', value: '0.0.0.0/0' }] }
                : { ipv4Enabled: false, privateNetwork: `projects/${pid}/global/networks/default` },
            },
          },
        },
      };
    case 'bucket':
      return { kind, value: { name, location: region, data: { retentionDays: bad ? 30 : 2557 } } };
  }
}

/** N projects under one organisation, K resources each. */
export function generateGcpProjects(spec: GcpGenerator): GcpProjectWorld[] {
  const random = seededRandom(spec.seed);
  const failureRate = spec.failureRate ?? 0.1;
  const org = spec.organizationId ?? '100000000001';
  const projects: GcpProjectWorld[] = [];
  for (let p = 0; p < spec.projects; p += 1) {
    const pid = `gen-${spec.seed}-p${String(p).padStart(4, '0')}`;
    const project: GcpProjectWorld = {
      projectId: pid,
      projectNumber: String(200_000_000_000 + spec.seed * 10_000 + p),
      displayName: `Generated project ${p}`,
      parent: `organizations/${org}`,
      labels: { generated: 'true' },
      computeMetadata: [
        { key: 'enable-oslogin', value: 'TRUE' },
        { key: 'enable-oslogin-2fa', value: random() < failureRate ? 'FALSE' : 'TRUE' },
      ],
      ...(random() < failureRate ? {} : { auditConfigs: FULL_AUDIT }),
      disks: [],
      firewalls: [],
      sqlInstances: [],
      logBuckets: [{ name: '_Default', location: 'global', data: { retentionDays: random() < failureRate ? 30 : 2557 } }],
    };
    for (let i = 0; i < spec.resourcesPerProject; i += 1) {
      const kind = pick(random, KINDS);
      const made = resource(kind, pid, `gen-${kind}-${i}`, pick(random, REGIONS), random() < failureRate);
      const list = made.kind === 'disk' ? project.disks : made.kind === 'firewall' ? project.firewalls : made.kind === 'sql' ? project.sqlInstances : project.logBuckets;
      list?.push(made.value);
    }
    projects.push(project);
  }
  return projects;
}

// The demo Google Cloud world: one project, "ward-demo-ehr", where a small healthcare provider runs its
// electronic health record system. Mostly clean, with every Google Cloud control failing somewhere and
// the edge cases that trip scanners up: SSH opened through 0.0.0.0/1 + 128.0.0.0/1 and a port range, a
// disabled open-SSH rule, an EGRESS rule on 22, an open rule shadowed by a higher-priority deny, a
// Cloud SQL instance whose authorized networks are listed but unused (no public IP), the _Default log
// bucket left at its 30 days, OS Login on without 2-step verification, and Data Access logs split
// between services and the organisation without DATA_READ for all services, and an exempted ETL account.

import type { GcpWorld } from './types.js';

export const DEMO_PROJECT_ID = 'ward-demo-ehr';
export const DEMO_PROJECT_NUMBER = '418309256145';
export const DEMO_ORGANIZATION_ID = '100000000042';
export const DEMO_FOLDER_ID = '300000000007';

const P = DEMO_PROJECT_ID;
const labels = { environment: 'production', workload: 'ehr', 'data-classification': 'phi' };
const key = (ring: string, name: string) => `projects/${P}/locations/us-central1/keyRings/${ring}/cryptoKeys/${name}`;
const ehrNetwork = `https://www.googleapis.com/compute/v1/projects/${P}/global/networks/ehr-vpc`;

export function demoGcpWorld(): GcpWorld {
  return {
    organizations: [
      {
        id: DEMO_ORGANIZATION_ID,
        displayName: 'example-health.com',
        // Admin Read everywhere, set once for the organisation; it does not cover Data Access.
        auditConfigs: [{ service: 'allServices', auditLogConfigs: [{ logType: 'ADMIN_READ' }] }],
      },
    ],
    folders: [{ id: DEMO_FOLDER_ID, displayName: 'clinical', parent: `organizations/${DEMO_ORGANIZATION_ID}` }],
    projects: [
      {
        projectId: P,
        projectNumber: DEMO_PROJECT_NUMBER,
        displayName: 'Ward demo: EHR',
        parent: `folders/${DEMO_FOLDER_ID}`,
        labels,
        // DATA_WRITE for every service, DATA_READ only for Cloud Storage: reads of PHI elsewhere go unlogged.
        // The ETL service account is exempted from DATA_WRITE, so its changes to PHI are never logged either.
        auditConfigs: [
          { service: 'allServices', auditLogConfigs: [{ logType: 'DATA_WRITE', exemptedMembers: [`serviceAccount:etl-loader@${P}.iam.gserviceaccount.com`] }] },
          { service: 'storage.googleapis.com', auditLogConfigs: [{ logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }] },
        ],
        // OS Login is on (any case of "true" counts), but 2-step verification is not required.
        computeMetadata: [
          { key: 'enable-oslogin', value: 'true' },
          { key: 'block-project-ssh-keys', value: 'TRUE' },
        ],
        disks: [
          { name: 'ehr-db-data', location: 'us-central1-a', data: { sizeGb: '500', labels, users: [`https://www.googleapis.com/compute/v1/projects/${P}/zones/us-central1-a/instances/ehr-db-1`], diskEncryptionKey: { kmsKeyName: `${key('ehr', 'disk-data')}/cryptoKeyVersions/3` } } },
          { name: 'ehr-app-boot', location: 'us-central1-b', data: { sizeGb: '50', labels, users: [`https://www.googleapis.com/compute/v1/projects/${P}/zones/us-central1-b/instances/ehr-app-1`], diskEncryptionKey: { kmsKeyName: key('ehr', 'disk-boot') } } },
          { name: 'ehr-db-replica', location: 'us-central1', data: { sizeGb: '500', labels, diskEncryptionKey: { kmsKeyName: `${key('ehr', 'disk-data')}/cryptoKeyVersions/3` } } },
          // A customer-supplied key (CSEK): the API returns only its SHA-256.
          { name: 'imaging-cache', location: 'us-central1-c', data: { sizeGb: '2000', labels, diskEncryptionKey: { sha256: 'sZ2X6jL0XoTmzGzXM0pLq9FfR8lVtQ2uY1wH7nE3cKo=' } } },
          // Google-managed encryption only: encrypted, but not with a key the clinic controls.
          { name: 'scratch-etl', location: 'us-central1-a', data: { sizeGb: '200', labels: { ...labels, 'data-classification': 'phi-extract' } } },
        ],
        firewalls: [
          { name: 'default-allow-internal', data: { sourceRanges: ['10.128.0.0/9'], allowed: [{ IPProtocol: 'all' }], priority: 65534 } },
          { name: 'allow-iap-ssh', data: { sourceRanges: ['35.235.240.0/20'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }], targetTags: ['ehr-app'] } },
          { name: 'allow-https-lb', data: { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['443'] }], targetTags: ['ehr-web'] } },
          // The whole IPv4 internet in two halves, to a port range that contains 22.
          {
            name: 'legacy-bastion-ssh',
            data: { sourceRanges: ['0.0.0.0/1', '128.0.0.0/1'], allowed: [{ IPProtocol: 'tcp', ports: ['20-30'] }], targetTags: ['bastion'], description: 'Temporary: vendor access during migration' },
          },
          // Open SSH, but disabled: it admits nothing.
          { name: 'default-allow-ssh', data: { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }], disabled: true } },
          // SSH out to a partner: egress rules do not admit anything in.
          { name: 'egress-sftp-partner', data: { direction: 'EGRESS', destinationRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] } },
          // On ehr-vpc, SSH from anywhere is denied at priority 100, so the later allow never applies.
          { name: 'ehr-deny-ssh-internet', data: { network: ehrNetwork, priority: 100, sourceRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'tcp', ports: ['22'] }] } },
          { name: 'ehr-ops-ssh', data: { network: ehrNetwork, priority: 1000, sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['22', '3389'] }] } },
        ],
        sqlInstances: [
          {
            name: 'ehr-primary',
            location: 'us-central1',
            data: {
              databaseVersion: 'POSTGRES_15',
              settings: { tier: 'db-custom-8-32768', activationPolicy: 'ALWAYS', userLabels: labels, ipConfiguration: { ipv4Enabled: false, privateNetwork: `projects/${P}/global/networks/ehr-vpc`, sslMode: 'ENCRYPTED_ONLY' } },
            },
          },
          {
            name: 'reporting-replica',
            location: 'us-central1',
            data: {
              instanceType: 'READ_REPLICA_INSTANCE',
              settings: { tier: 'db-custom-2-7680', activationPolicy: 'ALWAYS', userLabels: labels, ipConfiguration: { ipv4Enabled: true, authorizedNetworks: [{ name: 'bi-tool', value: '0.0.0.0/0' }] } },
            },
          },
          {
            name: 'analytics-db',
            location: 'us-east1',
            data: {
              databaseVersion: 'MYSQL_8_0',
              settings: { tier: 'db-custom-2-7680', activationPolicy: 'ALWAYS', userLabels: labels, ipConfiguration: { ipv4Enabled: true, authorizedNetworks: [{ name: 'clinic-office', value: '203.0.113.0/24' }] } },
            },
          },
          {
            // Authorized networks left over from a migration, but no public IP: they admit nothing.
            name: 'legacy-import',
            location: 'us-central1',
            data: {
              databaseVersion: 'SQLSERVER_2019_STANDARD',
              settings: { tier: 'db-custom-2-7680', activationPolicy: 'NEVER', userLabels: labels, ipConfiguration: { ipv4Enabled: false, privateNetwork: `projects/${P}/global/networks/ehr-vpc`, authorizedNetworks: [{ name: 'old-dc', value: '0.0.0.0/0' }] } },
            },
          },
        ],
        logBuckets: [
          { name: '_Default', location: 'global', data: { retentionDays: 30 } },
          { name: '_Required', location: 'global' },
          { name: 'phi-audit-archive', location: 'us-central1', data: { retentionDays: 3650, locked: true, description: 'Ten-year archive of audit logs for PHI systems' } },
        ],
      },
    ],
  };
}

/** The demo world as a value; use demoGcpWorld() for a copy you may change (the handler keeps per-world state). */
export const GCP_DEMO_WORLD: GcpWorld = demoGcpWorld();

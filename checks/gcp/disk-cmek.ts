import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import { lastSegment } from '../../providers/gcp/assets.js';
import { gcpDisks, type CustomerEncryptionKey } from '../../providers/gcp/datasets.js';
import { gcpResource, listed, locationOf } from './support/resources.js';

/** The key fields as evidence; a raw or RSA-wrapped key (never returned by the API) is only said to be set. */
function keyEvidence(key: CustomerEncryptionKey | undefined): Record<string, unknown> | undefined {
  if (key === undefined) return undefined;
  return {
    kmsKeyName: key.kmsKeyName,
    kmsKeyServiceAccount: key.kmsKeyServiceAccount,
    sha256: key.sha256,
    ...(key.rawKey === undefined ? {} : { rawKey: '(set; not shown)' }),
    ...(key.rsaEncryptedKey === undefined ? {} : { rsaEncryptedKey: '(set; not shown)' }),
  };
}

export default defineControl({
  id: 'gcp-disk-cmek',
  provider: 'gcp',
  area: 'volumes',
  title: 'Compute Engine disks are encrypted with keys the organisation controls',
  severity: 'medium',
  hipaa: ['164.312(a)(2)(iv)'],
  scope: 'account',
  // Designed, not wired yet (README: Change-driven scans).
  changeEvents: { assetFeed: { assetTypes: ['compute.googleapis.com/Disk'], contentType: 'RESOURCE' } },
  description:
    'Google Cloud encrypts every persistent disk at rest with Google-managed keys, so no disk is stored unencrypted; this control is about key ownership. Each disk must be encrypted with a customer-managed key in Cloud KMS (CMEK) or a customer-supplied key (CSEK), so that the organisation decides who may use the key, audits its use, rotates it, and can make the data unreadable by disabling or destroying it.',
  remediation: {
    text: 'A disk cannot be re-keyed in place: snapshot it, create a new disk from the snapshot with `--kms-key=projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>`, attach it in place of the old one and delete the old disk and snapshot. Grant the Compute Engine service agent roles/cloudkms.cryptoKeyEncrypterDecrypter on the key. Require CMEK for new disks with the organisation policy constraint constraints/gcp.restrictNonCmekServices (deny compute.googleapis.com).',
    url: 'https://cloud.google.com/compute/docs/disks/customer-managed-encryption',
  },
  reads: { disks: gcpDisks },
  evaluate({ disks }): Judgement[] {
    return disks.items.map((disk): Judgement => {
      const data = disk.data;
      const resource = gcpResource(disk.asset, data.name, data.labels);
      const region = locationOf(disk.asset, data.zone, data.region);
      const key = data.diskEncryptionKey;
      const evidence = [evidenceFrom(disks, { name: data.name, zone: data.zone, region: data.region, diskEncryptionKey: keyEvidence(key) })];
      const label = `Disk ${resource.id} (${region})`;
      const kms = key?.kmsKeyName?.trim();
      if (kms !== undefined && kms !== '') {
        const version = /\/cryptoKeyVersions\/([^/]+)$/.exec(kms)?.[1];
        const keyName = kms.replace(/\/cryptoKeyVersions\/[^/]+$/, '');
        return {
          resource,
          region,
          status: 'PASS',
          message: `${label} is encrypted with the customer-managed Cloud KMS key ${keyName}${version === undefined ? '' : ` (version ${version})`}.`,
          evidence,
        };
      }
      if ((key?.sha256 ?? '') !== '' || (key?.rawKey ?? '') !== '' || (key?.rsaEncryptedKey ?? '') !== '') {
        return {
          resource,
          region,
          status: 'PASS',
          message: `${label} is encrypted with a customer-supplied key (CSEK${key?.sha256 === undefined || key.sha256 === '' ? '' : `, SHA-256 ${key.sha256}`}); Google does not hold this key, so losing it loses the data.`,
          evidence,
        };
      }
      const users = (data.users ?? []).map((u) => lastSegment(u) ?? u);
      const where = users.length > 0 ? `attached to ${listed(users)}` : 'not attached to any instance';
      return {
        resource,
        region,
        status: 'FAIL',
        message: `${label}, ${data.sizeGb === undefined ? 'size unknown' : `${data.sizeGb} GB`}, ${where}, is encrypted at rest only with a Google-managed key (no diskEncryptionKey.kmsKeyName or customer-supplied key). The data is encrypted, but the organisation does not control the key: it cannot restrict, audit, rotate or revoke it.`,
        evidence,
      };
    });
  },
});

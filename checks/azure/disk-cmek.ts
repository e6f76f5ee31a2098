import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import type { DiskRecord } from '../../providers/azure/datasets.js';
import { azureDisks } from '../../providers/azure/datasets.js';
import { armResource, label, nameOf, regionOf } from './support/resources.js';

const TYPE = 'Microsoft.Compute/disks';
const CUSTOMER_KEY_TYPES = new Set(['encryptionatrestwithcustomerkey', 'encryptionatrestwithplatformandcustomerkeys']);
const PLATFORM_KEY = 'encryptionatrestwithplatformkey';
const CONFIDENTIAL_CUSTOMER_KEY = 'confidentialvm_diskencryptedwithcustomerkey';

function where(disk: DiskRecord): string {
  const state = disk.properties?.diskState;
  if (typeof disk.managedBy === 'string' && disk.managedBy !== '') return `attached to ${nameOf(disk.managedBy)}`;
  return state === undefined ? 'not attached' : `${state.toLowerCase() === 'unattached' ? 'not attached' : `state ${state}`}`;
}

function keyName(id: string | null | undefined): string {
  return typeof id === 'string' && id !== '' ? `disk encryption set ${nameOf(id)}` : 'a disk encryption set';
}

export default defineControl({
  id: 'azure-disk-cmek',
  provider: 'azure',
  area: 'volumes',
  title: 'Managed disks are encrypted with customer-managed keys',
  severity: 'medium',
  hipaa: ['164.312(a)(2)(iv)'],
  scope: 'account',
  // Designed, not wired yet (README: Change-driven scans).
  changeEvents: { eventGrid: { resourceTypes: ['Microsoft.Compute/disks'] } },
  description:
    'Azure encrypts every managed disk at rest (server-side encryption with platform-managed keys), so no disk is stored in clear; this control is about who owns the key. A disk passes when it is encrypted with a customer-managed key held in your Key Vault through a disk encryption set (EncryptionAtRestWithCustomerKey, or double encryption EncryptionAtRestWithPlatformAndCustomerKeys), as a confidential VM disk encrypted with a customer key, or with Azure Disk Encryption inside the guest. A disk on platform-managed keys only fails: you cannot revoke or rotate that key or prove who can use it. Unattached disks are judged too: their data is still there.',
  remediation: {
    text: 'Create a Key Vault (or Managed HSM) key and a disk encryption set that uses it, grant the set access to the key, then switch each disk to it (Disk > Encryption > Encryption type "Encryption at-rest with a customer-managed key"; a VM must be deallocated first). Set an Azure Policy that requires disk encryption sets for new disks.',
    url: 'https://learn.microsoft.com/azure/virtual-machines/disk-encryption',
  },
  reads: { disks: azureDisks },
  evaluate({ disks }): Judgement[] {
    return disks.items.map((disk): Judgement => {
      const resource = armResource(disk, TYPE);
      const region = regionOf(disk);
      const name = label('Disk', disk);
      const p = disk.properties;
      const encryption = p?.encryption;
      const type = encryption?.type ?? undefined;
      const ade = p?.encryptionSettingsCollection?.enabled === true;
      const securityType = p?.securityProfile?.securityType ?? undefined;
      const evidence = [
        evidenceFrom(disks, {
          id: disk.id,
          'properties.encryption': encryption,
          ...(p?.encryptionSettingsCollection === undefined ? {} : { 'properties.encryptionSettingsCollection': p.encryptionSettingsCollection }),
          ...(p?.securityProfile === undefined ? {} : { 'properties.securityProfile': p.securityProfile }),
          'properties.diskState': p?.diskState,
          managedBy: disk.managedBy,
        }),
      ];
      const context = `${where(disk)}, ${typeof p?.diskSizeGB === 'number' ? `${p.diskSizeGB} GiB` : 'size not reported'}`;
      const lowerType = (type ?? '').toLowerCase();

      if (CUSTOMER_KEY_TYPES.has(lowerType)) {
        const double = lowerType === 'encryptionatrestwithplatformandcustomerkeys' ? ' (double encryption: platform and customer keys)' : '';
        return { resource, status: 'PASS', region, message: `${name} (${context}) is encrypted with a customer-managed key through ${keyName(encryption?.diskEncryptionSetId)}${double}.`, evidence };
      }
      if ((securityType ?? '').toLowerCase() === CONFIDENTIAL_CUSTOMER_KEY) {
        return {
          resource,
          status: 'PASS',
          region,
          message: `${name} (${context}) is a confidential VM disk encrypted with a customer-managed key (securityType ${securityType}) through ${keyName(p?.securityProfile?.secureVMDiskEncryptionSetId)}.`,
          evidence,
        };
      }
      if (ade) {
        return {
          resource,
          status: 'PASS',
          region,
          message: `${name} (${context}) uses Azure Disk Encryption inside the guest, with keys in your Key Vault (encryptionSettingsCollection.enabled true), on top of platform-key encryption at rest. Azure Disk Encryption is being retired: plan a move to encryption at host or a disk encryption set with a customer-managed key.`,
          evidence,
        };
      }
      if (type !== undefined && lowerType !== PLATFORM_KEY && typeof encryption?.diskEncryptionSetId === 'string' && encryption.diskEncryptionSetId !== '') {
        return {
          resource,
          status: 'PASS',
          region,
          message: `${name} (${context}) reports encryption type "${type}", which Ward does not recognise, with ${keyName(encryption.diskEncryptionSetId)}: the key is customer-managed.`,
          evidence,
        };
      }
      const what =
        type === undefined
          ? 'has no encryption setting, which means platform-managed keys'
          : lowerType === PLATFORM_KEY
            ? 'is encrypted at rest with platform-managed keys only (EncryptionAtRestWithPlatformKey)'
            : `reports encryption type "${type}", which Ward does not recognise, and no disk encryption set, so no customer-managed key is shown`;
      return {
        resource,
        status: 'FAIL',
        region,
        message: `${name} (${context}) ${what}. Azure encrypts every managed disk, so the data is not in clear, but Microsoft holds the key: you cannot rotate, revoke or audit its use.`,
        evidence,
      };
    });
  },
});

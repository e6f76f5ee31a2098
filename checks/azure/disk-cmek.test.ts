import { describe, expect, it } from 'vitest';
import control from './disk-cmek.js';
import { collected, judge, statuses } from '../../test/support/checks.js';
import type { DiskRecord } from '../../providers/azure/datasets.js';
import { disk } from '../../sandbox/azure/builders.js';

const SUB = '11111111-2222-4333-8444-555555555555';
const disks = (items: DiskRecord[]) => ({ disks: collected('arm:GET Microsoft.Compute/disks', items, 'global') });
const asDisk = (r: ReturnType<typeof disk>, extra: Partial<DiskRecord['properties']> = {}): DiskRecord =>
  ({ ...r, properties: { ...(r.properties ?? {}), ...extra } }) as unknown as DiskRecord;

describe('azure-disk-cmek', () => {
  it('passes customer-managed and double encryption, fails platform keys, naming the key ownership', () => {
    const results = judge(
      control,
      disks([
        asDisk(disk(SUB, 'rg-ehr', 'ehr-data', 'customer', { location: 'EastUS', attachedTo: `/subscriptions/${SUB}/resourceGroups/rg-ehr/providers/Microsoft.Compute/virtualMachines/vm-ehr` })),
        asDisk(disk(SUB, 'rg-ehr', 'ehr-os', 'double')),
        asDisk(disk(SUB, 'RG-Scratch', 'scratch', 'platform', { tags: { owner: 'data' } })),
      ]),
    );
    expect(statuses(results)).toEqual({ 'ehr-data': 'PASS', 'ehr-os': 'PASS', scratch: 'FAIL' });
    const [cmek, dbl, platform] = results;
    expect(cmek?.message).toContain('disk encryption set des-rg-ehr');
    expect(cmek?.message).toContain('attached to vm-ehr');
    expect(cmek?.region).toBe('eastus');
    expect(dbl?.message).toContain('double encryption');
    expect(platform?.message).toContain('platform-managed keys only');
    expect(platform?.message).toContain('Azure encrypts every managed disk');
    expect(platform?.message).toContain('not attached');
    expect(platform?.resource).toEqual({
      id: 'scratch',
      uid: `/subscriptions/${SUB}/resourcegroups/rg-scratch/providers/microsoft.compute/disks/scratch`,
      type: 'Microsoft.Compute/disks',
      name: 'scratch',
      tags: { owner: 'data' },
    });
    expect(platform?.evidence[0]?.fields['properties.encryption']).toEqual({ type: 'EncryptionAtRestWithPlatformKey' });
  });

  it('reads a disk without an encryption setting as platform-managed (the ARM default)', () => {
    const [result] = judge(control, disks([asDisk(disk(SUB, 'rg', 'old', 'absent'))]));
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('no encryption setting');
    const sizeless = judge(control, disks([asDisk(disk(SUB, 'rg', 'sizeless', 'absent'), { diskSizeGB: undefined })]))[0];
    expect(sizeless?.message).toContain('size not reported');
    expect(sizeless?.message).not.toContain('?');
  });

  it('compares the encryption type case-insensitively', () => {
    const d = asDisk(disk(SUB, 'rg', 'lower', 'customer'));
    d.properties = { ...d.properties, encryption: { type: 'encryptionatrestwithcustomerkey', diskEncryptionSetId: '/x/des-1' } };
    expect(statuses(judge(control, disks([d])))).toEqual({ lower: 'PASS' });
  });

  it('passes a confidential VM disk encrypted with a customer key, fails one on platform keys', () => {
    const cvmCmk = asDisk(disk(SUB, 'rg', 'cvm-cmk', 'platform'), { securityProfile: { securityType: 'ConfidentialVM_DiskEncryptedWithCustomerKey', secureVMDiskEncryptionSetId: '/x/des-cvm' } });
    const cvmPmk = asDisk(disk(SUB, 'rg', 'cvm-pmk', 'platform'), { securityProfile: { securityType: 'ConfidentialVM_DiskEncryptedWithPlatformKey' } });
    expect(statuses(judge(control, disks([cvmCmk, cvmPmk])))).toEqual({ 'cvm-cmk': 'PASS', 'cvm-pmk': 'FAIL' });
  });

  it('passes Azure Disk Encryption (keys in your Key Vault) and says it is being retired', () => {
    const [result] = judge(control, disks([asDisk(disk(SUB, 'rg', 'ade', 'platform'), { encryptionSettingsCollection: { enabled: true, encryptionSettingsVersion: '1.1' } })]));
    expect(result?.status).toBe('PASS');
    expect(result?.message).toContain('Azure Disk Encryption');
    expect(result?.message).toContain('retired');
    const [off] = judge(control, disks([asDisk(disk(SUB, 'rg', 'ade-off', 'platform'), { encryptionSettingsCollection: { enabled: false } })]));
    expect(off?.status).toBe('FAIL');
  });

  it('handles an unknown future encryption type by whether a disk encryption set is named', () => {
    const withSet = asDisk(disk(SUB, 'rg', 'future-set', 'absent'), { encryption: { type: 'EncryptionAtRestWithSomethingNew', diskEncryptionSetId: '/x/des-2' } });
    const without = asDisk(disk(SUB, 'rg', 'future-none', 'absent'), { encryption: { type: 'EncryptionAtRestWithSomethingNew' } });
    expect(statuses(judge(control, disks([withSet, without])))).toEqual({ 'future-set': 'PASS', 'future-none': 'FAIL' });
  });

  it('tolerates null tags and properties, and yields nothing for a subscription without disks', () => {
    const bare: DiskRecord = { id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/disks/bare`, tags: null, properties: null };
    const [result] = judge(control, disks([bare]));
    expect(result?.status).toBe('FAIL');
    expect(result?.resource.tags).toEqual({});
    expect(result?.region).toBe('global');
    expect(judge(control, disks([]))).toEqual([]);
  });
});

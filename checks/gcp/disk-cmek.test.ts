import { describe, expect, it } from 'vitest';
import control from './disk-cmek.js';
import { collected, judge, statuses } from '../../test/support/checks.js';
import type { ComputeDisk, DiskRecord } from '../../providers/gcp/datasets.js';

const API = 'cloudasset:ListAssets(compute.googleapis.com/Disk)';
const P = 'ehr-prod';

function disk(name: string, data: ComputeDisk = {}, location: string | undefined = 'us-central1-a'): DiskRecord {
  const where = location !== undefined && /-[a-z]$/.test(location) ? `zones/${location}` : `regions/${location ?? 'us-central1'}`;
  return {
    asset: { name: `//compute.googleapis.com/projects/${P}/${where}/disks/${name}`, assetType: 'compute.googleapis.com/Disk', ...(location === undefined ? {} : { location }) },
    data: { name, ...data },
  };
}

const disks = (items: DiskRecord[]) => ({ disks: collected(API, items, 'global') });

describe('gcp-disk-cmek', () => {
  it('passes a CMEK disk (with or without a key version) and fails a Google-managed one, saying Google still encrypts it', () => {
    const results = judge(
      control,
      disks([
        disk('cmek', { diskEncryptionKey: { kmsKeyName: `projects/${P}/locations/us-central1/keyRings/r/cryptoKeys/k/cryptoKeyVersions/4` } }),
        disk('cmek-noversion', { diskEncryptionKey: { kmsKeyName: `projects/${P}/locations/us-central1/keyRings/r/cryptoKeys/k` } }),
        disk('google', { sizeGb: '100', users: [`https://www.googleapis.com/compute/v1/projects/${P}/zones/us-central1-a/instances/vm-1`], labels: { team: 'ehr' } }),
      ]),
    );
    expect(statuses(results)).toEqual({ cmek: 'PASS', 'cmek-noversion': 'PASS', google: 'FAIL' });
    expect(results[0]?.message).toContain('cryptoKeys/k (version 4)');
    const failed = results.find((r) => r.status === 'FAIL');
    expect(failed?.message).toContain('Google-managed key');
    expect(failed?.message).toContain('The data is encrypted');
    expect(failed?.message).toContain('vm-1');
    expect(failed?.message).toContain('100 GB');
    expect(failed?.resource).toEqual({
      id: 'google',
      uid: `//compute.googleapis.com/projects/${P}/zones/us-central1-a/disks/google`,
      type: 'compute.googleapis.com/Disk',
      name: 'google',
      tags: { team: 'ehr' },
    });
    expect(failed?.region).toBe('us-central1-a');
    expect(failed?.severity).toBeUndefined();
  });

  it('passes a customer-supplied key (the API returns only its sha256) and never quotes a raw key', () => {
    const results = judge(control, disks([disk('csek', { diskEncryptionKey: { sha256: 'abc=' } }), disk('raw', { diskEncryptionKey: { rawKey: 'c2VjcmV0' } })]));
    expect(statuses(results)).toEqual({ csek: 'PASS', raw: 'PASS' });
    expect(JSON.stringify(results)).not.toContain('c2VjcmV0');
    expect(results[1]?.evidence[0]?.fields).toMatchObject({ diskEncryptionKey: { rawKey: '(set; not shown)' } });
    const blankHash = judge(control, disks([disk('rsa', { diskEncryptionKey: { rsaEncryptedKey: 'ZW5j', sha256: '' } })]))[0];
    expect(blankHash?.message).toContain('customer-supplied key (CSEK)');
    expect(blankHash?.message).not.toContain('SHA-256');
  });

  it('fails an empty or blank key object and a disk with no diskEncryptionKey at all', () => {
    const results = judge(control, disks([disk('empty', { diskEncryptionKey: {} }), disk('blank', { diskEncryptionKey: { kmsKeyName: '  ' } }), disk('none')]));
    expect(statuses(results)).toEqual({ empty: 'FAIL', blank: 'FAIL', none: 'FAIL' });
    expect(results[2]?.message).toContain('not attached to any instance');
  });

  it('places regional disks in their region, and falls back to the zone or region URL when the asset has no location', () => {
    const regional = disk('replica', {}, 'europe-west4');
    const unlocated = { ...disk('old', { zone: `https://www.googleapis.com/compute/v1/projects/${P}/zones/asia-east1-b` }), asset: { name: '//compute.googleapis.com/x/old', assetType: 'compute.googleapis.com/Disk' } };
    const results = judge(control, disks([regional, unlocated]));
    expect(results.map((r) => r.region)).toEqual(['europe-west4', 'asia-east1-b']);
  });

  it('yields nothing for a project without disks', () => {
    expect(judge(control, disks([]))).toEqual([]);
  });
});

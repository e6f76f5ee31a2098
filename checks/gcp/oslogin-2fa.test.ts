import { describe, expect, it } from 'vitest';
import control from './oslogin-2fa.js';
import { ACCOUNT, collected, judge } from '../../test/support/checks.js';
import type { ComputeProjectRecord, MetadataItem } from '../../providers/gcp/datasets.js';

const API = 'cloudasset:ListAssets(compute.googleapis.com/Project)';

function project(items: MetadataItem[] | undefined): ComputeProjectRecord {
  return {
    asset: { name: `//compute.googleapis.com/projects/${ACCOUNT}`, assetType: 'compute.googleapis.com/Project', location: 'global' },
    data: { name: ACCOUNT, ...(items === undefined ? {} : { commonInstanceMetadata: { items } }) },
  };
}

const data = (records: ComputeProjectRecord[]) => ({ computeProject: collected(API, records, 'global') });
const settings = (results: ReturnType<typeof judge>) => results.filter((r) => r.resource.type === 'compute.googleapis.com/Project');
const twoStep = (results: ReturnType<typeof judge>) => results.filter((r) => r.resource.id === `${ACCOUNT}/user-2-step-verification`);

describe('gcp-oslogin-2fa', () => {
  it('passes OS Login with 2-step verification, in any letter case', () => {
    for (const value of ['TRUE', 'true', 'True', 'tRuE']) {
      const [result] = settings(judge(control, data([project([{ key: 'enable-oslogin', value: 'TRUE' }, { key: 'enable-oslogin-2fa', value }])])));
      expect(result?.status, value).toBe('PASS');
    }
  });

  it('fails when enable-oslogin-2fa is absent, false, empty or anything but true', () => {
    for (const items of [
      [{ key: 'enable-oslogin', value: 'TRUE' }],
      [{ key: 'enable-oslogin', value: 'TRUE' }, { key: 'enable-oslogin-2fa', value: 'FALSE' }],
      [{ key: 'enable-oslogin', value: 'TRUE' }, { key: 'enable-oslogin-2fa', value: '' }],
      [{ key: 'enable-oslogin', value: 'TRUE' }, { key: 'enable-oslogin-2fa' }],
      [{ key: 'enable-oslogin', value: 'TRUE' }, { key: 'enable-oslogin-2fa', value: 'yes' }],
      [{ key: 'enable-oslogin', value: 'TRUE' }, { key: 'enable-oslogin-2fa', value: ' TRUE' }],
      // Keys are exact: another spelling is another key.
      [{ key: 'enable-oslogin', value: 'TRUE' }, { key: 'ENABLE-OSLOGIN-2FA', value: 'TRUE' }],
      [],
    ]) {
      const [result] = settings(judge(control, data([project(items)])));
      expect(result?.status, JSON.stringify(items)).toBe('FAIL');
      expect(result?.message).toContain('enable-oslogin-2fa is');
    }
  });

  it('says a metadata key set with no value is "set with no value", not ""', () => {
    const [result] = settings(judge(control, data([project([{ key: 'enable-oslogin', value: 'TRUE' }, { key: 'enable-oslogin-2fa' }])])));
    expect(result?.message).toContain('enable-oslogin-2fa is set with no value');
  });

  it('fails a project metadata with no items at all', () => {
    const [result] = settings(judge(control, data([project(undefined)])));
    expect(result?.status).toBe('FAIL');
  });

  it('fails 2FA without OS Login itself, saying the requirement applies to nothing', () => {
    const [result] = settings(judge(control, data([project([{ key: 'enable-oslogin-2fa', value: 'TRUE' }, { key: 'enable-oslogin', value: 'FALSE' }])])));
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('OS Login itself is not on');
    expect(result?.message).toContain('constraints/compute.requireOsLogin');
  });

  it('always adds one NOT_ASSESSABLE result for user 2-step verification, pointing to the Admin console, never a PASS', () => {
    for (const records of [[project([{ key: 'enable-oslogin', value: 'TRUE' }, { key: 'enable-oslogin-2fa', value: 'TRUE' }])], [project([])], []]) {
      const results = judge(control, data(records));
      const user = twoStep(results);
      expect(user).toHaveLength(1);
      expect(user[0]?.status).toBe('NOT_ASSESSABLE');
      expect(user[0]?.message).toContain('Google Workspace or Cloud Identity Admin console');
      expect(user[0]?.message).toContain('2-step verification');
      expect(user[0]?.message).toContain('Cloud Asset Inventory does not show it');
      expect(user[0]?.resource.uid).toBe(`//cloudresourcemanager.googleapis.com/projects/${ACCOUNT}#user-2-step-verification`);
    }
  });

  it('is NOT_ASSESSABLE, not PASS, when the project has no Compute Engine settings', () => {
    const results = judge(control, data([]));
    expect(results.map((r) => r.status)).toEqual(['NOT_ASSESSABLE', 'NOT_ASSESSABLE']);
    expect(results[0]?.message).toContain('Compute Engine API is probably not enabled');
  });

  it('quotes only the OS Login metadata items as evidence', () => {
    const [result] = settings(judge(control, data([project([{ key: 'enable-oslogin', value: 'TRUE' }, { key: 'enable-oslogin-2fa', value: 'FALSE' }])])));
    expect(result?.evidence[0]?.fields).toEqual({
      name: ACCOUNT,
      'commonInstanceMetadata.items': [
        { key: 'enable-oslogin', value: 'TRUE' },
        { key: 'enable-oslogin-2fa', value: 'FALSE' },
      ],
    });
    expect(result?.region).toBe('global');
  });
});

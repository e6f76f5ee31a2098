import { describe, expect, it } from 'vitest';
import control from './data-access-audit-logs.js';
import { collected, judge } from '../../test/support/checks.js';
import type { AuditConfig, InheritedAuditConfigs, ProjectAuditRecord } from '../../providers/gcp/datasets.js';

const API = 'cloudasset:ListAssets(cloudresourcemanager.googleapis.com/Project, IAM_POLICY)';

function record(auditConfigs: AuditConfig[], inherited: InheritedAuditConfigs[] = []): ProjectAuditRecord {
  return { asset: { name: '//cloudresourcemanager.googleapis.com/projects/123456', assetType: 'cloudresourcemanager.googleapis.com/Project' }, projectId: 'ehr-prod', auditConfigs, inherited };
}

const all = (...types: string[]): AuditConfig => ({ service: 'allServices', auditLogConfigs: types.map((logType) => ({ logType })) });
const data = (records: ProjectAuditRecord[]) => ({ audit: collected(API, records, 'global') });
const verdict = (r: ProjectAuditRecord) => judge(control, data([r]))[0];

describe('gcp-data-access-audit-logs', () => {
  it('passes allServices with DATA_READ and DATA_WRITE on the project', () => {
    const result = verdict(record([all('ADMIN_READ', 'DATA_READ', 'DATA_WRITE')]));
    expect(result).toMatchObject({ status: 'PASS', region: 'global', resource: { id: 'ehr-prod', uid: '//cloudresourcemanager.googleapis.com/projects/123456' } });
  });

  it('fails with no audit configs, naming what is missing', () => {
    const result = verdict(record([]));
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('DATA_READ and DATA_WRITE');
    expect(result?.severity).toBeUndefined();
  });

  it('fails when only one of the two data types is on, or only ADMIN_READ', () => {
    expect(verdict(record([all('DATA_WRITE')]))?.message).toMatch(/does not log DATA_READ for all services[\s\S]*DATA_WRITE is on for allServices/);
    expect(verdict(record([all('DATA_READ')]))?.message).toContain('does not log DATA_WRITE');
    expect(verdict(record([all('ADMIN_READ')]))?.status).toBe('FAIL');
  });

  it('does not count single-service configs for all services, but names them', () => {
    const result = verdict(record([{ service: 'storage.googleapis.com', auditLogConfigs: [{ logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }] }]));
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('storage.googleapis.com at project ehr-prod');
  });

  it('takes the union with inherited folder and organisation configs', () => {
    const result = verdict(
      record(
        [all('DATA_WRITE')],
        [
          { resource: 'folders/7', ok: true, auditConfigs: [] },
          { resource: 'organizations/42', ok: true, auditConfigs: [all('DATA_READ')] },
        ],
      ),
    );
    expect(result?.status).toBe('PASS');
    expect(result?.message).toContain('DATA_READ at organizations/42');
    expect(result?.message).toContain('DATA_WRITE at project ehr-prod');
  });

  // The IAM policy shape getIamPolicy / Cloud Asset Inventory return (cloud.google.com/iam/docs/reference/rest/v1/Policy#AuditConfig).
  const exempting: AuditConfig = {
    service: 'allServices',
    auditLogConfigs: [
      { logType: 'ADMIN_READ' },
      { logType: 'DATA_READ', exemptedMembers: ['serviceAccount:etl@ehr-prod.iam.gserviceaccount.com', 'user:ops@example.com'] },
      { logType: 'DATA_WRITE' },
    ],
  };

  it('fails allServices with exemptedMembers (CIS GCP 2.1), naming the principals, the log type and the level', () => {
    const result = verdict(record([exempting]));
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('but not for every user');
    expect(result?.message).toContain('DATA_READ exempts serviceAccount:etl@ehr-prod.iam.gserviceaccount.com, user:ops@example.com at project ehr-prod');
    expect(result?.message).toContain('CIS GCP 2.1');
    expect(result?.evidence[0]?.fields).toMatchObject({ auditConfigs: [exempting] });
    expect(control.description).toContain('CIS Google Cloud Platform Foundation Benchmark 2.1');
  });

  it('fails on an exemption inherited from the organisation, and on ADMIN_READ exemptions too', () => {
    const inherited = verdict(record([all('DATA_READ', 'DATA_WRITE')], [{ resource: 'organizations/42', ok: true, auditConfigs: [exempting] }]));
    expect(inherited?.status).toBe('FAIL');
    expect(inherited?.message).toContain('at organizations/42');
    const admin = verdict(record([{ service: 'allServices', auditLogConfigs: [{ logType: 'ADMIN_READ', exemptedMembers: ['group:admins@example.com'] }, { logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }] }]));
    expect(admin?.status).toBe('FAIL');
    expect(admin?.message).toContain('ADMIN_READ exempts group:admins@example.com');
  });

  it('does not count an exemption on a single service config, nor an empty exemptedMembers list', () => {
    const single = verdict(record([all('DATA_READ', 'DATA_WRITE'), { service: 'bigquery.googleapis.com', auditLogConfigs: [{ logType: 'DATA_READ', exemptedMembers: ['user:analyst@example.com'] }] }]));
    expect(single?.status).toBe('PASS');
    expect(single?.message).toContain('all services and all users');
    expect(verdict(record([{ service: 'allServices', auditLogConfigs: [{ logType: 'DATA_READ', exemptedMembers: [] }, { logType: 'DATA_WRITE' }] }]))?.status).toBe('PASS');
  });

  it('fails, not ERROR, when exemptions are known though an ancestor could not be read', () => {
    const result = verdict(record([{ service: 'allServices', auditLogConfigs: [{ logType: 'DATA_READ', exemptedMembers: ['user:ops@example.com'] }] }], [{ resource: 'organizations/42', ok: false, code: 'PERMISSION_DENIED', reason: 'denied' }]));
    expect(result?.status).toBe('FAIL');
    expect(result?.message).toContain('user:ops@example.com');
    expect(result?.message).toContain('Whether DATA_WRITE is on for allServices cannot be told');
    expect(result?.message).toContain('organizations/42 (PERMISSION_DENIED: denied)');
  });

  it('is ERROR, not FAIL, when the project lacks it and an ancestor policy could not be read', () => {
    const result = verdict(record([all('DATA_WRITE')], [{ resource: 'organizations/42', ok: false, code: 'PERMISSION_DENIED', reason: 'The caller does not have permission' }]));
    expect(result?.status).toBe('ERROR');
    expect(result?.message).toContain('organizations/42 (PERMISSION_DENIED');
  });

  it('still passes on the project alone when an ancestor could not be read', () => {
    const result = verdict(record([all('DATA_READ', 'DATA_WRITE')], [{ resource: 'organizations/42', ok: false, code: 'PERMISSION_DENIED', reason: 'denied' }]));
    expect(result?.status).toBe('PASS');
  });

  it('ignores configs with no service or no log type, and quotes every level as evidence', () => {
    const result = verdict(record([{ auditLogConfigs: [{ logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }] }, { service: 'allServices', auditLogConfigs: [{}] }], [{ resource: 'organizations/42', ok: true, auditConfigs: [] }]));
    expect(result?.status).toBe('FAIL');
    expect(result?.evidence[0]?.fields).toMatchObject({ project: '//cloudresourcemanager.googleapis.com/projects/123456', inherited: [{ resource: 'organizations/42', auditConfigs: [] }] });
  });

  it('is ERROR when no policy record was read at all', () => {
    expect(judge(control, data([]))[0]?.status).toBe('ERROR');
  });
});

import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import schema from '../schemas/ocsf/1.8.0/compliance_finding.schema.json' with { type: 'json' };
import { ACCOUNT, finding, scanOf } from '../test/support/findings.js';
import { renderOcsf, toOcsf } from './ocsf.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

function errorsOf(value: unknown): string {
  return validate(value) ? '' : ajv.errorsText(validate.errors);
}

describe('OCSF Compliance Finding output', () => {
  const scan = scanOf([
    finding('vol-fail', 'FAIL', { resource: { id: 'vol-fail', uid: `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-fail`, type: 'AWS::EC2::Volume', tags: { Name: 'scratch', env: '=1+1' } } }),
    finding('vol-pass', 'PASS', { evidence: [{ api: 'ec2:DescribeVolumes', region: 'eu-west-1', readAt: '2026-11-01T00:00:00Z', fields: { Encrypted: true } }] }),
    finding('vol-muted', 'MUTED', { mute: { index: 0, reason: 'Synthetic data only', owner: 'ops@example.com', expires: '2027-01-01' } }),
    finding('scope', 'ERROR', { severity: 'critical' }),
    finding('root', 'NOT_ASSESSABLE', { region: 'global', severity: 'info', provider: 'gcp', account: 'ward-demo' }),
    finding('sub', 'FAIL', { provider: 'azure', account: '3f1c6a52-7d4e-4b8a-9c1d-2e5f0a7b8c9d', severity: 'low' }),
  ]);
  const events = JSON.parse(renderOcsf(scan)) as Array<Record<string, unknown>>;

  it('writes one event per result, each valid against the vendored OCSF 1.8.0 schema', () => {
    expect(events).toHaveLength(scan.results.length);
    for (const event of events) expect(errorsOf(event)).toBe('');
  });

  it('carries status, severity, resource, account and region, HIPAA requirements, remediation and evidence', () => {
    const [failed, passed, muted, errored, global] = events;
    expect(failed).toMatchObject({
      class_uid: 2003,
      type_uid: 200301,
      severity_id: 4,
      status_code: 'FAIL',
      compliance: { requirements: ['164.312(a)(2)(iv)'], control: 'aws-ebs-volume-encrypted', status_id: 3 },
      cloud: { provider: 'AWS', region: 'eu-west-1', account: { uid: ACCOUNT, type_id: 10 } },
      resources: [{ uid: `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-fail`, tags: [{ name: 'Name', value: 'scratch' }, { name: 'env', value: '=1+1' }] }],
      remediation: { desc: 'Encrypt it.', references: ['https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html'] },
    });
    expect(passed).toMatchObject({ compliance: { status_id: 1 }, unmapped: { evidence: [{ api: 'ec2:DescribeVolumes', fields: { Encrypted: true } }] } });
    expect(muted).toMatchObject({ status_id: 3, compliance: { status_id: 3 }, unmapped: { mute: { owner: 'ops@example.com' } } });
    expect(errored).toMatchObject({ severity_id: 5, compliance: { status_id: 99, status: 'Error' } });
    expect(global).toMatchObject({ cloud: { provider: 'GCP', account: { type_id: 11 } } });
    expect((global?.['cloud'] as Record<string, unknown>)['region']).toBeUndefined();
    expect(events[5]).toMatchObject({ cloud: { provider: 'Azure', account: { type_id: 13 } }, severity_id: 2 });
  });

  it('the schema rejects what OCSF does not allow, so the validation above means something', () => {
    const event = toOcsf(scan.results[0]!, scan);
    expect(errorsOf({ ...event, severity_id: 7 })).toMatch(/severity_id/);
    expect(errorsOf({ ...event, class_uid: 2004 })).toMatch(/class_uid/);
    const { compliance: _dropped, ...withoutCompliance } = event;
    expect(errorsOf(withoutCompliance)).toMatch(/compliance/);
    expect(errorsOf({ ...event, cloud: { region: 'eu-west-1' } })).toMatch(/provider/);
    expect(errorsOf({ ...event, resources: [{ uid: 'x', colour: 'red' }] })).toMatch(/additional properties/);
  });
});

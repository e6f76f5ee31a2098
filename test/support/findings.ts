// Small builders for findings and scan documents, for tests of what happens after a scan.

import type { Finding, ScanDocument, Status } from '../../core/model.js';
import { findingId, scopeResource } from '../../core/ids.js';

export const ACCOUNT = '111122223333';

export function finding(resourceId: string, status: Status, overrides: Partial<Finding> = {}): Finding {
  const controlId = overrides.controlId ?? 'aws-ebs-volume-encrypted';
  const region = overrides.region ?? 'eu-west-1';
  const uid = `arn:aws:ec2:${region}:${ACCOUNT}:volume/${resourceId}`;
  return {
    id: findingId(controlId, uid),
    controlId,
    area: 'volumes',
    provider: 'aws',
    account: ACCOUNT,
    region,
    scope: region,
    resource: { id: resourceId, uid, type: 'AWS::EC2::Volume', name: resourceId, tags: {} },
    status,
    severity: 'high',
    title: 'EBS volumes are encrypted at rest',
    message: `${resourceId} is ${status === 'PASS' ? 'encrypted' : 'not encrypted'}`,
    remediation: { text: 'Encrypt it.', url: 'https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html' },
    hipaa: ['164.312(a)(2)(iv)'],
    evidence: [],
    ...overrides,
  };
}

export function scopeError(controlId: string, region: string): Finding {
  const resource = scopeResource('aws', ACCOUNT, region);
  return { ...finding('scope', 'ERROR', { controlId, region }), id: findingId(controlId, resource.uid), resource, message: 'Could not assess' };
}

let counter = 0;

export function scanOf(results: Finding[], options: { regions?: string[]; controls?: string[]; at?: string; scanId?: string } = {}): ScanDocument {
  counter += 1;
  const at = options.at ?? `2026-11-${String(10 + counter).padStart(2, '0')}T12:00:00.000Z`;
  return {
    schemaVersion: 1,
    scanId: options.scanId ?? `scan-${String(counter).padStart(4, '0')}`,
    startedAt: at,
    finishedAt: at,
    wardVersion: '0.1.0',
    thresholds: { minLogRetentionDays: 365 },
    controls: options.controls ?? ['aws-ebs-volume-encrypted'],
    targets: [{ provider: 'aws', account: ACCOUNT, regions: options.regions ?? ['eu-west-1', 'us-east-1'], disabledRegions: [] }],
    coverage: [],
    results,
  };
}

// Each result as an AWS Security Finding Format (ASFF) finding for Security Hub's BatchImportFindings.
// The Id depends only on the control and the resource (core/ids.ts), so the next scan's result for
// the same resource updates the same Security Hub record: a fixed resource turns it PASSED/RESOLVED
// instead of leaving the FAILED record open beside a new one.
//
// Security Hub accepts findings under the default product ARN (a custom integration) only for the
// calling account: AwsAccountId is the account Ward imports from; the scanned account, project or
// subscription is in ProductFields and in the resource's own id.

import type { AwsSecurityFinding, ComplianceStatus, Partition, SeverityLabel, WorkflowStatus } from '@aws-sdk/client-securityhub';
import type { TrackedFinding } from '../core/lifecycle.js';
import type { Finding, Severity, Status } from '../core/model.js';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
export const ASFF_TYPE = 'Software and Configuration Checks/Industry and Regulatory Standards/HIPAA Controls';

export interface AsffTarget {
  /** The account that calls BatchImportFindings. */
  account: string;
  /** The Security Hub region imported into. */
  region: string;
  partition?: Partition;
}

export function productArn(target: AsffTarget): string {
  return `arn:${target.partition ?? 'aws'}:securityhub:${target.region}:${target.account}:product/${target.account}/default`;
}

export function asffId(f: Pick<Finding, 'controlId' | 'id'>): string {
  return `ward/${f.controlId}/${f.id}`;
}

const SEVERITY_LABELS: Record<Severity, SeverityLabel> = { info: 'INFORMATIONAL', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' };

const COMPLIANCE: Record<Status, { compliance: ComplianceStatus; workflow: WorkflowStatus }> = {
  PASS: { compliance: 'PASSED', workflow: 'RESOLVED' },
  FAIL: { compliance: 'FAILED', workflow: 'NEW' },
  MUTED: { compliance: 'FAILED', workflow: 'SUPPRESSED' },
  ERROR: { compliance: 'NOT_AVAILABLE', workflow: 'NEW' },
  NOT_ASSESSABLE: { compliance: 'NOT_AVAILABLE', workflow: 'NEW' },
};

/** CloudFormation-style types Ward uses, as ASFF's resource types; anything else is `Other`. */
const RESOURCE_TYPES: Record<string, string> = {
  'AWS::EC2::Volume': 'AwsEc2Volume',
  'AWS::EC2::SecurityGroup': 'AwsEc2SecurityGroup',
  'AWS::RDS::DBInstance': 'AwsRdsDbInstance',
  'AWS::RDS::DBCluster': 'AwsRdsDbCluster',
  'AWS::IAM::User': 'AwsIamUser',
  'AWS::CloudTrail::Trail': 'AwsCloudTrailTrail',
};

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** ASFF resource tags: at most 50, keys ≤ 128 and values ≤ 256 characters. */
function tagsOf(tags: Record<string, string>): Record<string, string> | undefined {
  const entries = Object.entries(tags).slice(0, 50);
  return entries.length === 0 ? undefined : Object.fromEntries(entries.map(([k, v]) => [clip(k, 128), clip(v, 256)]));
}

export interface AsffContext {
  target: AsffTarget;
  scanId: string;
  /** When the scan finished: UpdatedAt and LastObservedAt. */
  observedAt: string;
  /** The stored lifecycle, for CreatedAt / FirstObservedAt; absent: first observed now. */
  lifecycle?: Pick<TrackedFinding, 'firstSeen'>;
  /** A finding resolved because its resource is gone: archived in Security Hub. */
  gone?: boolean;
}

export function toAsff(f: Finding, context: AsffContext): AwsSecurityFinding {
  const status = context.gone === true ? { compliance: 'PASSED' as const, workflow: 'RESOLVED' as const } : COMPLIANCE[f.status];
  const firstSeen = context.lifecycle?.firstSeen ?? context.observedAt;
  const region = f.region === 'global' || f.region === '*' ? undefined : f.region;
  const tags = tagsOf(f.resource.tags);
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: asffId(f),
    ProductArn: productArn(context.target),
    ProductName: 'Ward',
    CompanyName: 'Ward',
    GeneratorId: `ward/${f.controlId}`,
    AwsAccountId: context.target.account,
    Types: [ASFF_TYPE],
    CreatedAt: firstSeen,
    FirstObservedAt: firstSeen,
    UpdatedAt: context.observedAt,
    LastObservedAt: context.observedAt,
    Severity: { Label: SEVERITY_LABELS[f.severity], Original: f.severity },
    Title: clip(f.title, 256),
    Description: clip(f.message, 1024),
    Remediation: { Recommendation: { Text: clip(f.remediation.text, 512), Url: f.remediation.url } },
    ProductFields: {
      'ward/ControlId': f.controlId,
      'ward/Provider': f.provider,
      'ward/Account': f.account,
      'ward/Region': f.region,
      'ward/Status': context.gone === true ? 'GONE' : f.status,
      'ward/ScanId': context.scanId,
    },
    Resources: [
      {
        Type: f.provider === 'aws' ? (RESOURCE_TYPES[f.resource.type] ?? 'Other') : 'Other',
        Id: clip(f.resource.uid, 512),
        Partition: context.target.partition ?? 'aws',
        ...(region === undefined ? {} : { Region: region }),
        ...(tags === undefined ? {} : { Tags: tags }),
        Details: { Other: { 'ward/ResourceType': clip(f.resource.type, 1024), 'ward/Name': clip(f.resource.name ?? f.resource.id, 1024) } },
      },
    ],
    Compliance: {
      Status: status.compliance,
      RelatedRequirements: f.hipaa.slice(0, 32).map((ref) => `HIPAA ${ref}`),
    },
    ...(f.mute === undefined ? {} : { Note: { Text: clip(`Accepted risk until ${f.mute.expires}: ${f.mute.reason}`, 512), UpdatedBy: clip(f.mute.owner, 512), UpdatedAt: context.observedAt } }),
    Workflow: { Status: status.workflow },
    RecordState: context.gone === true ? 'ARCHIVED' : 'ACTIVE',
  };
}

// A stand-in for AWS Security Hub's finding import, at the wire level (restJson1): POST
// /findings/import (BatchImportFindings) validates each ASFF finding the way Security Hub does for
// a custom integration (required fields, value sets, lengths, ProductArn and AwsAccountId of the
// caller) and keeps it by ProductArn + Id, so a second import of the same Id updates the record;
// POST /findings (GetFindings) reads them back. Held in memory for the sandbox's lifetime.

export interface RestReply {
  status: number;
  body: unknown;
  /** restJson1 names the error in a header. */
  errorType?: string;
}

type Json = Record<string, unknown>;

const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const COMPLIANCE_STATUSES = ['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE'];
const WORKFLOW_STATUSES = ['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'];
const RECORD_STATES = ['ACTIVE', 'ARCHIVED'];
const TYPE_NAMESPACES = ['Software and Configuration Checks', 'TTPs', 'Effects', 'Unusual Behaviors', 'Sensitive Data Identifications'];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function str(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** Why Security Hub would refuse this finding, or undefined when it is acceptable. */
export function asffProblem(finding: Json, caller: { account: string; region: string }): string | undefined {
  for (const field of ['SchemaVersion', 'Id', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'Types', 'CreatedAt', 'UpdatedAt', 'Severity', 'Title', 'Description', 'Resources']) {
    if (finding[field] === undefined) return `Finding does not have the required field ${field}`;
  }
  if (finding['SchemaVersion'] !== '2018-10-08') return 'SchemaVersion must be 2018-10-08';
  if (!str(finding['Id'], 512)) return 'Id must be a string of 1 to 512 characters';
  if (!str(finding['GeneratorId'], 512)) return 'GeneratorId must be a string of 1 to 512 characters';
  if (typeof finding['AwsAccountId'] !== 'string' || !/^\d{12}$/.test(finding['AwsAccountId'])) return 'AwsAccountId must be a 12-digit account id';
  if (finding['AwsAccountId'] !== caller.account) return `AwsAccountId ${finding['AwsAccountId']} is not the calling account ${caller.account}`;
  const expectedArn = new RegExp(`^arn:aws[a-z-]*:securityhub:${caller.region}:${caller.account}:product/${caller.account}/default$`);
  if (typeof finding['ProductArn'] !== 'string' || !expectedArn.test(finding['ProductArn'])) return `ProductArn must be the caller's default product in ${caller.region}`;
  for (const field of ['CreatedAt', 'UpdatedAt', 'FirstObservedAt', 'LastObservedAt']) {
    const value = finding[field];
    if (value !== undefined && (typeof value !== 'string' || !ISO_TIME.test(value))) return `${field} must be an ISO 8601 date-time`;
  }
  if (!str(finding['Title'], 256)) return 'Title must be a string of 1 to 256 characters';
  if (!str(finding['Description'], 1024)) return 'Description must be a string of 1 to 1024 characters';
  const types = finding['Types'];
  if (!Array.isArray(types) || types.length < 1 || types.length > 50) return 'Types must list 1 to 50 types';
  for (const type of types) {
    const parts = typeof type === 'string' ? type.split('/') : [];
    if (parts.length < 1 || parts.length > 3 || !TYPE_NAMESPACES.includes(parts[0] ?? '')) return `Type "${String(type)}" is not namespace/category/classifier`;
  }
  const severity = finding['Severity'] as Json;
  if (typeof severity !== 'object' || severity === null || (severity['Label'] === undefined && severity['Normalized'] === undefined)) return 'Severity must have a Label or Normalized';
  if (severity['Label'] !== undefined && !SEVERITY_LABELS.includes(String(severity['Label']))) return `Severity.Label "${String(severity['Label'])}" is not one of ${SEVERITY_LABELS.join(', ')}`;
  const resources = finding['Resources'];
  if (!Array.isArray(resources) || resources.length < 1 || resources.length > 32) return 'Resources must list 1 to 32 resources';
  for (const resource of resources as Json[]) {
    if (!str(resource['Type'], 256) || !str(resource['Id'], 512)) return 'Each resource needs a Type and an Id';
  }
  const compliance = finding['Compliance'] as Json | undefined;
  if (compliance?.['Status'] !== undefined && !COMPLIANCE_STATUSES.includes(String(compliance['Status']))) return `Compliance.Status "${String(compliance['Status'])}" is not valid`;
  const workflow = finding['Workflow'] as Json | undefined;
  if (workflow?.['Status'] !== undefined && !WORKFLOW_STATUSES.includes(String(workflow['Status']))) return `Workflow.Status "${String(workflow['Status'])}" is not valid`;
  if (finding['RecordState'] !== undefined && !RECORD_STATES.includes(String(finding['RecordState']))) return 'RecordState must be ACTIVE or ARCHIVED';
  const fields = finding['ProductFields'];
  if (fields !== undefined && (typeof fields !== 'object' || fields === null || Object.keys(fields).length > 50)) return 'ProductFields holds at most 50 entries';
  if (Buffer.byteLength(JSON.stringify(finding)) > 240 * 1024) return 'A finding may not exceed 240 KB';
  return undefined;
}

function invalid(message: string): RestReply {
  return { status: 400, errorType: 'InvalidInputException', body: { Message: message, Code: 'InvalidInputException' } };
}

export class SecurityHubStandIn {
  /** Every imported finding, keyed by ProductArn and Id, as last imported. */
  readonly findings = new Map<string, Json>();
  importCalls = 0;

  handle(method: string, path: string, body: Json, caller: { account: string; region: string }): RestReply {
    if (method === 'POST' && path === '/findings/import') return this.batchImport(body, caller);
    if (method === 'POST' && path === '/findings') return this.getFindings(body);
    return { status: 404, errorType: 'ResourceNotFoundException', body: { Message: `The sandbox's Security Hub has no ${method} ${path}` } };
  }

  private batchImport(body: Json, caller: { account: string; region: string }): RestReply {
    const findings = body['Findings'];
    if (!Array.isArray(findings) || findings.length < 1 || findings.length > 100) return invalid('Findings must hold 1 to 100 findings');
    this.importCalls += 1;
    const failed: Json[] = [];
    for (const finding of findings as Json[]) {
      const problem = asffProblem(finding, caller);
      if (problem !== undefined) {
        failed.push({ Id: typeof finding['Id'] === 'string' ? finding['Id'] : '', ErrorCode: 'InvalidInput', ErrorMessage: problem });
        continue;
      }
      this.findings.set(`${String(finding['ProductArn'])}|${String(finding['Id'])}`, finding);
    }
    return { status: 200, body: { FailedCount: failed.length, SuccessCount: findings.length - failed.length, FailedFindings: failed } };
  }

  /** Every finding, or those whose Id EQUALS one of the filter values; 100 a page. */
  private getFindings(body: Json): RestReply {
    const ids = ((body['Filters'] as Json | undefined)?.['Id'] as Array<{ Value?: string }> | undefined)?.map((f) => f.Value);
    const all = [...this.findings.values()].filter((f) => ids === undefined || ids.includes(String(f['Id'])));
    const start = Number(body['NextToken'] ?? 0);
    const size = Math.min(Number(body['MaxResults'] ?? 100), 100);
    const page = all.slice(start, start + size);
    return { status: 200, body: { Findings: page, ...(start + size < all.length ? { NextToken: String(start + size) } : {}) } };
  }
}

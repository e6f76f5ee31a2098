// `ward scan --output ocsf`: every result as an OCSF 1.8 Compliance Finding (class_uid 2003) with the
// cloud profile, the shape Prowler's json-ocsf output and Security Hub's OCSF export use, so a data
// lake (Amazon Security Lake, Splunk, any OCSF consumer) takes Ward's results without a mapping of
// its own. schemas/ocsf/1.8.0/ holds the schema the tests validate this against.

import type { Finding, Provider, ScanDocument, Severity, Status } from '../core/model.js';

export const OCSF_VERSION = '1.8.0';
const CLASS_UID = 2003;
const CATEGORY_UID = 2;
const ACTIVITY_CREATE = 1;

const SEVERITY_IDS: Record<Severity, { id: number; caption: string }> = {
  info: { id: 1, caption: 'Informational' },
  low: { id: 2, caption: 'Low' },
  medium: { id: 3, caption: 'Medium' },
  high: { id: 4, caption: 'High' },
  critical: { id: 5, caption: 'Critical' },
};

/** compliance.status_id: 1 Pass, 3 Fail, 99 Other (Ward could not judge). A muted result still failed. */
const COMPLIANCE_STATUS: Record<Status, { id: number; caption: string }> = {
  PASS: { id: 1, caption: 'Pass' },
  FAIL: { id: 3, caption: 'Fail' },
  MUTED: { id: 3, caption: 'Fail' },
  ERROR: { id: 99, caption: 'Error' },
  NOT_ASSESSABLE: { id: 99, caption: 'Not assessable' },
};

const CLOUD: Record<Provider, { provider: string; accountType: { id: number; caption: string } }> = {
  aws: { provider: 'AWS', accountType: { id: 10, caption: 'AWS Account' } },
  gcp: { provider: 'GCP', accountType: { id: 11, caption: 'GCP Project' } },
  azure: { provider: 'Azure', accountType: { id: 13, caption: 'Azure Subscription' } },
};

export const HIPAA_STANDARD = 'HIPAA Security Rule (45 CFR Part 164 Subpart C)';

export interface OcsfComplianceFinding {
  class_uid: number;
  [attribute: string]: unknown;
}

export function toOcsf(f: Finding, scan: Pick<ScanDocument, 'scanId' | 'finishedAt' | 'wardVersion'>): OcsfComplianceFinding {
  const severity = SEVERITY_IDS[f.severity];
  const compliance = COMPLIANCE_STATUS[f.status];
  const cloud = CLOUD[f.provider];
  const time = Date.parse(scan.finishedAt);
  const region = f.region === 'global' ? undefined : f.region;
  return {
    class_uid: CLASS_UID,
    class_name: 'Compliance Finding',
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    activity_id: ACTIVITY_CREATE,
    activity_name: 'Create',
    type_uid: CLASS_UID * 100 + ACTIVITY_CREATE,
    type_name: 'Compliance Finding: Create',
    time,
    severity_id: severity.id,
    severity: severity.caption,
    // The finding's workflow status: muted results are suppressed by an accepted risk.
    status_id: f.status === 'MUTED' ? 3 : 1,
    status: f.status === 'MUTED' ? 'Suppressed' : 'New',
    status_code: f.status,
    status_detail: f.message,
    message: f.message,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'Ward', vendor_name: 'Ward', version: scan.wardVersion },
      profiles: ['cloud'],
      event_code: f.controlId,
      uid: `${scan.scanId}/${f.id}`,
      correlation_uid: scan.scanId,
    },
    finding_info: {
      uid: f.id,
      title: f.title,
      desc: f.message,
      types: [f.area],
      product_uid: f.controlId,
    },
    compliance: {
      standards: [HIPAA_STANDARD],
      requirements: f.hipaa,
      control: f.controlId,
      status_id: compliance.id,
      status: compliance.caption,
      ...(f.mute === undefined ? {} : { status_detail: `Muted until ${f.mute.expires} by ${f.mute.owner}: ${f.mute.reason}` }),
    },
    cloud: {
      provider: cloud.provider,
      ...(region === undefined ? {} : { region }),
      account: { uid: f.account, type_id: cloud.accountType.id, type: cloud.accountType.caption },
    },
    resources: [
      {
        uid: f.resource.uid,
        name: f.resource.name ?? f.resource.id,
        type: f.resource.type,
        ...(region === undefined ? {} : { region }),
        ...(Object.keys(f.resource.tags).length === 0 ? {} : { tags: Object.entries(f.resource.tags).map(([name, value]) => ({ name, value })) }),
        data: { id: f.resource.id },
      },
    ],
    remediation: { desc: f.remediation.text, references: [f.remediation.url] },
    unmapped: {
      scope: f.scope,
      evidence: f.evidence,
      ...(f.mute === undefined ? {} : { mute: f.mute }),
    },
  };
}

/** A JSON array of one Compliance Finding per result, as Prowler's json-ocsf file is. */
export function renderOcsf(scan: ScanDocument): string {
  return `${JSON.stringify(
    scan.results.map((f) => toOcsf(f, scan)),
    null,
    2,
  )}\n`;
}

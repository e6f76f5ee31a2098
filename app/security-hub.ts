// `ward scan --security-hub` and the deployed `securityHub: true`: every result of a scan imported
// into AWS Security Hub as ASFF (reports/asff.ts) with BatchImportFindings, at most 100 findings a
// call (the API's limit). Throttling (TooManyRequestsException, HTTP 429) is retried by the SDK's
// retry strategy, like every other AWS call Ward makes. Findings this scan resolved because their
// resource is gone are sent once more, archived and RESOLVED, so no FAILED record stays open.
// Loaded only when Security Hub is enabled, so other scans never load its SDK.

import { BatchImportFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { TrackedFinding } from '../core/lifecycle.js';
import type { ScanDocument } from '../core/model.js';
import { resolveRetrySettings } from '../providers/aws/clients.js';
import { toAsff, type AsffTarget } from '../reports/asff.js';
import { homeRegion } from './scan.js';

export const BATCH_LIMIT = 100;

export interface SecurityHubOptions {
  /** The Security Hub region (default WARD_SECURITY_HUB_REGION, else the home region). */
  region?: string;
  /** Overrides endpoint resolution (tests); normally AWS_ENDPOINT_URL(_SECURITYHUB) applies. */
  endpoint?: string;
  maxAttempts?: number;
}

export interface SecurityHubOutcome {
  region: string;
  account: string;
  imported: number;
  calls: number;
  failed: Array<{ id: string; code: string; message: string }>;
}

/** The ASFF findings for a scan: every result, then the findings it resolved that are gone from it. */
export function asffFindings(scan: ScanDocument, lifecycle: ReadonlyMap<string, TrackedFinding>, target: AsffTarget): AwsSecurityFinding[] {
  const context = { target, scanId: scan.scanId, observedAt: scan.finishedAt };
  const inScan = new Set(scan.results.map((f) => f.id));
  const findings = scan.results.map((f) => {
    const tracked = lifecycle.get(f.id);
    return toAsff(f, tracked === undefined ? context : { ...context, lifecycle: tracked });
  });
  for (const tracked of lifecycle.values()) {
    if (tracked.state === 'resolved' && tracked.resolvedAt === scan.finishedAt && !inScan.has(tracked.finding.id)) {
      findings.push(toAsff(tracked.finding, { ...context, lifecycle: tracked, gone: true }));
    }
  }
  return findings;
}

export async function importToSecurityHub(scan: ScanDocument, lifecycle: ReadonlyMap<string, TrackedFinding>, options: SecurityHubOptions = {}): Promise<SecurityHubOutcome> {
  const region = options.region ?? process.env['WARD_SECURITY_HUB_REGION'] ?? homeRegion();
  const config = {
    region,
    ...resolveRetrySettings(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  };
  const sts = new STSClient(config);
  const hub = new SecurityHubClient(config);
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    const account = identity.Account ?? '';
    const arn = identity.Arn ?? '';
    const partition = arn.startsWith('arn:aws-us-gov:') ? 'aws-us-gov' : arn.startsWith('arn:aws-cn:') ? 'aws-cn' : 'aws';
    const findings = asffFindings(scan, lifecycle, { account, region, partition });
    const outcome: SecurityHubOutcome = { region, account, imported: 0, calls: 0, failed: [] };
    for (let i = 0; i < findings.length; i += BATCH_LIMIT) {
      const batch = findings.slice(i, i + BATCH_LIMIT);
      const answer = await hub.send(new BatchImportFindingsCommand({ Findings: batch }));
      outcome.calls += 1;
      outcome.imported += answer.SuccessCount ?? 0;
      for (const failed of answer.FailedFindings ?? []) outcome.failed.push({ id: failed.Id ?? '?', code: failed.ErrorCode ?? '?', message: failed.ErrorMessage ?? '' });
    }
    return outcome;
  } finally {
    sts.destroy();
    hub.destroy();
  }
}

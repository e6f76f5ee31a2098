// `ward findings` filters and order: by severity (most severe first), then age (oldest first, the
// longest-standing risk at the top), then control and resource for a stable order.

import { severityRank, type Provider, type Severity } from '../core/model.js';
import type { ListedFinding } from './findings.js';

export interface FindingQuery {
  severities?: readonly Severity[];
  /** Control ids; `*` matches any run of characters. */
  controls?: readonly string[];
  accounts?: readonly string[];
  providers?: readonly Provider[];
  regions?: readonly string[];
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

export function queryFindings(rows: readonly ListedFinding[], query: FindingQuery): ListedFinding[] {
  const controls = query.controls?.map(globToRegExp);
  return rows
    .filter(({ finding: f }) => query.severities === undefined || query.severities.includes(f.severity))
    .filter(({ finding: f }) => controls === undefined || controls.some((re) => re.test(f.controlId)))
    .filter(({ finding: f }) => query.accounts === undefined || query.accounts.includes(f.account))
    .filter(({ finding: f }) => query.providers === undefined || query.providers.includes(f.provider))
    .filter(({ finding: f }) => query.regions === undefined || query.regions.includes(f.region))
    .sort(
      (a, b) =>
        severityRank(b.finding.severity) - severityRank(a.finding.severity) ||
        a.firstSeen.localeCompare(b.firstSeen) ||
        a.finding.controlId.localeCompare(b.finding.controlId) ||
        a.finding.resource.uid.localeCompare(b.finding.resource.uid),
    );
}

import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import { gcpProjectAudit, type AuditConfig } from '../../providers/gcp/datasets.js';
import { listed } from './support/resources.js';

const REQUIRED = ['DATA_READ', 'DATA_WRITE'] as const;

interface Level {
  /** `project` or the ancestor's name. */
  where: string;
  auditConfigs: AuditConfig[];
}

/** The log types enabled for allServices at a level. */
function allServicesTypes(level: Level): Set<string> {
  const out = new Set<string>();
  for (const config of level.auditConfigs) {
    if (config.service !== 'allServices') continue;
    for (const log of config.auditLogConfigs ?? []) if (log.logType !== undefined) out.add(log.logType);
  }
  return out;
}

/** `DATA_READ exempts a, b at project p`, per log type and level, for every allServices exemption. */
function exemptionsAt(level: Level): string[] {
  const byType = new Map<string, string[]>();
  for (const config of level.auditConfigs) {
    if (config.service !== 'allServices') continue;
    for (const log of config.auditLogConfigs ?? []) {
      const members = (log.exemptedMembers ?? []).filter((m) => m !== '');
      if (members.length === 0) continue;
      const type = log.logType ?? '(log type absent)';
      byType.set(type, [...new Set([...(byType.get(type) ?? []), ...members])]);
    }
  }
  return [...byType].map(([type, members]) => `${type} exempts ${listed(members)} at ${level.where}`);
}

export default defineControl({
  id: 'gcp-data-access-audit-logs',
  provider: 'gcp',
  area: 'audit',
  title: 'Data Access audit logs are on for all services and all users (no exemptions)',
  severity: 'high',
  hipaa: ['164.312(b)'],
  scope: 'account',
  // Designed, not wired yet (README: Change-driven scans).
  changeEvents: { assetFeed: { assetTypes: ['cloudresourcemanager.googleapis.com/Project'], contentType: 'IAM_POLICY' } },
  description:
    'Admin Activity audit logs are always on, but Data Access audit logs (who read or changed which data) are off by default for almost every service. The project\'s effective audit configuration (its own IAM policy plus those of every folder and the organisation above it, which it inherits) must enable DATA_READ and DATA_WRITE for allServices; configs for single services do not cover the others. An allServices config that exempts principals (exemptedMembers) fails too, naming them, since their data access is never logged: CIS Google Cloud Platform Foundation Benchmark 2.1 requires Data Access logging for all services and all users, with no exemptions. When the project does not enable them itself and an ancestor\'s policy cannot be read, the result is ERROR, not FAIL.',
  remediation: {
    text: 'Enable Data Access audit logs for all services, preferably once at the organisation or folder: in the console (IAM & Admin > Audit Logs > Default configuration: Data Read and Data Write), or add to the IAM policy an auditConfigs entry {service: allServices, auditLogConfigs: [{logType: DATA_READ}, {logType: DATA_WRITE}, {logType: ADMIN_READ}]} with `gcloud projects set-iam-policy` / `gcloud organizations set-iam-policy`. Remove every exemptedMembers entry from allServices audit configs.',
    url: 'https://cloud.google.com/logging/docs/audit/configure-data-access',
  },
  reads: { audit: gcpProjectAudit },
  evaluate({ audit }, _context, ctx): Judgement[] {
    const record = audit.items[0];
    if (record === undefined) {
      const resource = { id: ctx.account, uid: `//cloudresourcemanager.googleapis.com/projects/${ctx.account}`, type: 'cloudresourcemanager.googleapis.com/Project', name: ctx.account, tags: {} };
      return [{ resource, region: 'global', status: 'ERROR', message: `No IAM policy record was read for project ${ctx.account}, so its audit configuration could not be assessed.`, evidence: [evidenceFrom(audit, {})] }];
    }
    const resource = { id: record.projectId, uid: record.asset.name, type: 'cloudresourcemanager.googleapis.com/Project', name: record.projectId, tags: {} };
    const levels: Level[] = [{ where: `project ${record.projectId}`, auditConfigs: record.auditConfigs }];
    const unreadable: string[] = [];
    for (const inherited of record.inherited) {
      if (inherited.ok) levels.push({ where: inherited.resource, auditConfigs: inherited.auditConfigs });
      else unreadable.push(`${inherited.resource} (${inherited.code}: ${inherited.reason})`);
    }
    const evidence = [
      evidenceFrom(audit, {
        project: record.asset.name,
        auditConfigs: record.auditConfigs,
        inherited: record.inherited.map((i) => (i.ok ? { resource: i.resource, auditConfigs: i.auditConfigs } : { resource: i.resource, unreadable: `${i.code}: ${i.reason}` })),
      }),
    ];

    const setAt = new Map<string, string[]>();
    for (const level of levels) {
      for (const type of allServicesTypes(level)) setAt.set(type, [...(setAt.get(type) ?? []), level.where]);
    }
    const missing = REQUIRED.filter((t) => !setAt.has(t));
    const exemptions = levels.flatMap(exemptionsAt);
    const exemptNote = exemptions.length > 0 ? ` Exempted principals, whose data access is never logged (CIS GCP 2.1 allows no exemptions): ${exemptions.join('; ')}.` : '';

    if (missing.length === 0) {
      const where = REQUIRED.map((t) => `${t} at ${(setAt.get(t) ?? []).join(', ')}`).join('; ');
      if (exemptions.length > 0) {
        return [{ resource, region: 'global', status: 'FAIL', message: `Project ${record.projectId} logs Data Access for all services (${where}) but not for every user.${exemptNote}`, evidence }];
      }
      return [{ resource, region: 'global', status: 'PASS', message: `Project ${record.projectId} logs Data Access for all services and all users (${where}).`, evidence }];
    }
    const perService = levels.flatMap((l) =>
      l.auditConfigs.filter((c) => c.service !== undefined && c.service !== 'allServices' && (c.auditLogConfigs ?? []).some((a) => a.logType === 'DATA_READ' || a.logType === 'DATA_WRITE')).map((c) => `${c.service} at ${l.where}`),
    );
    const partial = [
      ...REQUIRED.filter((t) => setAt.has(t)).map((t) => `${t} is on for allServices at ${(setAt.get(t) ?? []).join(', ')}`),
      ...(perService.length > 0 ? [`single-service configs (${listed(perService)}) cover only those services`] : []),
    ];
    const partialNote = partial.length > 0 ? ` ${partial.join('; ')}.` : '';
    if (unreadable.length > 0 && exemptions.length > 0) {
      const message = `Project ${record.projectId} does not log Data Access for every user.${exemptNote} Whether ${missing.join(' and ')} ${missing.length === 2 ? 'are' : 'is'} on for allServices cannot be told: the project does not enable ${missing.length === 2 ? 'them' : 'it'} itself and the inherited audit configuration could not be read from ${unreadable.join('; ')}.${partialNote}`;
      return [{ resource, region: 'global', status: 'FAIL', message, evidence }];
    }
    if (unreadable.length > 0) {
      return [
        {
          resource,
          region: 'global',
          status: 'ERROR',
          message: `Project ${record.projectId} does not itself enable ${missing.join(' and ')} for allServices, and the inherited audit configuration could not be read from ${unreadable.join('; ')}, so whether Data Access logs are on cannot be told.${partialNote}`,
          evidence,
        },
      ];
    }
    return [
      {
        resource,
        region: 'global',
        status: 'FAIL',
        message: `Project ${record.projectId} does not log ${missing.join(' and ')} for all services: no allServices audit config enables ${missing.length === 2 ? 'them' : 'it'} on the project or on ${record.inherited.length > 0 ? record.inherited.map((i) => i.resource).join(', ') : 'any ancestor'}. ${missing.length === 2 ? 'Reads and changes' : missing[0] === 'DATA_READ' ? 'Reads' : 'Changes'} of data (PHI) in its services leave no audit trail.${partialNote}${exemptNote}`,
        evidence,
      },
    ];
  },
});

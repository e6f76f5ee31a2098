import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import { gcpProjectAudit, type AuditConfig } from '../../providers/gcp/datasets.js';
import { listed } from './support/resources.js';

const REQUIRED = ['DATA_READ', 'DATA_WRITE'] as const;

interface Level {
  /** `project` or the ancestor's name. */
  where: string;
  auditConfigs: AuditConfig[];
}

/** The log types enabled for allServices at a level, and the principals exempted from each. */
function allServicesTypes(level: Level): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const config of level.auditConfigs) {
    if (config.service !== 'allServices') continue;
    for (const log of config.auditLogConfigs ?? []) {
      if (log.logType === undefined) continue;
      out.set(log.logType, [...(out.get(log.logType) ?? []), ...(log.exemptedMembers ?? [])]);
    }
  }
  return out;
}

export default defineControl({
  id: 'gcp-data-access-audit-logs',
  provider: 'gcp',
  area: 'audit',
  title: 'Data Access audit logs are on for all services',
  severity: 'high',
  hipaa: ['164.312(b)'],
  scope: 'account',
  description:
    'Admin Activity audit logs are always on, but Data Access audit logs (who read or changed which data) are off by default for almost every service. The project\'s effective audit configuration (its own IAM policy plus those of every folder and the organisation above it, which it inherits) must enable DATA_READ and DATA_WRITE for allServices; configs for single services do not cover the others. Exempted principals are listed, since their access goes unlogged. When the project does not enable them itself and an ancestor\'s policy cannot be read, the result is ERROR, not FAIL.',
  remediation: {
    text: 'Enable Data Access audit logs for all services, preferably once at the organisation or folder: in the console (IAM & Admin → Audit Logs → Default configuration: Data Read and Data Write), or add to the IAM policy an auditConfigs entry {service: allServices, auditLogConfigs: [{logType: DATA_READ}, {logType: DATA_WRITE}, {logType: ADMIN_READ}]} with `gcloud projects set-iam-policy` / `gcloud organizations set-iam-policy`. Keep exemptions to a minimum.',
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
    const exempted = new Map<string, string[]>();
    for (const level of levels) {
      for (const [type, members] of allServicesTypes(level)) {
        setAt.set(type, [...(setAt.get(type) ?? []), level.where]);
        exempted.set(type, [...new Set([...(exempted.get(type) ?? []), ...members])]);
      }
    }
    const missing = REQUIRED.filter((t) => !setAt.has(t));
    const exemptions = REQUIRED.flatMap((t) => ((exempted.get(t) ?? []).length > 0 ? [`${t} exempts ${listed(exempted.get(t) ?? [])}`] : []));
    const exemptNote = exemptions.length > 0 ? ` Exempted principals (their access is not logged): ${exemptions.join('; ')}.` : '';

    if (missing.length === 0) {
      const where = REQUIRED.map((t) => `${t} at ${(setAt.get(t) ?? []).join(', ')}`).join('; ');
      return [{ resource, region: 'global', status: 'PASS', message: `Project ${record.projectId} logs Data Access for all services (${where}).${exemptNote}`, evidence }];
    }
    const perService = levels.flatMap((l) =>
      l.auditConfigs.filter((c) => c.service !== undefined && c.service !== 'allServices' && (c.auditLogConfigs ?? []).some((a) => a.logType === 'DATA_READ' || a.logType === 'DATA_WRITE')).map((c) => `${c.service} at ${l.where}`),
    );
    const partial = [
      ...REQUIRED.filter((t) => setAt.has(t)).map((t) => `${t} is on for allServices at ${(setAt.get(t) ?? []).join(', ')}`),
      ...(perService.length > 0 ? [`single-service configs (${listed(perService)}) cover only those services`] : []),
    ];
    const partialNote = partial.length > 0 ? ` ${partial.join('; ')}.` : '';
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

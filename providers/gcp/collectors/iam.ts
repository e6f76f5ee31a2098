// The project's audit configuration: the auditConfigs of its own IAM policy and of every folder and the
// organisation above it (the effective configuration is their union).

import { gcpProjectAudit, type ProjectAuditRecord } from '../datasets.js';
import { fetcher } from './fetcher.js';

export const iamFetchers = [
  fetcher(gcpProjectAudit, async ({ project, inventory }): Promise<ProjectAuditRecord[]> => {
    const [auditConfigs, inherited] = await Promise.all([inventory.projectAuditConfigs(project), inventory.inheritedAuditConfigs(project)]);
    return [{ asset: project.asset, projectId: project.projectId, auditConfigs, inherited }];
  }),
];

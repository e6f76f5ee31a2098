import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import type { ResourceRef } from '../../core/model.js';
import { gcpComputeProject, type MetadataItem } from '../../providers/gcp/datasets.js';
import { gcpResource } from './support/resources.js';

/** The guest environment compares metadata values case-insensitively with "true"; anything else is false. */
function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() === 'true';
}

function quoted(item: MetadataItem | undefined): string {
  if (item === undefined) return 'not set';
  return item.value === undefined || item.value === '' ? 'set with no value' : `"${item.value}"`;
}

function userTwoStepResource(project: string): ResourceRef {
  return {
    id: `${project}/user-2-step-verification`,
    uid: `//cloudresourcemanager.googleapis.com/projects/${project}#user-2-step-verification`,
    type: 'Cloud Identity 2-Step Verification',
    name: 'user 2-step verification',
    tags: {},
  };
}

export default defineControl({
  id: 'gcp-oslogin-2fa',
  provider: 'gcp',
  area: 'mfa',
  title: 'OS Login requires 2-step verification for SSH to VMs',
  severity: 'medium',
  hipaa: ['164.312(d)'],
  scope: 'account',
  // Designed, not wired yet (README: Change-driven scans).
  changeEvents: { assetFeed: { assetTypes: ['compute.googleapis.com/Project', 'compute.googleapis.com/Instance'], contentType: 'RESOURCE' } },
  description:
    'Project metadata must set enable-oslogin-2fa to TRUE (with OS Login itself on, enable-oslogin TRUE), so that SSH to every VM in the project asks OS Login users for a second factor. Values are read as the guest environment does: "true" in any letter case. Instance metadata can override the project value for a single VM; it is not read here. Whether users have 2-step verification at all is a Google Workspace / Cloud Identity setting that Cloud Asset Inventory does not show: Ward reports it as NOT_ASSESSABLE for every project, never as a pass.',
  remediation: {
    text: 'Set the project metadata: `gcloud compute project-info add-metadata --metadata enable-oslogin=TRUE,enable-oslogin-2fa=TRUE`, remove instance-level overrides, and enforce 2-step verification for users in the Google Admin console (Security > Authentication > 2-step verification) or Cloud Identity.',
    url: 'https://cloud.google.com/compute/docs/oslogin/set-up-oslogin#byb',
  },
  reads: { computeProject: gcpComputeProject },
  evaluate({ computeProject }, _context, ctx): Judgement[] {
    const results: Judgement[] = [];
    const record = computeProject.items[0];
    if (record === undefined) {
      const resource: ResourceRef = {
        id: ctx.account,
        uid: `//compute.googleapis.com/projects/${ctx.account}`,
        type: 'compute.googleapis.com/Project',
        name: ctx.account,
        tags: {},
      };
      results.push({
        resource,
        region: 'global',
        status: 'NOT_ASSESSABLE',
        message: `Project ${ctx.account} has no Compute Engine project settings in Cloud Asset Inventory (the Compute Engine API is probably not enabled, so there are no VMs to SSH into). Check the project metadata if Compute Engine is in use.`,
        evidence: [evidenceFrom(computeProject, { assetType: 'compute.googleapis.com/Project', assets: 0 })],
      });
    } else {
      const items = record.data.commonInstanceMetadata?.items ?? [];
      const twoFactor = items.find((i) => i.key === 'enable-oslogin-2fa');
      const osLogin = items.find((i) => i.key === 'enable-oslogin');
      const resource = gcpResource(record.asset, record.data.name ?? ctx.account);
      const evidence = [evidenceFrom(computeProject, { name: record.data.name, 'commonInstanceMetadata.items': [osLogin, twoFactor].filter((i) => i !== undefined) })];
      const label = `Project ${ctx.account}`;
      if (isTrue(twoFactor?.value) && isTrue(osLogin?.value)) {
        results.push({ resource, region: 'global', status: 'PASS', message: `${label} turns on OS Login (enable-oslogin ${quoted(osLogin)}) with 2-step verification (enable-oslogin-2fa ${quoted(twoFactor)}) for every VM that does not override it.`, evidence });
      } else if (isTrue(twoFactor?.value)) {
        results.push({
          resource,
          region: 'global',
          status: 'FAIL',
          message: `${label} sets enable-oslogin-2fa ${quoted(twoFactor)}, but OS Login itself is not on in project metadata (enable-oslogin ${quoted(osLogin)}), so the 2-step requirement applies to no SSH login (unless the organisation policy constraints/compute.requireOsLogin enforces OS Login, which Ward does not read).`,
          evidence,
        });
      } else {
        results.push({
          resource,
          region: 'global',
          status: 'FAIL',
          message: `${label} does not require 2-step verification for SSH through OS Login: enable-oslogin-2fa is ${quoted(twoFactor)} (it must be TRUE); enable-oslogin is ${quoted(osLogin)}. A stolen password or key is enough to log in to its VMs.`,
          evidence,
        });
      }
    }
    results.push({
      resource: userTwoStepResource(ctx.account),
      region: 'global',
      status: 'NOT_ASSESSABLE',
      message: `Whether the users who can reach project ${ctx.account} have 2-step verification is set in the Google Workspace or Cloud Identity Admin console (Security > Authentication > 2-step verification: allow and enforce it, ideally with security keys), not in the project; Cloud Asset Inventory does not show it. Check enforcement and enrolment there (Admin console > Reporting > User reports > Security).`,
      evidence: [],
    });
    return results;
  },
});

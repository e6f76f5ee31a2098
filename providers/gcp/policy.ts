// Ward's least privilege in Google Cloud: a custom role with exactly the permissions the enabled
// controls declare, granted at the scanned project, folder or organisation. The predefined
// Cloud Asset Viewer role (roles/cloudasset.viewer) is the broader ready-made alternative.

import type { AnyControl } from '../../core/control.js';
import { declaredActions } from '../../core/permissions.js';
import { GCP_BASE_PERMISSIONS } from './datasets.js';

export interface GcpRoleDefinition {
  title: string;
  description: string;
  stage: 'GA';
  includedPermissions: string[];
  /** The predefined role that also works. */
  predefinedAlternative: string;
}

export function gcpCustomRole(controls: readonly AnyControl[]): GcpRoleDefinition {
  return {
    title: 'Ward Reader',
    description: 'Read-only access Ward needs for its Google Cloud controls (generated from the controls).',
    stage: 'GA',
    includedPermissions: declaredActions(controls, 'gcp', GCP_BASE_PERMISSIONS),
    predefinedAlternative: 'roles/cloudasset.viewer',
  };
}

// Ward's least privilege in Azure: a custom role with exactly the read actions the enabled controls
// declare (the built-in Reader role also works, with more than Ward needs).

import type { AnyControl } from '../../core/control.js';
import { declaredActions } from '../../core/permissions.js';
import { AZURE_BASE_ACTIONS } from './datasets.js';

export interface AzureRoleDefinition {
  Name: string;
  IsCustom: true;
  Description: string;
  Actions: string[];
  NotActions: string[];
  DataActions: string[];
  NotDataActions: string[];
  AssignableScopes: string[];
}

export function azureReaderRole(controls: readonly AnyControl[], subscriptions: readonly string[]): AzureRoleDefinition {
  return {
    Name: 'Ward Reader',
    IsCustom: true,
    Description: 'Read-only access Ward needs for its Azure controls (generated from the controls). The built-in Reader role is a broader alternative.',
    Actions: declaredActions(controls, 'azure', AZURE_BASE_ACTIONS),
    NotActions: [],
    DataActions: [],
    NotDataActions: [],
    AssignableScopes: (subscriptions.length > 0 ? subscriptions : ['<subscription-id>']).map((s) => `/subscriptions/${s}`),
  };
}

// Member accounts of an AWS Organization, for fan-out. Only ACTIVE accounts are scanned: suspended,
// closing and closed accounts cannot be read and would only produce ERROR noise.

import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { guardPages } from '../../core/limits.js';
import type { Account } from '@aws-sdk/client-organizations';

export { ORGANIZATION_ACTIONS } from './datasets.js';

export interface OrganizationAccount {
  id: string;
  name?: string;
}

/** `State` replaced `Status` (retired September 2026); older responses may carry only `Status`. */
export function isActive(account: Pick<Account, 'State' | 'Status'>): boolean {
  return (account.State ?? account.Status) === 'ACTIVE';
}

export async function listActiveAccounts(client: OrganizationsClient): Promise<OrganizationAccount[]> {
  const accounts: OrganizationAccount[] = [];
  for await (const page of guardPages('organizations:ListAccounts', paginateListAccounts({ client }, {}), (p) => p.NextToken)) {
    for (const account of page.Accounts ?? []) {
      if (account.Id === undefined || !isActive(account)) continue;
      accounts.push(account.Name === undefined ? { id: account.Id } : { id: account.Id, name: account.Name });
    }
  }
  return accounts.sort((a, b) => a.id.localeCompare(b.id));
}

import { describe, expect, it } from 'vitest';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { listActiveAccounts } from './organization.js';

describe('listActiveAccounts', () => {
  it('pages through the organisation and keeps only ACTIVE accounts, by State or the older Status', async () => {
    const orgs = mockClient(OrganizationsClient);
    orgs
      .on(ListAccountsCommand)
      .resolvesOnce({
        Accounts: [
          { Id: '222222222222', Name: 'prod', State: 'ACTIVE' },
          { Id: '333333333333', Name: 'old', State: 'SUSPENDED', Status: 'SUSPENDED' },
        ],
        NextToken: 'p2',
      })
      .resolvesOnce({
        Accounts: [
          { Id: '111111111111', Name: 'legacy', Status: 'ACTIVE' },
          { Id: '444444444444', Name: 'closing', State: 'PENDING_CLOSURE' },
        ],
      });
    const client = new OrganizationsClient({ region: 'us-east-1' });
    expect(await listActiveAccounts(client)).toEqual([
      { id: '111111111111', name: 'legacy' },
      { id: '222222222222', name: 'prod' },
    ]);
    orgs.restore();
  });
});

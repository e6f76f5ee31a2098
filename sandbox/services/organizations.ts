// AWS Organizations (JSON 1.1, global in us-east-1): ListAccounts (management account only,
// MaxResults 1 to 20, NextToken) and DescribeOrganization.

import { intField, paginate, stringField, type CallContext, type JsonHandler, type JsonObject } from '../context.js';
import { AwsError, validationError } from '../errors.js';
import type { OrganizationModel } from '../model.js';

function organizationOf(ctx: CallContext): OrganizationModel {
  const org = ctx.account.organization === undefined ? undefined : ctx.model.organizations.get(ctx.account.organization);
  if (org === undefined) throw new AwsError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.', 400);
  return org;
}

const listAccounts: JsonHandler = (ctx, body) => {
  const org = organizationOf(ctx);
  if (org.managementAccount !== ctx.account.id) throw new AwsError('AccessDeniedException', 'You don\'t have permissions to access this resource.', 400);
  const max = intField('organizations', body, 'MaxResults');
  if (max !== undefined && (max < 1 || max > 20)) throw validationError('organizations', 'You provided a value that does not match the required pattern: MaxResults must be between 1 and 20.');
  const members = ctx.model.accountList.filter((a) => a.organization === org.id);
  const page = paginate(ctx, members, stringField('organizations', body, 'NextToken'), max ?? 20);
  const out: JsonObject = {
    Accounts: page.items.map((a) => ({
      Id: a.id,
      Arn: `arn:aws:organizations::${org.managementAccount}:account/${org.id}/${a.id}`,
      Email: a.email,
      Name: a.name,
      Status: a.status,
      State: a.status,
      JoinedMethod: a.joinedMethod,
      JoinedTimestamp: Math.floor(a.joined.getTime() / 1000),
    })),
  };
  if (page.next !== undefined) out['NextToken'] = page.next;
  return out;
};

const describeOrganization: JsonHandler = (ctx) => {
  const org = organizationOf(ctx);
  const management = ctx.model.accounts.get(org.managementAccount);
  return {
    Organization: {
      Id: org.id,
      Arn: org.arn,
      FeatureSet: org.featureSet,
      MasterAccountArn: `arn:aws:organizations::${org.managementAccount}:account/${org.id}/${org.managementAccount}`,
      MasterAccountId: org.managementAccount,
      MasterAccountEmail: management?.email ?? '',
      AvailablePolicyTypes: [],
    },
  };
};

export const ORGANIZATIONS_HANDLERS: Record<string, JsonHandler> = {
  ListAccounts: listAccounts,
  DescribeOrganization: describeOrganization,
};

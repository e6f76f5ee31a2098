import { defineControl, evidenceFrom, type Judgement } from '../../core/control.js';
import { azureSubscription } from '../../providers/azure/datasets.js';
import { subscriptionResource } from './support/resources.js';

export default defineControl({
  id: 'azure-user-mfa',
  provider: 'azure',
  area: 'mfa',
  title: 'Users who can sign in to Azure use multi-factor authentication',
  severity: 'high',
  hipaa: ['164.312(d)'],
  scope: 'account',
  description:
    'Every person who can sign in to the subscription must use multi-factor authentication. Users, their authentication methods, Conditional Access and security defaults live in Microsoft Entra ID and are read through Microsoft Graph, not Azure Resource Manager, so Ward cannot assess this from the subscription: the result is always NOT_ASSESSABLE, once per subscription, with where to check instead. It is never a PASS.',
  remediation: {
    text: 'In the Microsoft Entra admin center, either turn on security defaults (Identity > Overview > Properties > Manage security defaults) or create a Conditional Access policy that requires multi-factor authentication for all users (Protection > Conditional Access), and review each user\'s registered methods (Protection > Authentication methods > User registration details). Keep break-glass accounts excluded and monitored.',
    url: 'https://learn.microsoft.com/entra/identity/conditional-access/policy-all-users-mfa-strength',
  },
  reads: { subscription: azureSubscription },
  evaluate({ subscription }, _context, ctx): Judgement[] {
    return subscription.items.map((record): Judgement => {
      const name = record.displayName === undefined ? record.subscriptionId : `${record.displayName} (${record.subscriptionId})`;
      const tenant = record.tenantId === undefined ? 'its Microsoft Entra tenant' : `Microsoft Entra tenant ${record.tenantId}`;
      return {
        resource: subscriptionResource(ctx.account, record),
        status: 'NOT_ASSESSABLE',
        region: 'global',
        message: `Multi-factor authentication for the people who sign in to subscription ${name} is set in ${tenant}, which Azure Resource Manager does not expose (it is read through Microsoft Graph). Check it in the Microsoft Entra admin center: Protection > Conditional Access (a policy requiring MFA for all users) or Identity > Overview > Properties > security defaults, and Protection > Authentication methods > User registration details for users without a registered method. Microsoft's mandatory MFA for Azure sign-in covers the Azure portal and management tools, not every application that holds PHI.`,
        evidence: [evidenceFrom(subscription, { subscriptionId: record.subscriptionId, displayName: record.displayName, tenantId: record.tenantId, state: record.state })],
      };
    });
  },
});
